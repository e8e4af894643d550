import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Resolves a CSS custom property (`--chart-gpu`) to the colour the current theme gives it. */
export type ChartColour = (cssVariable: string) => string;

export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

export interface LiveChartProps {
  data: uPlot.AlignedData;
  /** CSS pixels, axes included; the width follows the container. */
  height: number;
  /**
   * Builds the chart's options when it is created. Colours go through `colour` inside functions
   * (uPlot calls them at every draw), so a theme change only needs a redraw.
   */
  options: (colour: ChartColour) => ChartOptions;
  /** Creates the chart again when it changes: for what the options bake in (language, scale). */
  rebuildKey: string;
}

/** Where canvas 2D is missing (jsdom; a locked-down WebView) the chart stays out and its caption says it all. */
export function canDrawCharts(): boolean {
  return typeof CanvasRenderingContext2D !== 'undefined' && typeof ResizeObserver !== 'undefined';
}

/**
 * One uPlot instance for as long as the component lives: new data goes through setData (one
 * draw per sample), the width follows the container, colours follow the light or dark theme.
 * The canvas is hidden from assistive technology: the caption beside it carries the values.
 */
export function LiveChart({ data, height, options, rebuildKey }: LiveChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef({ data, options });
  useEffect(() => {
    latest.current = { data, options };
  });

  useEffect(() => {
    const element = host.current;
    if (!element || !canDrawCharts()) return;
    const colours = new Map<string, string>();
    const colour: ChartColour = name => {
      let value = colours.get(name);
      if (value === undefined) {
        // The theme's colours live on :root (styles.css, dashboard.css).
        value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
        colours.set(name, value);
      }
      return value;
    };
    const instance = new uPlot(
      { ...latest.current.options(colour), width: Math.max(1, Math.floor(element.clientWidth)), height },
      latest.current.data,
      element,
    );
    plot.current = instance;
    const resize = new ResizeObserver(entries => {
      const width = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (width > 0 && width !== instance.width) instance.setSize({ width, height });
    });
    resize.observe(element);
    // usePreferences sets data-theme on <html>: the colours are read again at the next draw.
    const theme = new MutationObserver(() => {
      colours.clear();
      instance.redraw(false, true);
    });
    theme.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => {
      resize.disconnect();
      theme.disconnect();
      instance.destroy();
      plot.current = null;
    };
  }, [height, rebuildKey]);

  useEffect(() => {
    const instance = plot.current;
    // A chart created in this render already drew this data.
    if (instance && instance.data !== data) instance.setData(data);
  }, [data]);

  return <div ref={host} className="live-chart" style={{ minHeight: height }} aria-hidden="true" />;
}
