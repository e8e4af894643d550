import { totalmem } from 'node:os';

import { ClawbarError } from '../../../common/errors';
import type { ExecRunner } from '../platform/exec';

/** What memory-fit needs to know about this Mac. */
export interface MemoryFacts {
  totalBytes: number;
  /** iogpu.wired_limit_mb in bytes; null when unset (0) or not a Mac. */
  gpuWiredLimitBytes: number | null;
}

export interface MemoryFactsProvider {
  read(): Promise<MemoryFacts>;
}

/**
 * macOS: `sysctl -n hw.memsize` (bytes) and `sysctl -n iogpu.wired_limit_mb` (absent before macOS
 * 14 and on Intel Macs, 0 when unset). Elsewhere (the demo on Linux): os.totalmem(). Memory does
 * not change while the app runs, so the first answer is kept.
 */
export function createMemoryFactsProvider({
  exec,
  platform = process.platform,
  totalMemory = totalmem,
}: {
  exec: ExecRunner;
  platform?: NodeJS.Platform;
  totalMemory?: () => number;
}): MemoryFactsProvider {
  let cached: Promise<MemoryFacts> | undefined;
  const read = async (): Promise<MemoryFacts> => {
    if (platform !== 'darwin') return { totalBytes: totalMemory(), gpuWiredLimitBytes: null };
    const sysctl = (name: string) => exec.run('sysctl', ['-n', name], { timeoutMs: 5000 });
    const [memsize, wired] = await Promise.allSettled([sysctl('hw.memsize'), sysctl('iogpu.wired_limit_mb')]);
    if (memsize.status === 'rejected') throw memsize.reason;
    const totalBytes = Number(memsize.value.stdout.trim());
    if (!Number.isSafeInteger(totalBytes) || totalBytes <= 0) {
      throw new ClawbarError(
        'exec-failed',
        `sysctl hw.memsize printed "${memsize.value.stdout.trim().slice(0, 80)}", not a size.`,
      );
    }
    const wiredMb = wired.status === 'fulfilled' ? Number(wired.value.stdout.trim()) : 0;
    return {
      totalBytes,
      gpuWiredLimitBytes: Number.isFinite(wiredMb) && wiredMb > 0 ? wiredMb * 1024 * 1024 : null,
    };
  };
  return {
    read: () => {
      cached ??= read().catch((error: unknown) => {
        cached = undefined; // a failure is not remembered: the next call tries again
        throw error;
      });
      return cached;
    },
  };
}
