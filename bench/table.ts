/** Prints benchmark rows as an aligned text table. */
export interface BenchRow {
  benchmark: string;
  metric: string;
  value: string;
  note?: string;
}

export function formatTable(rows: readonly BenchRow[]): string {
  const headers = ['benchmark', 'metric', 'value', 'note'] as const;
  const cells = [headers.map(String), ...rows.map(row => headers.map(key => row[key] ?? ''))];
  const widths = headers.map((_, column) => Math.max(...cells.map(line => (line[column] ?? '').length)));
  const render = (line: string[]) =>
    line
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const [head, ...body] = cells;
  return [render(head ?? []), widths.map(width => '-'.repeat(width)).join('  '), ...body.map(render)].join(
    '\n',
  );
}

export interface Summary {
  min: number;
  median: number;
  p95: number;
  max: number;
}

export function summarise(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { min: sorted[0] ?? Number.NaN, median: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? Number.NaN };
}
