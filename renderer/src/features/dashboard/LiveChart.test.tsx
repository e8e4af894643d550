import { act, render } from '@testing-library/react';
import type uPlot from 'uplot';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { LiveChart, type ChartColour, type ChartOptions } from './LiveChart';

/**
 * jsdom has no canvas, so uPlot itself cannot run here: this records what the wrapper asks of
 * it (the contract: one instance, setData per new data, setSize on resize, destroy), and what
 * the real drawing looks like is the browser e2e's job.
 */
const plots = vi.hoisted(() => {
  class RecordingPlot {
    static created: RecordingPlot[] = [];
    width: number;
    height: number;
    data: unknown;
    calls: { method: string; args: unknown[] }[] = [];
    constructor(
      readonly options: { width: number; height: number },
      data: unknown,
      readonly target: HTMLElement,
    ) {
      this.width = options.width;
      this.height = options.height;
      this.data = data;
      RecordingPlot.created.push(this);
    }
    setData(data: unknown): void {
      this.data = data;
      this.calls.push({ method: 'setData', args: [data] });
    }
    setSize(size: { width: number; height: number }): void {
      this.width = size.width;
      this.calls.push({ method: 'setSize', args: [size] });
    }
    redraw(...args: unknown[]): void {
      this.calls.push({ method: 'redraw', args });
    }
    destroy(): void {
      this.calls.push({ method: 'destroy', args: [] });
    }
  }
  return RecordingPlot;
});

vi.mock('uplot', () => ({ default: plots }));

/** The ResizeObservers the chart made: what they watch, and whether they still do. */
class RecordingResizeObserver {
  static made: RecordingResizeObserver[] = [];
  observed: Element[] = [];
  connected = true;
  constructor(readonly callback: ResizeObserverCallback) {
    RecordingResizeObserver.made.push(this);
  }
  observe(target: Element): void {
    this.observed.push(target);
  }
  disconnect(): void {
    this.connected = false;
  }
}

/** Its presence is what tells the chart that canvas 2D exists. */
class StandInContext2D {
  readonly canvas: HTMLCanvasElement | null = null;
}

beforeEach(() => {
  plots.created = [];
  RecordingResizeObserver.made = [];
  vi.stubGlobal('CanvasRenderingContext2D', StandInContext2D);
  vi.stubGlobal('ResizeObserver', RecordingResizeObserver);
});

afterEach(() => {
  vi.unstubAllGlobals();
  document.documentElement.removeAttribute('data-theme');
  document.documentElement.style.removeProperty('--chart-gpu');
});

const first: uPlot.AlignedData = [
  [1, 2],
  [10, 20],
];
const second: uPlot.AlignedData = [
  [1, 2, 3],
  [10, 20, 30],
];

function options(): (colour: ChartColour) => ChartOptions {
  return colour => ({ series: [{}, { stroke: () => colour('--chart-gpu') }] });
}

function strokeOf(plot: InstanceType<typeof plots>): string {
  const series = (plot.options as unknown as ChartOptions).series[1];
  const stroke = series?.stroke as (() => string) | undefined;
  return stroke?.() ?? '';
}

describe('LiveChart', () => {
  it('creates one chart, then feeds it each new data set through setData', () => {
    const build = options();
    const view = render(<LiveChart data={first} height={120} options={build} rebuildKey="en" />);
    expect(plots.created).toHaveLength(1);
    const plot = plots.created[0];
    if (!plot) throw new Error('no chart');
    expect(plot.data).toBe(first);
    expect(plot.options.height).toBe(120);
    expect(plot.target.getAttribute('aria-hidden')).toBe('true');
    // Created with this data: no second draw of the same.
    expect(plot.calls).toEqual([]);

    view.rerender(<LiveChart data={second} height={120} options={build} rebuildKey="en" />);
    view.rerender(<LiveChart data={second} height={120} options={build} rebuildKey="en" />);
    expect(plots.created).toHaveLength(1);
    expect(plot.calls).toEqual([{ method: 'setData', args: [second] }]);
  });

  it('follows the container’s width', () => {
    render(<LiveChart data={first} height={120} options={options()} rebuildKey="en" />);
    const plot = plots.created[0];
    const [observer] = RecordingResizeObserver.made;
    expect(observer?.observed).toEqual([plot?.target]);
    act(() => {
      observer?.callback(
        [{ contentRect: { width: 420.6 } } as ResizeObserverEntry],
        observer as unknown as ResizeObserver,
      );
    });
    expect(plot?.calls).toEqual([{ method: 'setSize', args: [{ width: 420, height: 120 }] }]);
  });

  it('reads its colours from the theme, and again when the theme changes', async () => {
    document.documentElement.style.setProperty('--chart-gpu', '#007aff');
    render(<LiveChart data={first} height={120} options={options()} rebuildKey="en" />);
    const plot = plots.created[0];
    if (!plot) throw new Error('no chart');
    expect(strokeOf(plot)).toBe('#007aff');

    document.documentElement.style.setProperty('--chart-gpu', '#0a84ff');
    // Cached until the theme changes: one style lookup per colour per theme, not per draw.
    expect(strokeOf(plot)).toBe('#007aff');
    document.documentElement.dataset.theme = 'dark';
    await act(async () => {
      await Promise.resolve();
    });
    expect(plot.calls).toContainEqual({ method: 'redraw', args: [false, true] });
    expect(strokeOf(plot)).toBe('#0a84ff');
  });

  it('is created again when what its options bake in changes, and destroyed on unmount', () => {
    const build = options();
    const view = render(<LiveChart data={first} height={120} options={build} rebuildKey="en" />);
    view.rerender(<LiveChart data={first} height={120} options={build} rebuildKey="fr" />);
    expect(plots.created).toHaveLength(2);
    expect(plots.created[0]?.calls.at(-1)).toEqual({ method: 'destroy', args: [] });
    view.unmount();
    expect(plots.created[1]?.calls.at(-1)).toEqual({ method: 'destroy', args: [] });
    expect(RecordingResizeObserver.made.map(observer => observer.connected)).toEqual([false, false]);
  });

  it('stays out where there is no canvas, leaving its caption to say it all', () => {
    vi.unstubAllGlobals();
    const view = render(<LiveChart data={first} height={120} options={options()} rebuildKey="en" />);
    expect(plots.created).toHaveLength(0);
    expect(view.container.querySelector('.live-chart')).toBeTruthy();
  });
});
