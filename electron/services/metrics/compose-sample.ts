import type { MetricsSample, MetricsSourceId, ReadoutPath } from '../../../common/metrics';
import type { Reason } from '../../../common/state';
import { memoryBreakdown } from './parse-vm-stat';
import { readingSourceIds, reasons, type ReadingKey, type ReadingValue, type Readings } from './readings';

/**
 * One sample from whatever the sources produced. Each readout has an ordered list of sources; the
 * first that has a value wins and is named in `from`. When none has one, the readout is null and
 * `absent` carries the most relevant reason (the first source's failure, else "no source here").
 * Pure: the live sampler, the replay and the demo all go through it.
 */
class Unknown {
  constructor(readonly reason: Reason) {}
}

interface Candidate<T> {
  key: ReadingKey;
  read: (value: never) => T | null | Unknown;
}

function candidate<K extends ReadingKey, T>(
  key: K,
  read: (value: ReadingValue<K>) => T | null | Unknown,
): Candidate<T> {
  return { key, read };
}

export interface ComposeOptions {
  at: Date;
  intervalMs: number;
}

export function composeSample(readings: Readings, { at, intervalMs }: ComposeOptions): MetricsSample {
  const from: MetricsSample['from'] = {};
  const absent: MetricsSample['absent'] = {};

  const choose = <T>(path: ReadoutPath, candidates: Candidate<T>[]): T | null => {
    let reason: Reason | undefined;
    for (const { key, read } of candidates) {
      const outcome = readings[key];
      if (!outcome) continue;
      if (!outcome.ok) {
        reason ??= outcome.reason;
        continue;
      }
      const value = read(outcome.value as never);
      if (value instanceof Unknown) {
        reason ??= value.reason;
        continue;
      }
      if (value === null) {
        reason ??= reasons.noSource(`${path} (${sourceOf(key, outcome.value)} does not report it)`);
        continue;
      }
      from[path] = sourceOf(key, outcome.value);
      return value;
    }
    absent[path] = reason ?? reasons.noSource(path);
    return null;
  };

  const breakdown = (value: ReadingValue<'vmStat'>) => memoryBreakdown(value);

  const sample: MetricsSample = {
    at: at.toISOString(),
    intervalMs,
    gpu: {
      model: choose('gpu.model', [
        candidate('ioreg', value => value.model),
        candidate('gpuStatic', value => value.model),
        candidate('nvidia', value => value.name || null),
      ]),
      cores: choose('gpu.cores', [
        candidate('ioreg', value => value.gpuCoreCount),
        candidate('gpuStatic', value => value.cores),
      ]),
      metalFamily: choose('gpu.metalFamily', [candidate('gpuStatic', value => value.metalFamily)]),
      utilizationPct: choose('gpu.utilizationPct', [
        candidate('ioreg', value => value.deviceUtilizationPct),
        candidate('powermetrics', value => value.gpuActivePct),
        candidate('powermetricsText', value => value.gpuActivePct),
        candidate('macmon', value => value.gpuActivePct),
        candidate('nvidia', value => value.utilizationPct),
      ]),
      // A sudoless source or powermetrics, never both live; recordings prefer the plist.
      powerW: choose('gpu.powerW', [
        candidate('powermetrics', value => value.gpuPowerW),
        candidate('powermetricsText', value => value.gpuPowerW),
        candidate('macmon', value => value.gpuPowerW),
        candidate('nvidia', value => value.powerW),
      ]),
      freqMHz: choose('gpu.freqMHz', [
        candidate('powermetrics', value => value.gpuFreqMHz),
        candidate('powermetricsText', value => value.gpuFreqMHz),
        candidate('macmon', value => value.gpuFreqMHz),
        candidate('nvidia', value => value.freqMHz),
      ]),
      inUseMemoryBytes: choose('gpu.inUseMemoryBytes', [
        candidate('ioreg', value => value.inUseSystemMemoryBytes),
        candidate('nvidia', value => value.memoryUsedBytes),
      ]),
    },
    memory: {
      totalBytes: choose('memory.totalBytes', [
        candidate('sysctl', value => value.memsizeBytes),
        candidate('memoryPressure', value => value.totalBytes),
        candidate('macmon', value => value.ramTotalBytes),
        candidate('procMeminfo', value => value.totalBytes),
      ]),
      usedBytes: choose('memory.usedBytes', [
        candidate('vmStat', value => breakdown(value).usedBytes),
        candidate('procMeminfo', value => value.usedBytes),
      ]),
      wiredBytes: choose('memory.wiredBytes', [
        candidate('vmStat', value => breakdown(value).wiredBytes),
        candidate('memoryPressure', value => value.wiredBytes),
      ]),
      compressedBytes: choose('memory.compressedBytes', [
        candidate('vmStat', value => breakdown(value).compressedBytes),
        candidate('memoryPressure', value => value.compressedBytes),
        candidate('procMeminfo', value => value.compressedBytes),
      ]),
      swapUsedBytes: choose('memory.swapUsedBytes', [
        candidate('sysctl', value => value.swap?.usedBytes ?? null),
        candidate('swapUsage', value => value.usedBytes),
        candidate('macmon', value => value.swapUsedBytes),
        candidate('procMeminfo', value => value.swapUsedBytes),
      ]),
      swapTotalBytes: choose('memory.swapTotalBytes', [
        candidate('sysctl', value => value.swap?.totalBytes ?? null),
        candidate('swapUsage', value => value.totalBytes),
        candidate('macmon', value => value.swapTotalBytes),
        candidate('procMeminfo', value => value.swapTotalBytes),
      ]),
      freePct: choose('memory.freePct', [
        candidate('sysctl', value => value.freePct),
        candidate('memoryPressure', value => value.freePct),
        candidate('procMeminfo', value => value.freePct),
      ]),
      pressure: choose('memory.pressure', [
        candidate('sysctl', value =>
          value.pressure === null && value.pressureLevel !== null
            ? new Unknown(
                reasons.failed(
                  'sysctl',
                  `unknown kern.memorystatus_vm_pressure_level ${value.pressureLevel}`,
                ),
              )
            : value.pressure,
        ),
      ]),
      gpuWiredLimitMiB: choose('memory.gpuWiredLimitMiB', [
        candidate('sysctl', value => value.gpuWiredLimitMiB),
        candidate('wiredLimit', value => value),
      ]),
    },
    models: choose('models', [candidate('ollama', value => value)]),
    vm: {
      configuredBytes: choose('vm.configuredBytes', [candidate('vmConfig', value => value)]),
      podUsageBytes: choose('vm.podUsageBytes', [candidate('podMemory', value => value)]),
    },
    from,
    absent,
  };
  return sample;
}

function sourceOf(key: ReadingKey, value: unknown): MetricsSourceId {
  if (key === 'gpuStatic') return (value as ReadingValue<'gpuStatic'>).source;
  return readingSourceIds[key];
}
