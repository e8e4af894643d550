import { describe, expect, it } from 'vitest';

import { ClawbarError } from '../../../common/errors';
import { defaultSettings, mergeSettings } from '../../../common/settings';
import { preflightProblemCodes, type PreflightCheckId } from '../../../common/vm-model';
import type { HostFacts } from './host-facts';
import type { LimaInstanceRecord } from './limactl-output';
import { runPreflight, type PreflightInputs } from './preflight';

const gib = 2 ** 30;

function host(overrides: Partial<HostFacts> = {}, busyPorts: number[] = []): HostFacts {
  return {
    platform: 'darwin',
    macosVersion: () => Promise.resolve('15.5'),
    appleSilicon: () => Promise.resolve(true),
    virtualization: () => Promise.resolve(true),
    totalMemoryBytes: () => 32 * gib,
    cpuCount: () => 10,
    disk: () => Promise.resolve({ freeBytes: 200 * gib, totalBytes: 500 * gib }),
    portFree: port => Promise.resolve(!busyPorts.includes(port)),
    ...overrides,
  };
}

const limactl = {
  path: '/Applications/Clawbar.app/Contents/Resources/lima/bin/limactl',
  version: '2.0.3',
  source: 'bundled' as const,
};

const ours: LimaInstanceRecord = {
  name: 'clawbar',
  status: 'Stopped',
  vmType: 'vz',
  config: { portForwards: [{ guestPort: 6443, hostIP: '127.0.0.1', hostPort: 51234 }] },
};

async function checks(overrides: Partial<PreflightInputs> = {}) {
  const report = await runPreflight({
    host: host(),
    settings: defaultSettings(),
    limactl,
    instance: undefined,
    dataDir: '/Users/me/Library/Application Support/Clawbar',
    ...overrides,
  });
  const byId = (id: PreflightCheckId) => report.checks.find(check => check.id === id);
  return { report, byId };
}

describe('runPreflight', () => {
  it('passes everything on a suitable Apple Silicon Mac, with the facts in the params', async () => {
    const { report, byId } = await checks();
    expect(report.ok).toBe(true);
    expect(report.checks.map(check => check.status)).toEqual(Array(9).fill('pass'));
    expect(byId('macos-version')).toMatchObject({ code: 'macos-supported', params: { version: '15.5' } });
    expect(byId('memory')).toMatchObject({ code: 'memory-ok', params: { vm: '8', total: '32' } });
    expect(byId('limactl')).toMatchObject({
      code: 'limactl-ok',
      params: { version: '2.0.3', source: 'bundled' },
    });
    expect(byId('existing-instance')?.code).toBe('instance-none');
  });

  it.each<[string, Partial<PreflightInputs>, PreflightCheckId, string, string]>([
    ['not a Mac', { host: host({ platform: 'linux' }) }, 'macos-version', 'fail', 'not-macos'],
    [
      'an old macOS',
      { host: host({ macosVersion: () => Promise.resolve('12.7.4') }) },
      'macos-version',
      'fail',
      'macos-too-old',
    ],
    [
      'an Intel Mac',
      { host: host({ appleSilicon: () => Promise.resolve(false) }) },
      'cpu-arch',
      'warn',
      'intel-mac',
    ],
    [
      'no virtualization',
      { host: host({ virtualization: () => Promise.resolve(false) }) },
      'virtualization',
      'fail',
      'virtualization-unavailable',
    ],
    [
      'an unreadable hv_support',
      { host: host({ virtualization: () => Promise.resolve(undefined) }) },
      'virtualization',
      'warn',
      'virtualization-unknown',
    ],
    [
      'little disk',
      { host: host({ disk: () => Promise.resolve({ freeBytes: 30 * gib, totalBytes: 500 * gib }) }) },
      'disk-space',
      'warn',
      'disk-tight',
    ],
    [
      'almost no disk',
      { host: host({ disk: () => Promise.resolve({ freeBytes: 5 * gib, totalBytes: 500 * gib }) }) },
      'disk-space',
      'fail',
      'disk-insufficient',
    ],
    [
      'too much memory',
      { host: host({ totalMemoryBytes: () => 8 * gib }) },
      'memory',
      'fail',
      'memory-too-much',
    ],
    [
      'memory over half',
      { host: host({ totalMemoryBytes: () => 14 * gib }) },
      'memory',
      'warn',
      'memory-high',
    ],
    [
      'too many CPUs',
      { settings: mergeSettings(defaultSettings(), { vm: { cpus: 12 } }) },
      'cpus',
      'fail',
      'cpus-too-many',
    ],
    ['the UI port taken', { host: host({}, [18789]) }, 'ports', 'warn', 'gateway-port-busy'],
    [
      'a stopped VM whose API port was taken',
      { instance: ours, host: host({}, [51234]) },
      'ports',
      'warn',
      'api-port-busy',
    ],
    [
      'a broken VM',
      { instance: { ...ours, status: 'Broken', errors: ['x'] } },
      'existing-instance',
      'warn',
      'instance-broken',
    ],
    [
      'a qemu VM named clawbar',
      { instance: { ...ours, vmType: 'qemu' } },
      'existing-instance',
      'fail',
      'instance-foreign',
    ],
    [
      'a clawbar VM without the API forward',
      { instance: { ...ours, config: {} } },
      'existing-instance',
      'fail',
      'instance-foreign',
    ],
    [
      'no limactl',
      { limactl: new ClawbarError('vm-limactl-not-found', 'limactl was not found') },
      'limactl',
      'fail',
      'limactl-missing',
    ],
    [
      'an old limactl',
      {
        limactl: new ClawbarError(
          'vm-limactl-unsupported',
          'limactl 1.2.1 at /opt/homebrew/bin/limactl is too old: Clawbar needs 2.0.0 or later.',
        ),
      },
      'limactl',
      'fail',
      'limactl-too-old',
    ],
    [
      'a limactl that crashes',
      { limactl: new ClawbarError('vm-limactl-unsupported', 'limactl --version failed') },
      'limactl',
      'fail',
      'limactl-broken',
    ],
  ])('reports %s', async (_label, overrides, id, status, code) => {
    const { report, byId } = await checks(overrides);
    expect(byId(id)).toMatchObject({ status, code });
    expect(report.ok).toBe(status !== 'fail');
    expect(preflightProblemCodes).toContain(code);
  });

  it('does not count a running VM’s own API port as taken', async () => {
    const { byId } = await checks({
      instance: { ...ours, status: 'Running' },
      host: host({}, [51234, 18789]),
    });
    expect(byId('ports')?.status).toBe('pass');
  });

  it('names the version for a too-old limactl', async () => {
    const { byId } = await checks({
      limactl: new ClawbarError(
        'vm-limactl-unsupported',
        'limactl 1.2.1 at /x is too old: Clawbar needs 2.0.0 or later.',
      ),
    });
    expect(byId('limactl')?.params).toMatchObject({ version: '1.2.1', minimum: '2.0.0' });
  });
});
