import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { podTemplateOf, restrictedViolationsOf } from '../services/cluster/pod-security';
import { secretPlaceholder, togglePolicies } from '../services/cluster/render-manifests';
import { runCliCaptured as run } from './test-support/run-cli';
import { schemaProblem } from '../services/cluster/kube-schema';
import { sourceManifestsDir } from '../services/cluster/manifests-dir';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

interface WrittenObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels: Record<string, string> };
  [key: string]: unknown;
}

async function written(
  dir: string,
): Promise<{ files: string[]; objects: Map<string, WrittenObject>; resources: string[] }> {
  const files = (await readdir(dir)).sort();
  const objects = new Map<string, WrittenObject>();
  for (const file of files.filter(name => name !== 'kustomization.yaml')) {
    objects.set(file, parse(await readFile(join(dir, file), 'utf8')) as WrittenObject);
  }
  const kustomization = parse(await readFile(join(dir, 'kustomization.yaml'), 'utf8')) as {
    resources: string[];
  };
  return { files, objects, resources: kustomization.resources };
}

/** `clawbar manifests …` end to end: the CLI, the settings on disk, the renderer and the files it writes. */
describe('clawbar manifests', () => {
  it('writes the whole object set from the current settings: valid, restricted, secrets as placeholders', async () => {
    const home = await tempDir('clawbar-cli-manifests-');
    const out = join(await tempDir('clawbar-manifests-out-'), 'sandbox');
    await writeFile(
      join(home, 'settings.json'),
      JSON.stringify({
        ollama: { defaultModel: 'qwen3:8b' },
        sandbox: {
          allowlist: { presets: ['openclaw', 'github'], domains: [] },
          gateway: { cpuRequest: '250m', memoryRequest: '1Gi', cpuLimit: '1', memoryLimit: '3Gi' },
        },
      }),
    );
    const {
      code,
      out: stdout,
      err,
    } = await run(['--demo', 'manifests', '--out', out, '--allow', 'Example.org', '--allow', '.hf.co'], {
      CLAWBAR_HOME: home,
    });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`Wrote 21 objects and their kustomization.yaml to ${out}:`);
    expect(stdout).toMatch(/Deployment\/openclaw-gateway\s+deployment-openclaw-gateway\.yaml/);

    const { files, objects, resources } = await written(out);
    expect(files).toEqual([...resources, 'kustomization.yaml'].sort());
    for (const [file, object] of objects) {
      expect(schemaProblem(object), file).toBeNull();
      expect(restrictedViolationsOf(object), file).toEqual([]);
      expect(object.metadata.labels['app.kubernetes.io/managed-by'], file).toBe('clawbar');
    }
    const squid = (
      objects.get('configmap-egress-proxy-config.yaml') as unknown as { data: Record<string, string> }
    ).data['squid.conf']!;
    expect(squid).toContain('acl allowlist dstdomain -n example.org');
    expect(squid).toContain('acl allowlist dstdomain -n .hf.co');
    expect(squid).toContain('acl allowlist dstdomain -n github.com');
    const seed = JSON.parse(
      (objects.get('configmap-openclaw-seed-config.yaml') as unknown as { data: Record<string, string> })
        .data['openclaw.json']!,
    ) as { agents: { defaults: { model: { primary: string } } } };
    expect(seed.agents.defaults.model.primary).toBe('ollama/qwen3:8b');
    const gateway = podTemplateOf(objects.get('deployment-openclaw-gateway.yaml')!)!.spec.containers[0]!;
    expect(gateway.resources).toEqual({
      requests: { cpu: '250m', memory: '1Gi' },
      limits: { cpu: '1', memory: '3Gi' },
    });
    expect(objects.get('secret-openclaw-secrets.yaml')).toMatchObject({
      stringData: { OPENCLAW_GATEWAY_TOKEN: secretPlaceholder },
    });
  });

  it('leaves out the policies of the toggles turned off, and removes them from an earlier run', async () => {
    const home = await tempDir('clawbar-cli-manifests-');
    const out = await tempDir('clawbar-manifests-out-');
    expect((await run(['--demo', 'manifests', '--out', out], { CLAWBAR_HOME: home })).code).toBe(0);
    expect((await readdir(out)).filter(file => file.startsWith('networkpolicy-'))).toHaveLength(7);

    const { code, out: stdout } = await run(
      ['--demo', 'manifests', '--out', out, '--no-internet', '--no-local-models', '--json'],
      {
        CLAWBAR_HOME: home,
      },
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      dir: string;
      objects: { file: string; kind: string; name: string }[];
      removed: string[];
    };
    expect(report.dir).toBe(out);
    const removed = [...togglePolicies.internet, ...togglePolicies['local-models']].map(
      name => `networkpolicy-${name}.yaml`,
    );
    expect(report.removed.sort()).toEqual(removed.sort());
    const { files, resources } = await written(out);
    expect(files.filter(file => file.startsWith('networkpolicy-')).sort()).toEqual([
      'networkpolicy-allow-dns.yaml',
      'networkpolicy-default-deny.yaml',
    ]);
    expect(resources).toEqual(report.objects.map(object => object.file));
  });

  it('renders Clawbar’s defaults with --defaults: exactly the repository’s manifests/', async () => {
    const out = await tempDir('clawbar-manifests-out-');
    const { code } = await run(['manifests', '--defaults', '--out', out], {
      CLAWBAR_HOME: await tempDir('clawbar-cli-manifests-'),
    });
    expect(code).toBe(0);
    for (const file of await readdir(out)) {
      expect(await readFile(join(out, file), 'utf8'), file).toBe(
        await readFile(join(sourceManifestsDir, file), 'utf8'),
      );
    }
    const sources = (await readdir(sourceManifestsDir)).filter(file => file.endsWith('.yaml')).sort();
    expect((await readdir(out)).sort()).toEqual(sources);
  });

  it('refuses a bad domain or a missing --out with a usage error, and writes nothing', async () => {
    const home = await tempDir('clawbar-cli-manifests-');
    const out = join(await tempDir('clawbar-manifests-out-'), 'never');
    const url = await run(['--demo', 'manifests', '--out', out, '--allow', 'https://api.example.com/v1'], {
      CLAWBAR_HOME: home,
    });
    expect(url.code).toBe(2);
    expect(url.err).toContain('is a URL: enter only the host name');
    expect(url.err).toContain('Did you mean api.example.com?');
    const ip = await run(['--demo', 'manifests', '--out', out, '--allow', '10.0.0.1'], {
      CLAWBAR_HOME: home,
    });
    expect(ip.code).toBe(2);
    expect(ip.err).toContain('is an IP address');
    await expect(readdir(out)).rejects.toThrow();
    const missing = await run(['--demo', 'manifests'], { CLAWBAR_HOME: home });
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--out DIR is needed');
  });

  it('says in French when asked, and fails clearly when the gateway does not fit the VM', async () => {
    const home = await tempDir('clawbar-cli-manifests-');
    await mkdir(home, { recursive: true });
    await writeFile(join(home, 'settings.json'), JSON.stringify({ vm: { cpus: 2, memoryGiB: 2 } }));
    const out = await tempDir('clawbar-manifests-out-');
    const result = await run(['--demo', 'manifests', '--out', out], {
      CLAWBAR_HOME: home,
      LANG: 'fr_FR.UTF-8',
    });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^clawbar manifests: The sandbox needs /);
    expect(result.err).toContain('The sandbox needs 2624Mi of limits memory');
    expect(result.err).toContain('leaves it 1024Mi');
    const usage = await run(['--demo', 'manifests'], { CLAWBAR_HOME: home, LANG: 'fr_FR.UTF-8' });
    expect(usage.err).toContain('Il faut --out DOSSIER');
  });
});
