import { describe, expect, it } from 'vitest';

import type { LogLine } from '../../../../common/logs';
import { entryLevel, LineStore } from './line-store';

const lines = (from: number, count: number, text = (seq: number) => `line ${seq}`): LogLine[] =>
  Array.from({ length: count }, (_, index) => ({ seq: from + index, text: text(from + index), time: null }));

describe('LineStore', () => {
  it('keeps lines in order with ordinals, and drops the oldest beyond the cap, counting them', () => {
    const store = new LineStore(5);
    store.append(lines(0, 3));
    expect([store.firstOrdinal, store.endOrdinal, store.length, store.dropped]).toEqual([0, 3, 3, 0]);
    store.append(lines(3, 4));
    expect([store.firstOrdinal, store.endOrdinal, store.length, store.dropped]).toEqual([2, 7, 5, 2]);
    expect(store.get(1)).toBeUndefined();
    expect(store.get(2)?.plain).toBe('line 2');
    expect(store.get(6)?.plain).toBe('line 6');
    expect(store.get(7)).toBeUndefined();
  });

  it('takes a batch bigger than the cap whole, keeping its tail', () => {
    const store = new LineStore(4);
    store.append(lines(0, 2));
    store.append(lines(2, 10));
    expect([store.firstOrdinal, store.endOrdinal, store.length, store.dropped]).toEqual([8, 12, 4, 8]);
    expect(store.get(8)?.seq).toBe(8);
    expect(store.get(11)?.seq).toBe(11);
  });

  it('holds the cap after a million lines, and memory is the cap, not the stream', () => {
    const store = new LineStore(100_000);
    for (let batch = 0; batch < 200; batch++) store.append(lines(batch * 5000, 5000));
    expect(store.length).toBe(100_000);
    expect(store.dropped).toBe(900_000);
    expect(store.get(store.firstOrdinal)?.seq).toBe(900_000);
    expect(store.get(store.endOrdinal - 1)?.seq).toBe(999_999);
  });

  it('strips escapes once, on arrival, and keeps the raw text for styling', () => {
    const store = new LineStore(10);
    store.append([{ seq: 0, text: '\u001b[31mred\u001b[0m', time: '2026-12-03T10:00:00.5Z' }]);
    const entry = store.get(0);
    expect(entry).toMatchObject({
      raw: '\u001b[31mred\u001b[0m',
      plain: 'red',
      styled: true,
      time: '2026-12-03T10:00:00.5Z',
    });
    expect(store.longestLine).toBe(3);
  });

  it('guesses a level only when asked, once', () => {
    const store = new LineStore(10);
    store.append([{ seq: 0, text: '[ERROR] boom', time: null }]);
    const entry = store.get(0);
    if (!entry) throw new Error('no entry');
    expect(entry.level).toBeUndefined();
    expect(entryLevel(entry)).toBe('error');
    expect(entry.level).toBe('error');
  });

  it('freezes a snapshot that later lines do not change', () => {
    const store = new LineStore(3);
    store.append(lines(0, 3));
    const frozen = store.snapshot();
    store.append(lines(3, 3));
    expect([frozen.firstOrdinal, frozen.endOrdinal]).toEqual([0, 3]);
    expect(frozen.get(0)?.plain).toBe('line 0');
    expect(store.get(0)).toBeUndefined();
  });

  it('clears without reusing ordinals', () => {
    const store = new LineStore(3);
    store.append(lines(0, 3));
    store.clear();
    expect([store.firstOrdinal, store.endOrdinal, store.length]).toEqual([3, 3, 0]);
    store.append(lines(3, 1));
    expect(store.get(3)?.plain).toBe('line 3');
  });

  it('refuses a cap that is not a positive integer', () => {
    expect(() => new LineStore(0)).toThrow(RangeError);
  });
});
