import type { InstallVmDefaults } from '../../../common/install';
import type { Settings } from '../../../common/settings';
import type { HostFacts } from '../vm/host-facts';
import { maxVmMemoryGiB } from '../vm/vm-resources';

const gib = 2 ** 30;
/** What the sandbox needs at least: k3s, the gateway and the proxy. */
const minimum = { cpus: 2, memoryGiB: 4, diskGiB: 20 };
/** More than this buys the sandbox nothing; the rest is better left to the local models. */
const plenty = { cpus: 6, memoryGiB: 8, diskGiB: 60 };
/** Room left on the Mac's disk beyond the VM's. */
const diskHeadroomGiB = 10;

/**
 * A VM size for this Mac: half its CPUs and a quarter of its memory, between what the sandbox
 * needs and what it can use, leaving the rest to macOS and the local models (which need the
 * unified memory far more than the VM does). The disk image is sparse; it is only made smaller
 * than the default when the Mac's disk is short of space.
 */
export function suggestVmSize(host: {
  cpuCount: number;
  totalMemoryBytes: number;
  diskFreeBytes: number | null;
}): InstallVmDefaults['suggested'] {
  const cpus = Math.min(host.cpuCount, clamp(Math.floor(host.cpuCount / 2), minimum.cpus, plenty.cpus));
  const quarter = Math.floor((host.totalMemoryBytes / gib / 4) * 2) / 2;
  const memoryGiB = Math.max(
    2,
    Math.min(clamp(quarter, minimum.memoryGiB, plenty.memoryGiB), maxVmMemoryGiB(host.totalMemoryBytes)),
  );
  const freeGiB = host.diskFreeBytes === null ? null : Math.floor(host.diskFreeBytes / gib);
  const diskGiB =
    freeGiB === null ? plenty.diskGiB : clamp(freeGiB - diskHeadroomGiB, minimum.diskGiB, plenty.diskGiB);
  return { cpus, memoryGiB, diskGiB };
}

export async function vmDefaults(
  host: HostFacts,
  settings: Settings,
  dataDir: string,
): Promise<InstallVmDefaults> {
  const disk = await host.disk(dataDir).catch(() => null);
  const cpuCount = host.cpuCount();
  const totalMemoryBytes = host.totalMemoryBytes();
  return {
    suggested: suggestVmSize({ cpuCount, totalMemoryBytes, diskFreeBytes: disk?.freeBytes ?? null }),
    current: { cpus: settings.vm.cpus, memoryGiB: settings.vm.memoryGiB, diskGiB: settings.vm.diskGiB },
    host: {
      cpus: cpuCount,
      memoryGiB: Math.round((totalMemoryBytes / gib) * 10) / 10,
      diskFreeGiB: disk ? Math.floor(disk.freeBytes / gib) : null,
    },
    limits: { maxCpus: cpuCount, maxMemoryGiB: maxVmMemoryGiB(totalMemoryBytes) },
  };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
