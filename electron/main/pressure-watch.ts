import type { MemoryPressure } from '../../common/metrics';
import { toDisposable, type Disposable } from '../services/platform/event';
import type { ExecRunner } from '../services/platform/exec';
import type { Logger } from '../services/platform/log';
import { pressureFromLevel } from '../services/metrics/parse-sysctl';

/**
 * Memory pressure for notifications while nothing shows the readouts. The metrics sampler only
 * runs for a viewer (and its samples carry the pressure then); in between, one `sysctl` every
 * half minute is all it takes to notice macOS running out of memory.
 */
export interface PressureWatchOptions {
  exec: Pick<ExecRunner, 'run'>;
  /** While the sampler runs, its samples report the pressure: no need to ask as well. */
  isSampling: () => boolean;
  onPressure: (level: MemoryPressure | null) => void;
  log: Logger;
  intervalMs?: number;
  platform?: NodeJS.Platform;
}

export const pressureWatchIntervalMs = 30_000;

export function watchMemoryPressure(options: PressureWatchOptions): Disposable {
  if ((options.platform ?? process.platform) !== 'darwin') return toDisposable(() => undefined);
  let stopped = false;
  let busy = false;
  const check = async (): Promise<void> => {
    if (busy || options.isSampling()) return;
    busy = true;
    try {
      const result = await options.exec.run(
        '/usr/sbin/sysctl',
        ['-n', 'kern.memorystatus_vm_pressure_level'],
        {
          timeoutMs: 5_000,
        },
      );
      const level = Number.parseInt(result.stdout.trim(), 10);
      if (!stopped) options.onPressure(Number.isNaN(level) ? null : pressureFromLevel(level));
    } catch (error) {
      // A failed read says nothing about the pressure: keep what is known.
      options.log.debug('Reading the memory pressure failed', { error: String(error) });
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void check(), options.intervalMs ?? pressureWatchIntervalMs);
  timer.unref();
  return toDisposable(() => {
    stopped = true;
    clearInterval(timer);
  });
}
