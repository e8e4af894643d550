import type uPlot from 'uplot';

import type { MemoryPressure, MetricsSample } from '../../../../common/metrics';

/**
 * Pure shaping of the metrics samples into what the charts draw. Times are in seconds (uPlot's
 * default); a readout without a value is null, which draws as a gap, never as a zero.
 */

/** A silence longer than this many sampling intervals is drawn as a gap (nobody was watching). */
const gapFactor = 2.5;

function seconds(iso: string): number {
  return new Date(iso).getTime() / 1000;
}

/**
 * One row per sample, plus an all-null row inside every silence, so uPlot breaks the line there
 * instead of drawing a straight line across minutes nobody sampled.
 */
function aligned(samples: readonly MetricsSample[], pick: ((sample: MetricsSample) => number | null)[]) {
  const x: number[] = [];
  const ys: (number | null)[][] = pick.map(() => []);
  let previous: number | null = null;
  for (const sample of samples) {
    const t = seconds(sample.at);
    if (previous !== null && t - previous > (gapFactor * sample.intervalMs) / 1000) {
      x.push((previous + t) / 2);
      for (const y of ys) y.push(null);
    }
    x.push(t);
    pick.forEach((read, index) => ys[index]?.push(read(sample)));
    previous = t;
  }
  return [x, ...ys] as uPlot.AlignedData;
}

/** [time, GPU usage %, GPU power W]. */
export function gpuChartData(samples: readonly MetricsSample[]): uPlot.AlignedData {
  return aligned(samples, [sample => sample.gpu.utilizationPct, sample => sample.gpu.powerW]);
}

/** Memory pressure as a number the chart can carry in its data: 0 normal, 1 warning, 2 critical. */
export const pressureCodes: Record<MemoryPressure, number> = { normal: 0, warning: 1, critical: 2 };

/**
 * [time, used, wired, compressed] in bytes, and the pressure code (not drawn as a line: the
 * chart shades the stretches under pressure). Used already includes wired and compressed.
 */
export function memoryChartData(samples: readonly MetricsSample[]): uPlot.AlignedData {
  return aligned(samples, [
    sample => sample.memory.usedBytes,
    sample => sample.memory.wiredBytes,
    sample => sample.memory.compressedBytes,
    sample => (sample.memory.pressure === null ? null : pressureCodes[sample.memory.pressure]),
  ]);
}

/** The memory scale's top: the Mac's memory, which does not change (null until a sample says it). */
export function memoryTotal(samples: readonly MetricsSample[]): number | null {
  return samples.findLast(sample => sample.memory.totalBytes !== null)?.memory.totalBytes ?? null;
}

export interface PressureBand {
  level: Exclude<MemoryPressure, 'normal'>;
  /** Seconds: halfway to the neighbouring samples, so adjacent bands meet without overlapping. */
  from: number;
  to: number;
}

/**
 * Stretches of time under memory pressure (warning or critical), from the chart's own data
 * (times and pressure codes). A gap row (null) ends a stretch.
 */
export function pressureBands(
  times: ArrayLike<number>,
  codes: ArrayLike<number | null | undefined>,
): PressureBand[] {
  const bands: PressureBand[] = [];
  let open: PressureBand | null = null;
  for (let index = 0; index < times.length; index++) {
    const t = times[index] ?? 0;
    const code = codes[index];
    const level =
      code === pressureCodes.critical ? 'critical' : code === pressureCodes.warning ? 'warning' : null;
    const before = index > 0 ? (t + (times[index - 1] ?? t)) / 2 : t;
    const after = index < times.length - 1 ? (t + (times[index + 1] ?? t)) / 2 : t;
    if (open && open.level !== level) {
      bands.push(open);
      open = null;
    }
    if (level) {
      if (open) open.to = after;
      else open = { level, from: before, to: after };
    }
  }
  if (open) bands.push(open);
  return bands;
}

export interface ModelMemoryBar {
  name: string;
  /** Null when the server did not say. */
  totalBytes: number | null;
  /** On the GPU (Metal) and the rest; null when the server did not say how the model is split. */
  gpuBytes: number | null;
  cpuBytes: number | null;
  /** Shares of the bar's scale, 0–1: on the GPU, on the CPU, and unknown (the server did not say). */
  gpuShare: number;
  cpuShare: number;
  unknownShare: number;
}

/**
 * The loaded models as bars on one scale: the Mac's unified memory when known (so a bar shows
 * how much of the Mac a model takes), else the biggest model.
 */
export function modelMemoryBars(sample: MetricsSample): ModelMemoryBar[] {
  const models = sample.models ?? [];
  const scale = sample.memory.totalBytes ?? Math.max(0, ...models.map(model => model.sizeBytes ?? 0));
  const share = (bytes: number): number => (scale > 0 ? Math.min(1, bytes / scale) : 0);
  return models.map(model => {
    const size = model.sizeBytes;
    const gpuBytes = size === null || model.vramBytes === null ? null : Math.min(model.vramBytes, size);
    const cpuBytes = size === null || gpuBytes === null ? null : size - gpuBytes;
    return {
      name: model.name,
      totalBytes: size,
      gpuBytes,
      cpuBytes,
      gpuShare: share(gpuBytes ?? 0),
      cpuShare: share(cpuBytes ?? 0),
      unknownShare: size !== null && gpuBytes === null ? share(size) : 0,
    };
  });
}
