import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { Progress } from '../../../common/progress';
import type { SecretName } from '../../../common/secrets';
import { defaultSettings } from '../../../common/settings';
import { type AppState, initialAppState } from '../../../common/state';
import { createLogger } from '../platform/log';
import { appPathsUnder } from '../platform/paths';
import { Redactor } from '../platform/redact';
import {
  diagnosticsSteps,
  environment,
  writeDiagnosticsBundle,
  type DiagnosticsSources,
} from './diagnostics';
import { leaks, readZip } from './test-support/read-zip';

const token = '4f1c2d9e8b7a60514f1c2d9e8b7a60514f1c2d9e8b7a60514f1c2d9e8b7a6051';
const apiKey = 'sk-proj-PLANTEDplantedPLANTED0123456789';

const homes: string[] = [];
afterEach(async () => {
  for (const home of homes.splice(0)) await rm(home, { recursive: true, force: true });
});

function appState(): AppState {
  return {
    ...initialAppState(
      { version: '0.1.0', mode: 'cli', startedAt: '2026-08-21T14:30:05.000Z' },
      { ollama: 'http://127.0.0.1:11434', lmStudio: '127.0.0.1:1234' },
    ),
    revision: 1,
    components: {
      vm: { state: 'not-created' },
      k3s: { state: 'not-created' },
      gateway: { state: 'not-created' },
      proxy: { state: 'not-created' },
      ollama: { state: 'stopped' },
      lmstudio: { state: 'not-installed' },
    },
  };
}

/** Sources as a Mac without a VM would give them, each part replaceable by a test. */
async function sources(change: Partial<DiagnosticsSources> = {}): Promise<DiagnosticsSources> {
  const home = await mkdtemp(join(tmpdir(), 'clawbar-diag-'));
  homes.push(home);
  const paths = appPathsUnder(home);
  const keychain = new Map<SecretName, string>([
    ['OPENCLAW_GATEWAY_TOKEN', token],
    ['OPENAI_API_KEY', apiKey],
  ]);
  return {
    info: {
      name: 'Clawbar',
      version: '0.1.0',
      mode: 'cli',
      platform: 'darwin',
      arch: 'arm64',
      versions: { node: '20.19.0', electron: null, chrome: null },
      pinned: {
        k3s: 'v1.35.0+k3s1',
        images: {
          openclaw: 'ghcr.io/openclaw/openclaw:2026.7.1-2-slim',
          squid: 'docker.io/ubuntu/squid:6.6-24.04_beta',
          busybox: 'docker.io/library/busybox:1.37.0',
        },
      },
      paths: {
        home,
        settings: paths.settingsFile,
        logs: paths.logsDir,
        lima: paths.limaHome,
        kubeconfig: paths.kubeconfig,
      },
    },
    paths,
    env: {},
    state: appState,
    settings: defaultSettings,
    lima: {
      instanceDir: join(paths.limaHome, 'clawbar'),
      instance: () => Promise.resolve(undefined),
      k3sJournal: () => Promise.reject(new Error('no VM')),
    },
    vm: {
      template: () => Promise.resolve('vmType: vz\n'),
      preflight: () => Promise.resolve({ ok: true, checks: [] }),
    },
    cluster: { namespace: 'openclaw', connection: () => Promise.resolve(null) },
    network: {
      allowlist: () => ({
        presets: [],
        domains: ['example.com'],
        effective: ['example.com'],
        covered: [],
        applied: null,
      }),
    },
    secrets: {
      names: () => Promise.resolve([...keychain.keys()]),
      get: name => Promise.resolve(keychain.get(name)),
    },
    kubeconfigs: () => Promise.resolve([]),
    redactor: new Redactor(),
    log: createLogger({ sinks: [] }),
    ...change,
  };
}

