import { describe, expect, it } from 'vitest';

import type { MetricsSample } from '../../../../common/metrics';
import { sampleMetrics } from '../../test-support/fake-bridge';
import {
  gpuChartData,
  memoryChartData,
  memoryTotal,
  modelMemoryBars,
  pressureBands,
  pressureCodes,
} from './chart-series';

const t0 = Date.parse('2026-12-03T10:00:00.000Z');

function at(offsetSeconds: number, overrides: Partial<MetricsSample> = {}): MetricsSample {
  return sampleMetrics({ at: new Date(t0 + offsetSeconds * 1000).toISOString(), ...overrides });
}

function withGpu(offset: number, utilizationPct: number | null, powerW: number | null): MetricsSample {
  const base = sampleMetrics();
  return at(offset, { gpu: { ...base.gpu, utilizationPct, powerW } });
}

function withPressure(offset: number, pressure: MetricsSample['memory']['pressure']): MetricsSample {
  const base = sampleMetrics();
  return at(offset, { memory: { ...base.memory, pressure } });
}

describe('gpuChartData', () => {
  it('gives times in seconds and usage and power, with null (a gap) where a readout has no value', () => {
    const data = gpuChartData([withGpu(0, 90, null), withGpu(1, 40, 85.5), withGpu(2, null, 12)]);
    expect(data).toEqual([
      [t0 / 1000, t0 / 1000 + 1, t0 / 1000 + 2],
      [90, 40, null],
      [null, 85.5, 12],
    ]);
  });

  it('breaks the line where nobody sampled for a while, instead of joining minutes apart', () => {
    const data = gpuChartData([withGpu(0, 10, 1), withGpu(1, 20, 2), withGpu(61, 30, 3)]);
    expect(data[0]).toEqual([t0 / 1000, t0 / 1000 + 1, t0 / 1000 + 31, t0 / 1000 + 61]);
    expect(data[1]).toEqual([10, 20, null, 30]);
    expect(data[2]).toEqual([1, 2, null, 3]);
  });

  it('keeps a sample that is merely a little late as part of the line', () => {
    const data = gpuChartData([withGpu(0, 10, 1), withGpu(2.4, 20, 2)]);
    expect(data[1]).toEqual([10, 20]);
  });

  it('is empty without samples', () => {
    expect(gpuChartData([])).toEqual([[], [], []]);
  });
});

describe('memoryChartData', () => {
  it('gives used, wired and compressed bytes, and pressure as a code', () => {
    const data = memoryChartData([
      withPressure(0, 'normal'),
      withPressure(1, 'critical'),
      withPressure(2, null),
    ]);
    const { memory } = sampleMetrics();
    expect(data[1]).toEqual([memory.usedBytes, memory.usedBytes, memory.usedBytes]);
    expect(data[2]).toEqual([memory.wiredBytes, memory.wiredBytes, memory.wiredBytes]);
    expect(data[3]).toEqual([memory.compressedBytes, memory.compressedBytes, memory.compressedBytes]);
    expect(data[4]).toEqual([pressureCodes.normal, pressureCodes.critical, null]);
  });

  it('takes the scale from the newest sample that knows the total', () => {
    const base = sampleMetrics();
    expect(memoryTotal([at(0), at(1, { memory: { ...base.memory, totalBytes: null } })])).toBe(
      base.memory.totalBytes,
    );
    expect(memoryTotal([])).toBeNull();
  });
});

describe('pressureBands', () => {
  it('shades each run of warning or critical, halfway to the neighbouring samples', () => {
    const samples = [
      withPressure(0, 'normal'),
      withPressure(1, 'warning'),
      withPressure(2, 'warning'),
      withPressure(3, 'critical'),
      withPressure(4, 'normal'),
    ];
    const data = memoryChartData(samples);
    const s = t0 / 1000;
    expect(pressureBands(data[0], data[4] ?? [])).toEqual([
      { level: 'warning', from: s + 0.5, to: s + 2.5 },
      { level: 'critical', from: s + 2.5, to: s + 3.5 },
    ]);
  });

  it('ends a band at a gap and at the edges of the data', () => {
    const data = memoryChartData([withPressure(0, 'warning'), withPressure(60, 'warning')]);
    const s = t0 / 1000;
    // Rows: 0 (warning), 30 (the gap, null), 60 (warning).
    expect(pressureBands(data[0], data[4] ?? [])).toEqual([
      { level: 'warning', from: s, to: s + 15 },
      { level: 'warning', from: s + 45, to: s + 60 },
    ]);
  });

  it('has nothing to shade under normal pressure or when pressure is unknown', () => {
    const data = memoryChartData([withPressure(0, 'normal'), withPressure(1, null)]);
    expect(pressureBands(data[0], data[4] ?? [])).toEqual([]);
  });
});

describe('modelMemoryBars', () => {
  it('splits each model between GPU and CPU on the scale of the Mac’s memory', () => {
    const total = 64 * 1024 ** 3;
    const base = sampleMetrics();
    const bars = modelMemoryBars(
      sampleMetrics({
        memory: { ...base.memory, totalBytes: total },
        models: [
          { name: 'qwen3:32b', sizeBytes: 32 * 1024 ** 3, vramBytes: 24 * 1024 ** 3 },
          { name: 'old-server', sizeBytes: 16 * 1024 ** 3, vramBytes: null },
          { name: 'unsized', sizeBytes: null, vramBytes: null },
        ],
      }),
    );
    expect(bars).toEqual([
      {
        name: 'qwen3:32b',
        totalBytes: 32 * 1024 ** 3,
        gpuBytes: 24 * 1024 ** 3,
        cpuBytes: 8 * 1024 ** 3,
        gpuShare: 0.375,
        cpuShare: 0.125,
        unknownShare: 0,
      },
      {
        name: 'old-server',
        totalBytes: 16 * 1024 ** 3,
        gpuBytes: null,
        cpuBytes: null,
        gpuShare: 0,
        cpuShare: 0,
        unknownShare: 0.25,
      },
      {
        name: 'unsized',
        totalBytes: null,
        gpuBytes: null,
        cpuBytes: null,
        gpuShare: 0,
        cpuShare: 0,
        unknownShare: 0,
      },
    ]);
  });

  it('scales to the biggest model when the Mac’s memory is unknown, and never past full', () => {
    const base = sampleMetrics();
    const bars = modelMemoryBars(
      sampleMetrics({
        memory: { ...base.memory, totalBytes: null },
        models: [
          { name: 'big', sizeBytes: 100, vramBytes: 150 },
          { name: 'small', sizeBytes: 50, vramBytes: 0 },
        ],
      }),
    );
    expect(bars.map(bar => [bar.gpuShare, bar.cpuShare])).toEqual([
      [1, 0],
      [0, 0.5],
    ]);
  });

  it('has no bars while the model list is unavailable', () => {
    expect(modelMemoryBars(sampleMetrics({ models: null }))).toEqual([]);
  });
});
