import { describe, expect, it } from 'vitest';

import { defaultSettings, mergeSettings, type Settings } from '../../../common/settings';
import type { VmInstance } from '../../../common/vm-model';
import { computeResize, maxVmMemoryGiB, vmSizeIssues } from './vm-resources';

const gib = 2 ** 30;
const host = { cpuCount: 8, totalMemoryBytes: 16 * gib, diskTotalBytes: 500 * gib };
const running: VmInstance = { status: 'Running', cpus: 4, memoryGiB: 8, diskGiB: 60, apiPort: 51234 };

function settings(patch: Parameters<typeof mergeSettings>[1]): Settings {
  return mergeSettings(defaultSettings(), patch);
}

describe('maxVmMemoryGiB', () => {
  it('leaves at least 4 GiB to the Mac, in half-GiB steps', () => {
    expect(maxVmMemoryGiB(16 * gib)).toBe(12);
    expect(maxVmMemoryGiB(8 * gib)).toBe(4);
    expect(maxVmMemoryGiB(3 * gib)).toBe(0);
    expect(maxVmMemoryGiB(18.3 * gib)).toBe(14);
  });
});

describe('vmSizeIssues', () => {
  it('refuses more CPUs or memory than the Mac can give, with the limit in the message', () => {
    const issues = vmSizeIssues(
      settings({ vm: { cpus: 10, memoryGiB: 13 } }),
      defaultSettings(),
      host,
      running,
    );
    expect(issues).toEqual([
      { path: 'vm.cpus', message: 'This Mac has 8 CPUs; the VM can use at most 8.' },
      { path: 'vm.memoryGiB', message: 'This Mac has 16 GiB of memory; the VM can use at most 12 GiB.' },
    ]);
  });

  it('refuses a smaller disk than the VM already has: the disk can only grow', () => {
    expect(vmSizeIssues(settings({ vm: { diskGiB: 40 } }), defaultSettings(), host, running)).toEqual([
      { path: 'vm.diskGiB', message: 'The disk can only grow: the VM disk is already 60 GiB.' },
    ]);
    expect(vmSizeIssues(settings({ vm: { diskGiB: 80 } }), defaultSettings(), host, running)).toEqual([]);
  });

  it('allows any disk size before the VM exists, up to the size of the Mac disk', () => {
    expect(vmSizeIssues(settings({ vm: { diskGiB: 40 } }), defaultSettings(), host, null)).toEqual([]);
    expect(vmSizeIssues(settings({ vm: { diskGiB: 900 } }), defaultSettings(), host, null)[0]?.path).toBe(
      'vm.diskGiB',
    );
  });

  it('checks only what changed: an old value that no longer fits does not block other changes', () => {
    const tooBig = settings({ vm: { cpus: 32 } });
    expect(vmSizeIssues({ ...tooBig, language: 'fr' }, tooBig, host, running)).toEqual([]);
  });
});

describe('computeResize', () => {
  it('needs nothing when the VM matches the settings', () => {
    expect(computeResize(defaultSettings(), running)).toEqual({
      restartRequired: false,
      pending: {},
      minDiskGiB: 60,
    });
  });

  it('needs a restart for CPU and memory changes while the VM runs', () => {
    expect(computeResize(settings({ vm: { cpus: 6, memoryGiB: 10 } }), running)).toEqual({
      restartRequired: true,
      pending: { cpus: 6, memoryGiB: 10 },
      minDiskGiB: 60,
    });
  });

  it('applies on the next start without a restart when the VM is stopped', () => {
    expect(computeResize(settings({ vm: { diskGiB: 100 } }), { ...running, status: 'Stopped' })).toEqual({
      restartRequired: false,
      pending: { diskGiB: 100 },
      minDiskGiB: 60,
    });
  });

  it('never plans to shrink the disk, and has nothing to do without a VM', () => {
    expect(computeResize(settings({ vm: { diskGiB: 40 } }), running).pending).toEqual({});
    expect(computeResize(settings({ vm: { cpus: 2 } }), null)).toEqual({
      restartRequired: false,
      pending: {},
    });
  });
});