describe('writeDiagnosticsBundle', () => {
  it('writes what it can, says in MISSING.txt why the rest is not there, and reports each step', async () => {
    const source = await sources();
    await mkdir(source.paths.logsDir, { recursive: true });
    await writeFile(join(source.paths.logsDir, 'clawbar.log'), `INFO started; token ${token}\n`);
    await writeFile(join(source.paths.logsDir, 'clawbar.1.log'), `WARN key=${apiKey}\n`);
    const steps: Progress[] = [];
    const file = join(source.paths.home, 'out', 'bundle.zip');
    const result = await writeDiagnosticsBundle(source, { file, onProgress: step => steps.push(step) });

    expect(steps.map(step => step.step)).toEqual([...diagnosticsSteps]);
    expect(result.path).toBe(file);
    expect(result.missing.map(item => item.part)).toEqual([
      'lima/',
      'lima/instance.json',
      'k3s/journal.log',
      'cluster/',
    ]);
    expect(result.missing[2]?.reason).toMatch(/VM is not running \(not created\)/);
    expect(result.missing[3]?.reason).toMatch(/no kubeconfig/);

    const entries = await readZip(file);
    expect([...entries.keys()].sort()).toEqual(
      [
        'README.txt',
        'MISSING.txt',
        'app/info.json',
        'app/environment.json',
        'app/settings.json',
        'app/state.json',
        'logs/clawbar.1.log',
        'logs/clawbar.log',
        'vm/template.yaml',
        'vm/preflight.json',
        'sandbox/policies.json',
        'sandbox/selftest.json',
        'sandbox/allowlist.json',
      ]
        .map(name => `bundle/${name}`)
        .sort(),
    );
    expect(entries.get('bundle/MISSING.txt')).toMatch(/^lima\/: There is no VM/);
    expect(entries.get('bundle/logs/clawbar.log')).toBe('INFO started; token [REDACTED]\n');
    expect(leaks(entries, { token, apiKey })).toEqual([]);
    expect(result.bytes).toBeGreaterThan(0);
  });

  it('refuses to write the zip when a secret got past the redaction', async () => {
    // A redactor with a bug: it knows the value but lets it through. The last scan must catch it.
    class LeakyRedactor extends Redactor {
      override text(input: string): string {
        return input;
      }
    }
    const leaky = new LeakyRedactor();
    leaky.register('registered-but-not-redacted');
    const source = await sources({
      redactor: leaky,
      vm: {
        template: () => Promise.resolve('# registered-but-not-redacted\n'),
        preflight: () => Promise.resolve({ ok: true, checks: [] }),
      },
    });
    const file = join(source.paths.home, 'bundle.zip');
    await expect(writeDiagnosticsBundle(source, { file })).rejects.toMatchObject({
      code: 'diagnostics-secret-found',
      message: expect.stringContaining('vm/template.yaml (a value registered with the redactor)') as string,
    });
    expect(await readdir(source.paths.home)).not.toContain('bundle.zip');
  });

  it('goes on without the Keychain, and says that the scan had less to go on', async () => {
    const source = await sources({
      secrets: {
        names: () => Promise.reject(new Error('The macOS Keychain cannot be reached')),
        get: () => Promise.resolve(undefined),
      },
    });
    const result = await writeDiagnosticsBundle(source, { file: join(source.paths.home, 'b.zip') });
    expect(result.missing[0]).toEqual({
      part: 'secret-scan',
      reason: 'The macOS Keychain cannot be reached',
    });
  });

  it('stops when cancelled and writes nothing', async () => {
    const source = await sources();
    const controller = new AbortController();
    const file = join(source.paths.home, 'b.zip');
    await expect(
      writeDiagnosticsBundle(source, {
        file,
        signal: controller.signal,
        onProgress: step => {
          if (step.step === 'lima') controller.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    expect(await readdir(source.paths.home)).not.toContain('b.zip');
  });

  it('keeps only the environment variables that matter, without proxy passwords', () => {
    expect(
      environment({
        PATH: '/usr/bin',
        OPENAI_API_KEY: apiKey,
        HTTPS_PROXY: `http://me:${token}@proxy.local:3128`,
        HOME: '/Users/me',
      }),
    ).toEqual({ PATH: '/usr/bin', HTTPS_PROXY: 'http://[REDACTED]@proxy.local:3128' });
  });
});
