import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Deployment } from 'kubernetes-models/apps/v1';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { isClawbarError } from '../../../common/errors';
import { schemaProblem } from './kube-schema';
import {
  loadManifestSet,
  renderManifestFiles,
  renderManifests,
  renderSandbox,
  sandboxObjectKeys,
  secretPlaceholder,
  seedConfigAnnotation,
  sha256,
  squidConfigAnnotation,
  togglePolicies,
  type SandboxObject,
} from './render-manifests';
import { clawbarLabels, sandboxImages } from './sandbox-params';
import {
  describeToggles,
  manifestsDir,
  paramsFor,
  toggleCombinations,
} from './test-support/sandbox-fixtures';
import { modelTypeOf, unknownFields } from './test-support/strict-fields';

const combinations = [
  ...toggleCombinations.map(toggles => ({
    name: describeToggles(toggles),
    params: () => paramsFor(toggles),
  })),
  {
    name: 'models installed, provider keys entered, a bigger gateway on a bigger VM',
    params: () =>
      paramsFor({
        lmStudio: true,
        models: [{ name: 'qwen3:8b', capabilities: ['thinking'] }, { name: 'llama3.2:latest' }],
        lmStudioModels: ['qwen/qwen3-8b'],
        secretKeys: ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY'],
        settings: settings => ({
          ...settings,
          vm: { ...settings.vm, cpus: 8, memoryGiB: 16 },
          ollama: { ...settings.ollama, port: 11500, defaultModel: 'qwen3:8b' },
          lmStudio: { enabled: true, port: 1240 },
          sandbox: {
            ...settings.sandbox,
            allowlist: { presets: ['openclaw', 'github', 'anthropic', 'telegram'], domains: ['example.org'] },
            gateway: { cpuRequest: '1', memoryRequest: '1Gi', cpuLimit: '4', memoryLimit: '6Gi' },
          },
        }),
      }),
  },
  {
    name: 'an empty allowlist on the smallest VM that fits',
    params: () =>
      paramsFor({
        settings: settings => ({
          ...settings,
          vm: { ...settings.vm, cpus: 3, memoryGiB: 4 },
          sandbox: { ...settings.sandbox, allowlist: { presets: [], domains: [] } },
        }),
      }),
  },
];

describe('the rendered sandbox, against the Kubernetes API schemas', () => {
  for (const combination of combinations) {
    it(`validates every object (${combination.name})`, async () => {
      const objects = await renderManifests(manifestsDir, combination.params());
      expect(objects.length).toBeGreaterThan(10);
      for (const object of objects) {
        expect(schemaProblem(object), `${object.kind}/${object.metadata.name}`).toBeNull();
        // Unknown fields pass those schemas but not the API server's strict field validation.
        expect(unknownFields(object, modelTypeOf(object)), `${object.kind}/${object.metadata.name}`).toEqual(
          [],
        );
      }
    });
  }

  it('the strict field check catches a misspelt field', () => {
    const typo = {
      metadata: { name: 'x' },
      spec: { selector: {}, template: { spec: { containers: [{ name: 'a', readinesProbe: {} }] } } },
    };
    expect(unknownFields(typo, 'V1Deployment')).toEqual(['spec.template.spec.containers[0].readinesProbe']);
  });
});

