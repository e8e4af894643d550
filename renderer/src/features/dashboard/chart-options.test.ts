import type uPlot from 'uplot';
import { describe, expect, it } from 'vitest';

import { sampleMetrics } from '../../test-support/fake-bridge';
import { gpuChartOptions, memoryChartOptions } from './chart-options';
import { memoryChartData } from './chart-series';

const colour = (name: string) => `var(${name})`;
const gib = 1024 ** 3;

type Values = (u: uPlot, splits: number[], axisIdx: number, space: number, incr: number) => (string | null)[];

function labels(axis: uPlot.Axis | undefined, u: Partial<uPlot>, splits: number[]): (string | null)[] {
  const values = axis?.values as Values | undefined;
  if (!values) throw new Error('no label function');
  return values(u as uPlot, splits, 0, 0, 0);
}

describe('gpuChartOptions', () => {
  const options = gpuChartOptions({ language: 'fr', windowSeconds: 300, formatWatts: value => `${value} W` })(
    colour,
  );

  it('labels usage in the user’s locale, and power only once there is a power reading', () => {
    const noPower = {
      data: [
        [1, 2],
        [50, 60],
        [null, null],
      ],
    } as unknown as uPlot;
    expect(labels(options.axes?.[1], noPower, [0, 50, 100])).toEqual(['0\u00a0%', '50\u00a0%', '100\u00a0%']);
    expect(labels(options.axes?.[2], noPower, [0, 5, 10])).toEqual(['', '', '']);
    const withPower = {
      data: [
        [1, 2],
        [50, 60],
        [null, 42],
      ],
    } as unknown as uPlot;
    expect(labels(options.axes?.[2], withPower, [0, 5, 10])).toEqual(['0 W', '5 W', '10 W']);
  });

  it('shows a fixed window ending at the newest sample, and usage on 0–100 %', () => {
    const range = options.scales?.x?.range as (u: uPlot, min: number, max: number) => [number, number];
    expect(range({} as unknown as uPlot, 1000, 1010)).toEqual([710, 1010]);
    expect(options.scales?.percent?.range).toEqual([0, 100]);
  });

  it('draws its lines in the theme’s colours', () => {
    const stroke = options.series[1]?.stroke as () => string;
    expect(stroke()).toBe('var(--chart-gpu)');
    expect((options.series[2]?.stroke as () => string)()).toBe('var(--chart-power)');
  });

  it('labels times as a clock in the user’s language', () => {
    const at = Date.parse('2026-12-03T15:04:05.000Z') / 1000;
    const [label] = labels(options.axes?.[0], {}, [at]);
    expect(label).toBe(
      new Intl.DateTimeFormat('fr', { hour: 'numeric', minute: '2-digit', second: '2-digit' }).format(
        at * 1000,
      ),
    );
  });
});

describe('memoryChartOptions', () => {
  const options = memoryChartOptions({ language: 'en', windowSeconds: 300, totalBytes: 64 * gib })(colour);

  it('scales to the whole unified memory, with memory labels and a plain zero', () => {
    const range = options.scales?.bytes?.range as (u: uPlot, min: number, max: number) => [number, number];
    expect(range({} as unknown as uPlot, 0, 10 * gib)).toEqual([0, 64 * gib]);
    expect(labels(options.axes?.[1], {}, [0, 32 * gib, 64 * gib])).toEqual(['0', '32 GB', '64 GB']);
  });

  it('never draws the pressure codes as a line', () => {
    expect(options.series[4]).toEqual({ scale: 'pressure', show: false });
  });

  it('shades the stretches under pressure behind the lines, in the pressure’s colour', () => {
    const base = sampleMetrics();
    const t0 = Date.parse(base.at);
    const samples = (['normal', 'warning', 'warning', 'critical'] as const).map((pressure, index) =>
      sampleMetrics({
        at: new Date(t0 + index * 1000).toISOString(),
        memory: { ...base.memory, pressure },
      }),
    );
    const data = memoryChartData(samples);
    const fills: { style: unknown; x: number; width: number }[] = [];
    const ctx = {
      fillStyle: '' as unknown,
      fillRect(x: number, _y: number, width: number) {
        fills.push({ style: this.fillStyle, x, width });
      },
    };
    const first = data[0][0] ?? 0;
    // 100 canvas pixels per second, starting at the plot's left edge (x = 40).
    const u = {
      data,
      ctx,
      bbox: { left: 40, top: 0, width: 1000, height: 100 },
      valToPos: (value: number) => 40 + (value - first) * 100,
    } as unknown as uPlot;
    for (const hook of options.hooks?.drawClear ?? []) hook?.(u);
    expect(fills).toEqual([
      { style: 'var(--chart-pressure-warning)', x: 90, width: 200 },
      { style: 'var(--chart-pressure-critical)', x: 290, width: 50 },
    ]);
  });
});
