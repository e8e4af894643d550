import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { MemoryPressure } from '../../common/metrics';
import { ExecError } from '../services/platform/exec';
import { createLogger } from '../services/platform/log';
import { watchMemoryPressure } from './pressure-watch';

/** `sysctl -n kern.memorystatus_vm_pressure_level` as macOS answers it: 1, 2 or 4. */
function fakeSysctl(levels: (string | Error)[]) {
  const calls: string[][] = [];
  return {
    calls,
    exec: {
      run: vi.fn((command: string, args: readonly string[] = []) => {
        calls.push([command, ...args]);
        const next = levels.shift() ?? '1';
        if (next instanceof Error) return Promise.reject(next);
        return Promise.resolve({
          command,
          args,
          exitCode: 0,
          stdout: `${next}\n`,
          stderr: '',
          truncated: false,
        });
      }),
    },
  };
}

describe('watchMemoryPressure', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads the kernel pressure level every interval and reports it', async () => {
    const sysctl = fakeSysctl(['1', '2', '4']);
    const seen: (MemoryPressure | null)[] = [];
    const watch = watchMemoryPressure({
      exec: sysctl.exec,
      isSampling: () => false,
      onPressure: level => seen.push(level),
      log: createLogger({ sinks: [] }),
      intervalMs: 1000,
      platform: 'darwin',
    });
    await vi.advanceTimersByTimeAsync(3000);
    expect(seen).toEqual(['normal', 'warning', 'critical']);
    expect(sysctl.calls[0]).toEqual(['/usr/sbin/sysctl', '-n', 'kern.memorystatus_vm_pressure_level']);
    watch.dispose();
    await vi.advanceTimersByTimeAsync(3000);
    expect(seen).toHaveLength(3);
  });

  it('stays quiet while the sampler reports the pressure, and when sysctl fails', async () => {
    const sysctl = fakeSysctl([
      new ExecError('exec-failed', 'sysctl failed (1)', 'sysctl', 1, null, '', 'sysctl: unknown oid'),
      '2',
    ]);
    const seen: (MemoryPressure | null)[] = [];
    let sampling = true;
    const watch = watchMemoryPressure({
      exec: sysctl.exec,
      isSampling: () => sampling,
      onPressure: level => seen.push(level),
      log: createLogger({ sinks: [] }),
      intervalMs: 1000,
      platform: 'darwin',
    });
    await vi.advanceTimersByTimeAsync(2000);
    expect(sysctl.calls).toHaveLength(0);
    sampling = false;
    await vi.advanceTimersByTimeAsync(2000);
    expect(seen).toEqual(['warning']);
    watch.dispose();
  });

  it('does nothing off macOS', async () => {
    const sysctl = fakeSysctl(['2']);
    watchMemoryPressure({
      exec: sysctl.exec,
      isSampling: () => false,
      onPressure: () => undefined,
      log: createLogger({ sinks: [] }),
      intervalMs: 1000,
      platform: 'linux',
    });
    await vi.advanceTimersByTimeAsync(5000);
    expect(sysctl.calls).toHaveLength(0);
  });
});
