import { describe, expect, it } from 'vitest';

import type { LogLine } from '../../../../common/logs';
import { LineStore } from './line-store';
import { compileSearch, countMatches, findMatches, SearchIndex } from './search';

const never = () => 0;

function storeOf(texts: string[], cap = 1000): LineStore {
  const store = new LineStore(cap);
  store.append(texts.map((text, seq): LogLine => ({ seq, text, time: null })));
  return store;
}

function pattern(query: string, regex = false, caseSensitive = false): RegExp {
  const compiled = compileSearch(query, { regex, caseSensitive });
  if (!compiled?.ok) throw new Error('did not compile');
  return compiled.pattern;
}

describe('compileSearch', () => {
  it('takes the text literally unless regex is on', () => {
    expect(findMatches('a.b axb', pattern('a.b'))).toEqual([[0, 3]]);
    expect(findMatches('a.b axb', pattern('a.b', true))).toEqual([
      [0, 3],
      [4, 7],
    ]);
    expect(findMatches('(x)', pattern('(x)'))).toEqual([[0, 3]]);
  });

  it('ignores case unless asked not to', () => {
    expect(countMatches('Error error ERROR', pattern('error'))).toBe(3);
    expect(countMatches('Error error ERROR', pattern('error', false, true))).toBe(1);
  });

  it('returns the message of an invalid regex instead of throwing, and null for no query', () => {
    const compiled = compileSearch('([', { regex: true, caseSensitive: false });
    expect(compiled?.ok).toBe(false);
    expect(compiled && !compiled.ok && compiled.error).toMatch(/Invalid regular expression/);
    expect(compileSearch('([', { regex: false, caseSensitive: false })?.ok).toBe(true);
    expect(compileSearch('', { regex: true, caseSensitive: false })).toBeNull();
  });

  it('never counts empty matches, and never loops on them', () => {
    expect(countMatches('abc', pattern('x*', true))).toBe(0);
    expect(findMatches('aab', pattern('a*', true))).toEqual([[0, 2]]);
    expect(countMatches('', pattern('^', true))).toBe(0);
  });
});

describe('SearchIndex', () => {
  it('counts occurrences, finds the k-th one and its index, over a range', () => {
    const store = storeOf(['error one', 'fine', 'error error', 'fine', 'error']);
    const index = new SearchIndex(pattern('error'), store.firstOrdinal);
    expect(index.advance(store, Number.POSITIVE_INFINITY, never)).toBe(true);
    expect(index.countIn(0, 5)).toBe(4);
    expect(index.countIn(1, 4)).toBe(2);
    expect(index.at(0, 5, 0)).toEqual({ ordinal: 0, occurrence: 0 });
    expect(index.at(0, 5, 1)).toEqual({ ordinal: 2, occurrence: 0 });
    expect(index.at(0, 5, 2)).toEqual({ ordinal: 2, occurrence: 1 });
    expect(index.at(0, 5, 3)).toEqual({ ordinal: 4, occurrence: 0 });
    expect(index.at(0, 5, 4)).toBeNull();
    expect(index.at(1, 5, 0)).toEqual({ ordinal: 2, occurrence: 0 });
    expect(index.indexOf(0, 5, { ordinal: 2, occurrence: 1 })).toBe(2);
    expect(index.indexOf(1, 5, { ordinal: 2, occurrence: 1 })).toBe(1);
    expect(index.indexOf(0, 5, { ordinal: 1, occurrence: 0 })).toBe(-1);
    expect(index.countBefore(0, 3)).toBe(3);
  });

  it('works a slice at a time until the deadline, then picks up where it stopped', () => {
    const store = storeOf(
      Array.from({ length: 5000 }, (_, seq) => (seq % 10 === 0 ? 'hit' : 'miss')),
      10_000,
    );
    const index = new SearchIndex(pattern('hit'), 0);
    let clock = 0;
    const now = () => clock++;
    expect(index.advance(store, 0, now)).toBe(false);
    expect(index.scanned).toBe(512);
    while (!index.advance(store, clock + 2, now));
    expect(index.countIn(0, 5000)).toBe(500);
  });

  it('follows lines as they arrive and forgets the ones dropped off the front', () => {
    const store = new LineStore(4);
    const index = new SearchIndex(pattern('x'), 0);
    store.append([
      { seq: 0, text: 'x', time: null },
      { seq: 1, text: 'y', time: null },
    ]);
    index.advance(store, Number.POSITIVE_INFINITY, never);
    store.append(
      Array.from({ length: 4 }, (_, i): LogLine => ({ seq: 2 + i, text: i % 2 ? 'x' : 'y', time: null })),
    );
    index.trim(store.firstOrdinal);
    index.advance(store, Number.POSITIVE_INFINITY, never);
    expect(store.firstOrdinal).toBe(2);
    expect(index.countIn(store.firstOrdinal, store.endOrdinal)).toBe(2);
    expect(index.at(store.firstOrdinal, store.endOrdinal, 0)).toEqual({ ordinal: 3, occurrence: 0 });
  });

  it('searches 100,000 lines', () => {
    const store = storeOf(
      Array.from(
        { length: 100_000 },
        (_, seq) => `2026-12-03T10:00:00Z info request ${seq} served in ${seq % 97} ms`,
      ),
      100_000,
    );
    const index = new SearchIndex(pattern('served in 42 ms'), 0);
    expect(index.advance(store, Number.POSITIVE_INFINITY, never)).toBe(true);
    expect(index.countIn(0, 100_000)).toBe(1031);
  });
});
