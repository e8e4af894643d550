import { describe, expect, it } from 'vitest';

import { sampleMetrics } from '../../test-support/fake-bridge';
import { mergeSamples } from './sample-window';

const t0 = Date.parse('2026-12-03T10:00:00.000Z');
const at = (second: number) => sampleMetrics({ at: new Date(t0 + second * 1000).toISOString() });
const times = (samples: { at: string }[]) => samples.map(sample => (Date.parse(sample.at) - t0) / 1000);

describe('mergeSamples', () => {
  it('appends a newer sample without touching the array it was given', () => {
    const current = [at(0), at(1)];
    const next = mergeSamples(current, [at(2)], 10);
    expect(times(next)).toEqual([0, 1, 2]);
    expect(times(current)).toEqual([0, 1]);
  });

  it('keeps only the newest `capacity` samples', () => {
    let window = [at(0)];
    for (let second = 1; second < 6; second++) window = mergeSamples(window, [at(second)], 3);
    expect(times(window)).toEqual([3, 4, 5]);
    expect(times(mergeSamples([at(0), at(1)], [at(2), at(3), at(4)], 3))).toEqual([2, 3, 4]);
  });

  it('puts history that arrives after live samples in order, each sample once', () => {
    const live = [at(5), at(6)];
    const merged = mergeSamples(live, [at(3), at(4), at(5)], 10);
    expect(times(merged)).toEqual([3, 4, 5, 6]);
  });

  it('drops a repeated or late single sample into its place', () => {
    expect(times(mergeSamples([at(1), at(3)], [at(3)], 10))).toEqual([1, 3]);
    expect(times(mergeSamples([at(1), at(3)], [at(2)], 10))).toEqual([1, 2, 3]);
  });
});
