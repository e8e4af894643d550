import type { MetricsSample } from '../../../common/metrics';

/**
 * The machine-readable readouts of `clawbar readouts --json`: exactly this shape, numbers as
 * numbers, unknown as null (the reasons are in the human output and the live samples).
 */
export interface ReadoutsJson {
  gpu: {
    model: string | null;
    cores: number | null;
    utilizationPct: number | null;
    powerW: number | null;
    freqMHz: number | null;
    inUseMemoryBytes: number | null;
  };
  memory: {
    totalBytes: number | null;
    usedBytes: number | null;
    wiredBytes: number | null;
    compressedBytes: number | null;
    swapUsedBytes: number | null;
    swapTotalBytes: number | null;
    freePct: number | null;
    pressure: 'normal' | 'warning' | 'critical' | null;
  };
  models: { name: string; sizeBytes: number | null; vramBytes: number | null }[] | null;
}

export function readoutsJson(sample: MetricsSample): ReadoutsJson {
  const { gpu, memory } = sample;
  return {
    gpu: {
      model: gpu.model,
      cores: gpu.cores,
      utilizationPct: gpu.utilizationPct,
      powerW: gpu.powerW,
      freqMHz: gpu.freqMHz,
      inUseMemoryBytes: gpu.inUseMemoryBytes,
    },
    memory: {
      totalBytes: memory.totalBytes,
      usedBytes: memory.usedBytes,
      wiredBytes: memory.wiredBytes,
      compressedBytes: memory.compressedBytes,
      swapUsedBytes: memory.swapUsedBytes,
      swapTotalBytes: memory.swapTotalBytes,
      freePct: memory.freePct,
      pressure: memory.pressure,
    },
    models:
      sample.models?.map(model => ({
        name: model.name,
        sizeBytes: model.sizeBytes,
        vramBytes: model.vramBytes,
      })) ?? null,
  };
}
