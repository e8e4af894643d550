import type uPlot from 'uplot';

import { formatMemoryBytes, formatPercent } from '../../../../common/units';
import { pressureBands } from './chart-series';
import type { ChartColour, ChartOptions } from './LiveChart';

/**
 * The uPlot options of the Dashboard's charts: system font, theme colours through CSS variables,
 * axis labels in the user's locale, a fixed window that scrolls as samples arrive. No legend,
 * cursor or selection: the caption beside each chart gives the values as text.
 */
export interface ChartSetup {
  language: string;
  /** How much time the x axis spans, in seconds. */
  windowSeconds: number;
}

export interface GpuChartSetup extends ChartSetup {
  /** "85 W", translated (readouts.watts). */
  formatWatts: (value: number) => string;
}

const gib = 1024 ** 3;
/** Memory ticks on whole binary sizes, as Macs count memory: 1, 2, 4 … 512 GB. */
const memoryIncrements = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map(size => size * gib);

function axisFont(): string {
  const family = getComputedStyle(document.documentElement).getPropertyValue('--font').trim();
  return `11px ${family || 'system-ui'}`;
}

/** uPlot's sides (a const enum in its types, which isolated modules cannot read): 1 right, 3 left. */
const sides = { right: 1 as unknown as uPlot.Axis.Side, left: 3 as unknown as uPlot.Axis.Side };

function valueAxis(
  colour: ChartColour,
  side: 'left' | 'right',
  values: uPlot.Axis['values'],
  scale: string,
): uPlot.Axis {
  return {
    scale,
    side: sides[side],
    font: axisFont(),
    stroke: () => colour('--chart-axis'),
    grid: { show: side === 'left', stroke: () => colour('--chart-grid'), width: 1 },
    ticks: { show: false },
    size: 56,
    values,
  };
}

/** Axis labels for a scale, blank while its series has no value at all (no power source yet). */
function labelsWhileData(
  seriesIndex: number,
  format: (value: number) => string,
): NonNullable<uPlot.Axis['values']> {
  return (u, splits) => {
    const values = u.data[seriesIndex];
    const hasData = values?.some(value => value !== null && value !== undefined) ?? false;
    return splits.map(split => (hasData ? format(split) : ''));
  };
}

/** Zero is zero in any unit: "0", not "0 byte". */
function orZero(format: (value: number) => string, language: string): (value: number) => string {
  const zero = new Intl.NumberFormat(language).format(0);
  return value => (value === 0 ? zero : format(value));
}

export function timeAxis(colour: ChartColour, language: string): uPlot.Axis {
  const clock = new Intl.DateTimeFormat(language, { hour: 'numeric', minute: '2-digit', second: '2-digit' });
  return {
    font: axisFont(),
    stroke: () => colour('--chart-axis'),
    grid: { stroke: () => colour('--chart-grid'), width: 1 },
    ticks: { show: false },
    size: 28,
    space: 90,
    values: (_u, splits) => splits.map(split => clock.format(split * 1000)),
  };
}

function base(setup: ChartSetup): Pick<ChartOptions, 'legend' | 'cursor' | 'select' | 'padding' | 'scales'> {
  return {
    legend: { show: false },
    cursor: { show: false, drag: { x: false, y: false } },
    select: { show: false, left: 0, top: 0, width: 0, height: 0 },
    padding: [8, 4, 0, 0],
    scales: {
      // The newest sample at the right edge, the window's length to its left.
      x: { time: true, range: (_u, _min, max) => [max - setup.windowSeconds, max] },
    },
  };
}

/** GPU usage (0–100 %, left) and power (watts, right) over time. */
export function gpuChartOptions(setup: GpuChartSetup): (colour: ChartColour) => ChartOptions {
  return colour => {
    const options = base(setup);
    return {
      ...options,
      scales: {
        ...options.scales,
        percent: { range: [0, 100] },
        watts: { range: (_u, _min, max) => [0, Math.max(10, Math.ceil((max || 0) * 1.1))] },
      },
      series: [
        {},
        {
          scale: 'percent',
          stroke: () => colour('--chart-gpu'),
          fill: () => colour('--chart-gpu-fill'),
          width: 1.5,
          points: { show: false },
          spanGaps: false,
        },
        {
          scale: 'watts',
          stroke: () => colour('--chart-power'),
          width: 1.5,
          points: { show: false },
          spanGaps: false,
        },
      ],
      axes: [
        timeAxis(colour, setup.language),
        valueAxis(
          colour,
          'left',
          (_u, splits) => splits.map(value => formatPercent(value, setup.language)),
          'percent',
        ),
        valueAxis(colour, 'right', labelsWhileData(2, setup.formatWatts), 'watts'),
      ],
    };
  };
}

/**
 * Used, wired and compressed memory on the scale of the whole unified memory, with the
 * stretches under pressure shaded behind (warning orange, critical red).
 */
export function memoryChartOptions(
  setup: ChartSetup & { totalBytes: number | null },
): (colour: ChartColour) => ChartOptions {
  return colour => {
    const options = base(setup);
    const line = (variable: string, fill?: string): uPlot.Series => ({
      scale: 'bytes',
      stroke: () => colour(variable),
      ...(fill ? { fill: () => colour(fill) } : {}),
      width: 1.5,
      points: { show: false },
      spanGaps: false,
    });
    return {
      ...options,
      scales: {
        ...options.scales,
        bytes: {
          range: (_u, _min, max) => [0, setup.totalBytes ?? Math.max(gib, max || 0)],
        },
        pressure: { range: [0, 2] },
      },
      series: [
        {},
        line('--chart-used', '--chart-used-fill'),
        line('--chart-wired'),
        line('--chart-compressed'),
        // Carried in the data for the shading, never drawn.
        { scale: 'pressure', show: false },
      ],
      axes: [
        timeAxis(colour, setup.language),
        {
          ...valueAxis(
            colour,
            'left',
            (_u, splits) =>
              splits.map(orZero(value => formatMemoryBytes(value, setup.language), setup.language)),
            'bytes',
          ),
          incrs: memoryIncrements,
          size: 64,
        },
      ],
      hooks: {
        drawClear: [
          u => {
            const times = u.data[0];
            const codes = u.data[4];
            if (!codes) return;
            const { ctx, bbox } = u;
            for (const band of pressureBands(times, codes)) {
              const left = Math.max(bbox.left, u.valToPos(band.from, 'x', true));
              const right = Math.min(bbox.left + bbox.width, u.valToPos(band.to, 'x', true));
              if (right <= left) continue;
              ctx.fillStyle = colour(`--chart-pressure-${band.level}`);
              ctx.fillRect(left, bbox.top, right - left, bbox.height);
            }
          },
        ],
      },
    };
  };
}
