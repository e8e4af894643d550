import { describe, expect, it } from 'vitest';

import { formatTable, summarise } from './table';

describe('summarise', () => {
  it('computes nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, index) => 100 - index);
    expect(summarise(samples)).toEqual({ min: 1, median: 50, p95: 95, max: 100 });
  });

  it('refuses an empty run', () => {
    expect(() => summarise([])).toThrow('no samples');
  });
});

describe('formatTable', () => {
  it('aligns columns under a header', () => {
    expect(formatTable([{ benchmark: 'startup', metric: 'median', value: '12.0 ms' }])).toBe(
      [
        'benchmark  metric  value    note',
        '---------  ------  -------  ----',
        'startup    median  12.0 ms',
      ].join('\n'),
    );
  });
});
