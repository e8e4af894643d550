import { describe, expect, it } from 'vitest';

import { SampleHistory } from './sample-history';

describe('SampleHistory', () => {
  it('keeps the newest items, oldest first, within its capacity', () => {
    const history = new SampleHistory<number>(3);
    expect(history.toArray()).toEqual([]);
    for (const value of [1, 2, 3, 4, 5]) history.push(value);
    expect(history.toArray()).toEqual([3, 4, 5]);
    expect(history.toArray(2)).toEqual([4, 5]);
    expect(history.toArray(10)).toEqual([3, 4, 5]);
    expect(history.toArray(0)).toEqual([]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new SampleHistory(0)).toThrow(RangeError);
    expect(() => new SampleHistory(1.5)).toThrow(RangeError);
  });
});
