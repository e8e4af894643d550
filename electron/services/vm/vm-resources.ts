import type { IpcError } from '../../../common/errors';
import type { Settings } from '../../../common/settings';
import type { VmInstance, VmResize } from '../../../common/vm-model';

/**
 * The VM's size against the Mac: what it may take, and how a change applies. CPUs and memory apply
 * on the next start; the disk can only grow (Lima grows it at start and refuses to shrink).
 */
const gib = 2 ** 30;
/** Left to macOS and the local models at the very least. */
export const hostMemoryReserveGiB = 4;

export function maxVmMemoryGiB(totalMemoryBytes: number): number {
  const total = totalMemoryBytes / gib;
  return Math.max(0, Math.floor((total - hostMemoryReserveGiB) * 2) / 2);
}

export interface HostSize {
  cpuCount: number;
  totalMemoryBytes: number;
  /** Total size of the disk that holds the VM. */
  diskTotalBytes?: number;
}

type Issues = NonNullable<IpcError['issues']>;

/**
 * Checks the VM fields a settings change touches (an unchanged value that no longer fits, say
 * after moving to a smaller Mac, does not block changing the language).
 */
export function vmSizeIssues(
  next: Settings,
  current: Settings,
  host: HostSize,
  instance: VmInstance | null,
): Issues {
  const issues: Issues = [];
  if (next.vm.cpus !== current.vm.cpus && next.vm.cpus > host.cpuCount) {
    issues.push({
      path: 'vm.cpus',
      message: `This Mac has ${host.cpuCount} CPUs; the VM can use at most ${host.cpuCount}.`,
    });
  }
  const maxMemory = maxVmMemoryGiB(host.totalMemoryBytes);
  if (next.vm.memoryGiB !== current.vm.memoryGiB && next.vm.memoryGiB > maxMemory) {
    issues.push({
      path: 'vm.memoryGiB',
      message: `This Mac has ${formatGiB(host.totalMemoryBytes / gib)} GiB of memory; the VM can use at most ${maxMemory} GiB.`,
    });
  }
  if (next.vm.diskGiB !== current.vm.diskGiB) {
    if (instance?.diskGiB !== undefined && next.vm.diskGiB < instance.diskGiB) {
      issues.push({
        path: 'vm.diskGiB',
        message: `The disk can only grow: the VM disk is already ${formatGiB(instance.diskGiB)} GiB.`,
      });
    } else if (host.diskTotalBytes !== undefined && next.vm.diskGiB > host.diskTotalBytes / gib) {
      issues.push({
        path: 'vm.diskGiB',
        message: `This Mac's disk holds ${formatGiB(host.diskTotalBytes / gib)} GiB; the VM disk cannot be larger.`,
      });
    }
  }
  return issues;
}

/** What differs between the settings and the instance, and whether a restart is needed for it. */
export function computeResize(settings: Settings, instance: VmInstance | null): VmResize {
  if (!instance) return { restartRequired: false, pending: {} };
  const pending: VmResize['pending'] = {};
  if (instance.cpus !== undefined && settings.vm.cpus !== instance.cpus) pending.cpus = settings.vm.cpus;
  if (instance.memoryGiB !== undefined && settings.vm.memoryGiB !== instance.memoryGiB) {
    pending.memoryGiB = settings.vm.memoryGiB;
  }
  if (instance.diskGiB !== undefined && settings.vm.diskGiB > instance.diskGiB)
    pending.diskGiB = settings.vm.diskGiB;
  return {
    restartRequired: instance.status === 'Running' && Object.keys(pending).length > 0,
    pending,
    ...(instance.diskGiB !== undefined ? { minDiskGiB: instance.diskGiB } : {}),
  };
}

function formatGiB(value: number): string {
  return String(Math.round(value * 10) / 10);
}