describe('rendering', () => {
  it('manifests/ is exactly the rendering of the default settings, comments included', async () => {
    const set = await loadManifestSet(manifestsDir);
    const { files, omitted } = renderManifestFiles(set, renderSandbox(set, paramsFor()));
    expect(omitted).toEqual([]);
    for (const { file, content } of files) {
      // Out of date? Regenerate: CLAWBAR_HOME=$(mktemp -d) npm run -s clawbar -- manifests --defaults --out manifests
      expect(content, file).toBe(await readFile(join(manifestsDir, file), 'utf8'));
    }
  });

  it('puts the objects in apply order: policies before the pods they confine', async () => {
    const kinds = (await renderManifests(manifestsDir, paramsFor())).map(object => object.kind);
    expect(kinds.indexOf('Namespace')).toBe(0);
    expect(kinds.lastIndexOf('NetworkPolicy')).toBeLessThan(kinds.indexOf('Deployment'));
    expect(kinds.lastIndexOf('ConfigMap')).toBeLessThan(kinds.indexOf('Deployment'));
    expect(kinds.indexOf('PersistentVolume')).toBeLessThan(kinds.indexOf('PersistentVolumeClaim'));
  });

  it('renders every object of the sandbox with the toggles on, and drops each toggle’s policies when off', async () => {
    const keys = (objects: SandboxObject[]) =>
      objects.map(object => `${object.kind}/${object.metadata.name}`);
    expect(keys(await renderManifests(manifestsDir, paramsFor())).sort()).toEqual(
      [...sandboxObjectKeys].sort(),
    );
    const offline = keys(await renderManifests(manifestsDir, paramsFor({ internet: false })));
    for (const name of togglePolicies.internet) expect(offline).not.toContain(`NetworkPolicy/${name}`);
    for (const name of togglePolicies['local-models']) expect(offline).toContain(`NetworkPolicy/${name}`);
    const noModels = keys(await renderManifests(manifestsDir, paramsFor({ localModels: false })));
    for (const name of togglePolicies['local-models'])
      expect(noModels).not.toContain(`NetworkPolicy/${name}`);
    expect(noModels).toContain('NetworkPolicy/default-deny');
    expect(noModels).toContain('NetworkPolicy/allow-dns');
  });

  it('patches in the settings: images, resources, heap, quota, host ports, node and state path', async () => {
    const params = paramsFor({
      lmStudio: true,
      settings: settings => ({
        ...settings,
        vm: { ...settings.vm, cpus: 6, memoryGiB: 12 },
        lmStudio: { enabled: true, port: 1240 },
        sandbox: {
          ...settings.sandbox,
          gateway: { cpuRequest: '250m', memoryRequest: '1Gi', cpuLimit: '1500m', memoryLimit: '3Gi' },
        },
      }),
    });
    const objects = await renderManifests(manifestsDir, params);
    const gateway = podSpec(byName(objects, 'Deployment', 'openclaw-gateway'));
    const container = gateway.containers.find(candidate => candidate.name === 'gateway')!;
    expect(container.image).toBe(sandboxImages.openclaw);
    expect(gateway.initContainers![0]!.image).toBe(sandboxImages.busybox);
    expect(container.resources).toEqual({
      requests: { cpu: '250m', memory: '1Gi' },
      limits: { cpu: '1500m', memory: '3Gi' },
    });
    expect(container.env!.find(variable => variable.name === 'NODE_OPTIONS')!.value).toBe(
      '--max-old-space-size=2304',
    );
    expect(byName(objects, 'ResourceQuota', 'openclaw')).toMatchObject({
      spec: {
        hard: {
          'requests.cpu': '5500m',
          'limits.cpu': '6000m',
          'limits.memory': '11264Mi',
          'services.nodeports': '0',
        },
      },
    });
    expect(byName(objects, 'LimitRange', 'openclaw')).toMatchObject({
      spec: { limits: [{ type: 'Container', max: { cpu: '6000m', memory: '11264Mi' } }] },
    });
    const ports = (name: string) =>
      (
        byName(objects, 'NetworkPolicy', name) as unknown as {
          spec: { egress: { to: { ipBlock?: { cidr: string } }[]; ports: { port: number }[] }[] };
        }
      ).spec.egress
        .filter(rule => rule.to.some(peer => peer.ipBlock))
        .map(rule => [rule.to[0]!.ipBlock!.cidr, rule.ports.map(port => port.port)]);
    expect(ports('gateway-to-host-llm')).toEqual([['192.168.5.2/32', [11434, 1240]]]);
    expect(ports('proxy-to-host-llm')).toEqual([['192.168.5.2/32', [11434, 1240]]]);
    expect(byName(objects, 'PersistentVolume', 'openclaw-state')).toMatchObject({
      spec: {
        hostPath: { path: '/mnt/openclaw', type: 'Directory' },
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        claimRef: { namespace: 'openclaw', name: 'openclaw-state' },
        nodeAffinity: {
          required: { nodeSelectorTerms: [{ matchExpressions: [{ values: ['lima-clawbar'] }] }] },
        },
      },
    });
    expect(byName(objects, 'PersistentVolumeClaim', 'openclaw-state')).toMatchObject({
      spec: { storageClassName: '', volumeName: 'openclaw-state' },
    });
  });

  it('lets the Squid config carry the allowlist and the local models, and rolls the proxy when it changes', async () => {
    const render = async (domains: string[], localModels: boolean) => {
      const objects = await renderManifests(
        manifestsDir,
        paramsFor({
          localModels,
          settings: settings => ({
            ...settings,
            sandbox: { ...settings.sandbox, allowlist: { presets: ['openclaw'], domains } },
          }),
        }),
      );
      const squid = (
        byName(objects, 'ConfigMap', 'egress-proxy-config') as unknown as { data: Record<string, string> }
      ).data['squid.conf']!;
      const annotation = templateAnnotations(byName(objects, 'Deployment', 'egress-proxy'))[
        squidConfigAnnotation
      ];
      const gatewayAnnotation = templateAnnotations(byName(objects, 'Deployment', 'openclaw-gateway'))[
        seedConfigAnnotation
      ];
      return { squid, annotation, gatewayAnnotation };
    };
    const base = await render([], true);
    expect(base.annotation).toBe(sha256(base.squid));
    expect(base.squid).toContain('acl allowlist dstdomain -n .openclaw.ai');
    expect(base.squid).toContain('acl local_models_ports port 11434');
    const more = await render(['example.org'], true);
    expect(more.squid).toContain('acl allowlist dstdomain -n example.org');
    expect(more.annotation).not.toBe(base.annotation);
    // The gateway does not restart for a proxy change.
    expect(more.gatewayAnnotation).toBe(base.gatewayAnnotation);
    expect((await render([], false)).squid).not.toContain('local_models');
  });

  it('rolls the gateway when its seed config changes', async () => {
    const annotation = async (models: { name: string }[]) =>
      templateAnnotations(
        byName(await renderManifests(manifestsDir, paramsFor({ models })), 'Deployment', 'openclaw-gateway'),
      )[seedConfigAnnotation];
    expect(await annotation([{ name: 'qwen3:8b' }])).not.toBe(await annotation([]));
  });

  it('gives the Secret the token and the entered provider keys, as placeholders, and the gateway optional references', async () => {
    const objects = await renderManifests(
      manifestsDir,
      paramsFor({ secretKeys: ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY'] }),
    );
    expect(byName(objects, 'Secret', 'openclaw-secrets')).toMatchObject({
      stringData: {
        OPENCLAW_GATEWAY_TOKEN: secretPlaceholder,
        ANTHROPIC_API_KEY: secretPlaceholder,
        OPENAI_API_KEY: secretPlaceholder,
      },
    });
    const env = podSpec(byName(objects, 'Deployment', 'openclaw-gateway')).containers[0]!.env!;
    const refs = env.filter(variable => variable.valueFrom?.secretKeyRef);
    expect(
      refs.map(variable => [variable.name, variable.valueFrom!.secretKeyRef!.optional ?? false]),
    ).toEqual([
      ['OPENCLAW_GATEWAY_TOKEN', false],
      ['ANTHROPIC_API_KEY', true],
      ['OPENAI_API_KEY', true],
    ]);
    const none = await renderManifests(manifestsDir, paramsFor());
    expect(
      Object.keys(
        (byName(none, 'Secret', 'openclaw-secrets') as unknown as { stringData: object }).stringData,
      ),
    ).toEqual(['OPENCLAW_GATEWAY_TOKEN']);
  });

  it('labels every object as Clawbar’s and puts the namespaced ones in openclaw', async () => {
    for (const object of await renderManifests(manifestsDir, paramsFor())) {
      expect(object.metadata.labels).toMatchObject(clawbarLabels);
      if (object.kind !== 'Namespace' && object.kind !== 'PersistentVolume')
        expect(object.metadata.namespace).toBe('openclaw');
    }
  });

  it('writes files that parse back to the rendered objects, and a kustomization listing them', async () => {
    const set = await loadManifestSet(manifestsDir);
    const rendered = renderSandbox(set, paramsFor({ internet: false, secretKeys: ['OPENAI_API_KEY'] }));
    const { files, omitted } = renderManifestFiles(set, rendered);
    expect(omitted.sort()).toEqual(togglePolicies.internet.map(name => `networkpolicy-${name}.yaml`).sort());
    for (const manifest of rendered) {
      expect(parse(files.find(file => file.file === manifest.file)!.content)).toEqual(manifest.object);
    }
    const kustomization = parse(files.find(file => file.file === 'kustomization.yaml')!.content) as {
      resources: string[];
    };
    expect(kustomization.resources).toEqual(rendered.map(manifest => manifest.file));
    // The comments of the source files stay.
    expect(files.find(file => file.file === 'deployment-openclaw-gateway.yaml')!.content).toContain(
      '# The OpenClaw gateway.',
    );
  });
});

describe('a damaged manifests dir', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function copy(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'clawbar-manifests-'));
    dirs.push(dir);
    await cp(manifestsDir, dir, { recursive: true });
    return dir;
  }

  async function failure(dir: string): Promise<{ code: string; message: string }> {
    try {
      await renderManifests(dir, paramsFor());
    } catch (error) {
      if (isClawbarError(error)) return { code: error.code, message: error.message };
      throw error;
    }
    throw new Error('rendered a damaged manifests dir');
  }

  it('says which file is missing', async () => {
    const dir = await copy();
    await rm(join(dir, 'deployment-egress-proxy.yaml'));
    expect(await failure(dir)).toMatchObject({
      code: 'manifests-missing',
      message: expect.stringContaining('deployment-egress-proxy.yaml'),
    });
    expect(await failure(join(dir, 'nowhere'))).toMatchObject({ code: 'manifests-missing' });
  });

  it('refuses broken YAML, an object against the schema, and one in the wrong file', async () => {
    const dir = await copy();
    await writeFile(join(dir, 'service-egress-proxy.yaml'), 'kind: Service\n  bad: [indent\n');
    expect(await failure(dir)).toMatchObject({
      code: 'manifests-invalid',
      message: expect.stringContaining('not valid YAML'),
    });
    const source = await readFile(join(manifestsDir, 'service-egress-proxy.yaml'), 'utf8');
    await writeFile(join(dir, 'service-egress-proxy.yaml'), source.replace('port: 3128', 'port: lots'));
    expect(await failure(dir)).toMatchObject({
      code: 'manifests-invalid',
      message: expect.stringContaining('port'),
    });
    await writeFile(
      join(dir, 'service-egress-proxy.yaml'),
      source.replace('name: egress-proxy\n', 'name: renamed\n'),
    );
    expect(await failure(dir)).toMatchObject({
      code: 'manifests-invalid',
      message: expect.stringContaining('service-renamed.yaml'),
    });
  });

  it('refuses a kustomization that would apply something else than the files', async () => {
    const dir = await copy();
    const kustomization = await readFile(join(dir, 'kustomization.yaml'), 'utf8');
    await writeFile(join(dir, 'kustomization.yaml'), `${kustomization}patches:\n  - path: more.yaml\n`);
    expect(await failure(dir)).toMatchObject({
      code: 'manifests-invalid',
      message: expect.stringContaining('patches'),
    });
    await writeFile(
      join(dir, 'kustomization.yaml'),
      kustomization.replace('  - secret-openclaw-secrets.yaml\n', ''),
    );
    expect(await failure(dir)).toMatchObject({
      code: 'manifests-invalid',
      message: expect.stringContaining('missing Secret/openclaw-secrets'),
    });
  });

  it('refuses an object that is not part of the sandbox', async () => {
    const dir = await copy();
    await writeFile(
      join(dir, 'service-extra.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: extra\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n',
    );
    const kustomization = await readFile(join(dir, 'kustomization.yaml'), 'utf8');
    await writeFile(join(dir, 'kustomization.yaml'), `${kustomization}  - service-extra.yaml\n`);
    expect(await failure(dir)).toMatchObject({
      code: 'manifests-invalid',
      message: expect.stringContaining('Service/extra'),
    });
  });
});

function byName(objects: SandboxObject[], kind: string, name: string): SandboxObject {
  const found = objects.find(object => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} not rendered`);
  return found;
}

function podSpec(object: SandboxObject) {
  return (object as unknown as Deployment).spec!.template.spec!;
}

function templateAnnotations(object: SandboxObject): Record<string, string> {
  return (object as unknown as Deployment).spec!.template.metadata!.annotations ?? {};
}
