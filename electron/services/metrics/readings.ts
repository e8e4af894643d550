import type { MetricsSourceId, ModelMemory } from '../../../common/metrics';
import type { Reason } from '../../../common/state';
import type { IoregReading } from './parse-ioreg';
import type { MacmonReading } from './parse-macmon';
import type { MemoryPressureReading } from './parse-memory-pressure';
import type { NvidiaReading } from './parse-nvidia-smi';
import type { PowerReading } from './parse-powermetrics';
import type { ProcMeminfoReading } from './parse-proc-meminfo';
import type { GpuStaticInfo } from './parse-system-profiler';
import type { SwapUsage, SysctlReading } from './parse-sysctl';
import type { VmStatReading } from './parse-vm-stat';

/** What one source produced for one sample: a parsed reading, or why there is none. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: Reason };

export function success<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function failure(reason: Reason): Outcome<never> {
  return { ok: false, reason };
}

/**
 * Everything the sources produced for one sample. A key that is absent means the source does not
 * exist here (another platform); a failed outcome means it exists and could not answer.
 */
export interface Readings {
  ioreg?: Outcome<IoregReading>;
  gpuStatic?: Outcome<GpuStaticInfo & { source: 'system_profiler' | 'systeminformation' }>;
  /** powermetrics' plist stream (live) or recording. */
  powermetrics?: Outcome<PowerReading>;
  /** powermetrics' text output: recordings only. */
  powermetricsText?: Outcome<PowerReading>;
  macmon?: Outcome<MacmonReading>;
  vmStat?: Outcome<VmStatReading>;
  sysctl?: Outcome<SysctlReading>;
  /** Single-value sysctl recordings, used when the batch is missing. */
  swapUsage?: Outcome<SwapUsage>;
  wiredLimit?: Outcome<number>;
  memoryPressure?: Outcome<MemoryPressureReading>;
  procMeminfo?: Outcome<ProcMeminfoReading>;
  nvidia?: Outcome<NvidiaReading>;
  ollama?: Outcome<ModelMemory[]>;
  vmConfig?: Outcome<number>;
  podMemory?: Outcome<number>;
}

export type ReadingKey = keyof Readings;
export type ReadingValue<K extends ReadingKey> =
  NonNullable<Readings[K]> extends Outcome<infer V> ? V : never;

export const readingSourceIds: Record<Exclude<ReadingKey, 'gpuStatic'>, MetricsSourceId> = {
  ioreg: 'ioreg',
  powermetrics: 'powermetrics',
  powermetricsText: 'powermetrics',
  macmon: 'macmon',
  vmStat: 'vm_stat',
  sysctl: 'sysctl',
  swapUsage: 'sysctl',
  wiredLimit: 'sysctl',
  memoryPressure: 'memory_pressure',
  procMeminfo: 'proc-meminfo',
  nvidia: 'nvidia-smi',
  ollama: 'ollama',
  vmConfig: 'lima',
  podMemory: 'metrics-api',
};

/** Reasons the sources give, built in one place so their codes and params stay consistent. */
export const reasons = {
  failed: (source: string, message: string): Reason => ({
    code: 'metrics-source-failed',
    message: `${source}: ${message}`,
    params: { source, message },
  }),
  missing: (command: string): Reason => ({
    code: 'metrics-source-missing',
    message: `${command} is not installed`,
    params: { command },
  }),
  notRecorded: (file: string): Reason => ({
    code: 'metrics-not-recorded',
    message: `${file} is not in the recording`,
    params: { file },
  }),
  waiting: (source: string): Reason => ({
    code: 'metrics-waiting',
    message: `waiting for the first reading from ${source}`,
    params: { source },
  }),
  needsPowerSetup: (): Reason => ({
    code: 'metrics-needs-power-setup',
    message: 'powermetrics needs the one-time sudoers rule (or install macmon)',
  }),
  noSource: (what: string): Reason => ({
    code: 'metrics-no-source',
    message: `nothing measures ${what} here`,
  }),
};
