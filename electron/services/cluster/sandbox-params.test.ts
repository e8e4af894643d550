import { describe, expect, it } from 'vitest';

import { isClawbarError } from '../../../common/errors';
import { defaultSettings, type Settings } from '../../../common/settings';
import { openClawModelWiring } from '../llm/openclaw-providers';
import {
  cpuMillis,
  localModelPorts,
  memoryMiB,
  sandboxImages,
  sandboxParamsFromSettings,
  sandboxPodLabels,
} from './sandbox-params';

const wiring = openClawModelWiring({ settings: defaultSettings(), ollamaModels: [], lmStudioModels: [] });

function params(change: (settings: Settings) => Settings = settings => settings, secretKeys: string[] = []) {
  return sandboxParamsFromSettings(change(defaultSettings()), { wiring, secretKeys });
}

function failure(run: () => unknown): { code: string; message: string; paths: string[] } {
  try {
    run();
  } catch (error) {
    if (isClawbarError(error)) {
      return {
        code: error.code,
        message: error.message,
        paths: (error.issues ?? []).map(issue => issue.path),
      };
    }
    throw error;
  }
  throw new Error('did not fail');
}

const gateway = (values: Partial<Settings['sandbox']['gateway']>) => (settings: Settings) => ({
  ...settings,
  sandbox: { ...settings.sandbox, gateway: { ...settings.sandbox.gateway, ...values } },
});

describe('sandboxParamsFromSettings', () => {
  it('pins every image to an exact version', () => {
    for (const image of Object.values(sandboxImages)) {
      const tag = image.slice(image.lastIndexOf(':') + 1);
      expect(image).toMatch(/^[a-z0-9.-]+\/[a-z0-9./-]+:[\w.-]+$/);
      expect(tag).toMatch(/\d+\.\d+/);
      expect(['latest', 'main', 'slim', 'stable', 'edge']).not.toContain(tag);
    }
    expect(sandboxImages.openclaw).toMatch(/^ghcr\.io\/openclaw\/openclaw:\d{4}\.\d+\.\d+(-\d+)?-slim$/);
  });

  it('derives the quota from the VM, the heap from the memory limit, and the rest from the settings', () => {
    const result = params();
    expect(result.quota).toEqual({
      requests: { cpu: '3500m', memory: '7168Mi' },
      limits: { cpu: '4000m', memory: '7168Mi' },
      pods: 8,
    });
    expect(result.gateway).toEqual({
      resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } },
      heapMiB: 1536,
    });
    expect(result).toMatchObject({
      nodeName: 'lima-clawbar',
      hostAddress: '192.168.5.2',
      stateDir: '/mnt/openclaw',
      policies: { internet: true, localModels: true },
      localModels: { ollamaPort: 11434, lmStudioPort: null },
      secretKeys: [],
    });
  });

  it('merges the allowlist presets with the user’s domains', () => {
    const result = params(settings => ({
      ...settings,
      sandbox: {
        ...settings.sandbox,
        allowlist: {
          presets: ['openclaw', 'github'],
          domains: ['Example.org.', 'docs.openclaw.ai', 'bad domain'],
        },
      },
    }));
    expect(result.allowlist).toContain('example.org');
    expect(result.allowlist).toContain('github.com');
    // Covered by the openclaw preset's .openclaw.ai, and an invalid entry: both left out.
    expect(result.allowlist).not.toContain('docs.openclaw.ai');
    expect(result.allowlist.some(entry => entry.includes(' '))).toBe(false);
  });

  it('adds LM Studio’s port only when it is on', () => {
    const off = params();
    const on = params(settings => ({ ...settings, lmStudio: { enabled: true, port: 1240 } }));
    expect(localModelPorts(off)).toEqual([11434]);
    expect(localModelPorts(on)).toEqual([11434, 1240]);
  });

  it('keeps the provider key names it knows, in a fixed order, and refuses others', () => {
    expect(params(undefined, ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY']).secretKeys).toEqual([
      'ANTHROPIC_API_KEY',
      'OPENAI_API_KEY',
    ]);
    expect(failure(() => params(undefined, ['PATH'])).code).toBe('invalid-input');
  });

  it('refuses a request above its limit', () => {
    const result = failure(() => params(gateway({ memoryRequest: '3Gi', memoryLimit: '2Gi' })));
    expect(result.code).toBe('sandbox-resources-invalid');
    expect(result.paths).toContain('sandbox.gateway.memoryRequest');
  });

  it('refuses a gateway that does not fit in the VM beside the proxy and the self-test', () => {
    const memory = failure(() => params(gateway({ memoryLimit: '7Gi' })));
    expect(memory.code).toBe('sandbox-resources-invalid');
    expect(memory.message).toMatch(/needs 7744Mi of limits memory .* leaves it 7168Mi/);
    expect(memory.paths).toEqual(['sandbox.gateway.memoryLimit']);
    const cpu = failure(() =>
      params(settings => ({ ...gateway({})(settings), vm: { ...settings.vm, cpus: 2 } })),
    );
    expect(cpu.paths).toEqual(['sandbox.gateway.cpuLimit']);
  });

  it('labels the probe like the gateway for the policies, but apart from it for the Deployment', () => {
    expect(sandboxPodLabels('probe')['app.kubernetes.io/name']).toBe(
      sandboxPodLabels('gateway')['app.kubernetes.io/name'],
    );
    expect(sandboxPodLabels('probe')['app.kubernetes.io/component']).not.toBe(
      sandboxPodLabels('gateway')['app.kubernetes.io/component'],
    );
  });

  it('reads the quantities the settings accept', () => {
    expect([cpuMillis('500m'), cpuMillis('2'), cpuMillis('1.5')]).toEqual([500, 2000, 1500]);
    expect([memoryMiB('512Mi'), memoryMiB('2Gi')]).toEqual([512, 2048]);
    expect(failure(() => cpuMillis('two')).code).toBe('sandbox-resources-invalid');
  });
});
