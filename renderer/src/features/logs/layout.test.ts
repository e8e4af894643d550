import { describe, expect, it } from 'vitest';

import { estimateRows, FixedLayout, maxSpacerPx, viewport, WrapLayout } from './layout';
import { LineStore } from './line-store';

function storeOf(texts: string[], cap = 100): LineStore {
  const store = new LineStore(cap);
  store.append(texts.map((text, seq) => ({ seq, text, time: null })));
  return store;
}

describe('estimateRows', () => {
  it('counts monospace columns, tabs to the next stop of 8, wide glyphs as two', () => {
    expect(estimateRows('', 80)).toBe(1);
    expect(estimateRows('x'.repeat(80), 80)).toBe(1);
    expect(estimateRows('x'.repeat(81), 80)).toBe(2);
    expect(estimateRows('x'.repeat(250), 80)).toBe(4);
    expect(estimateRows('\t'.repeat(10), 80)).toBe(1);
    expect(estimateRows('\t'.repeat(11), 80)).toBe(2);
    expect(estimateRows('日'.repeat(41), 80)).toBe(2);
    expect(estimateRows('🙂'.repeat(40), 80)).toBe(1);
  });
});

describe('FixedLayout', () => {
  it('puts every line one row below the last, from the oldest held', () => {
    const store = storeOf(
      Array.from({ length: 10 }, (_, i) => `line ${i}`),
      6,
    );
    const layout = new FixedLayout(store, 18);
    expect(store.firstOrdinal).toBe(4);
    expect(layout.height).toBe(6 * 18);
    expect(layout.top(4)).toBe(0);
    expect(layout.top(9)).toBe(90);
    expect(layout.ordinalAt(0)).toBe(4);
    expect(layout.ordinalAt(37)).toBe(6);
    expect(layout.ordinalAt(10_000)).toBe(9);
    expect(layout.ordinalAt(-5)).toBe(4);
  });
});

describe('WrapLayout', () => {
  it('stacks estimated heights, and grows with new lines', () => {
    const store = storeOf(['short', 'x'.repeat(25), 'y'.repeat(5)]);
    const layout = new WrapLayout(store.cap, 10);
    layout.sync(store, 10);
    expect(layout.height).toBe(10 + 30 + 10);
    expect(layout.top(2)).toBe(40);
    expect(layout.ordinalAt(15)).toBe(1);
    expect(layout.ordinalAt(39)).toBe(1);
    expect(layout.ordinalAt(40)).toBe(2);
    store.append([{ seq: 3, text: 'z'.repeat(11), time: null }]);
    layout.sync(store, 10);
    expect(layout.height).toBe(70);
    expect(layout.rowHeight(3)).toBe(20);
  });

  it('takes measured heights over estimates and moves what follows', () => {
    const store = storeOf(['a', 'b', 'c']);
    const layout = new WrapLayout(store.cap, 10);
    layout.sync(store, 80);
    expect(layout.correct(new Map([[1, 30]]))).toBe(true);
    expect(layout.top(2)).toBe(40);
    expect(layout.height).toBe(50);
    expect(layout.correct(new Map([[1, 30]]))).toBe(false);
  });

  it('positions stay relative to the oldest line as lines drop off the front', () => {
    const store = storeOf(['a', 'b'], 3);
    const layout = new WrapLayout(store.cap, 10);
    layout.sync(store, 80);
    store.append([
      { seq: 2, text: 'c'.repeat(100), time: null },
      { seq: 3, text: 'd', time: null },
      { seq: 4, text: 'e', time: null },
    ]);
    layout.sync(store, 80);
    expect(store.firstOrdinal).toBe(2);
    expect(layout.top(2)).toBe(0);
    expect(layout.top(3)).toBe(20);
    expect(layout.height).toBe(40);
  });

  it('starts over at another width', () => {
    const store = storeOf(['x'.repeat(100)]);
    const layout = new WrapLayout(store.cap, 10);
    layout.sync(store, 50);
    expect(layout.height).toBe(20);
    layout.sync(store, 100);
    expect(layout.height).toBe(10);
  });
});

describe('viewport', () => {
  it('maps scroll positions one to one while the content fits a spacer', () => {
    const view = viewport(10_000, 500);
    expect(view.spacer).toBe(10_000);
    expect(view.contentY(1234)).toBe(1234);
    expect(view.scrollTopFor(1234)).toBe(1234);
    expect(view.contentY(99_999)).toBe(9500);
  });

  it('scales very tall content onto the largest spacer, end to end', () => {
    const view = viewport(maxSpacerPx * 4, 500);
    expect(view.spacer).toBe(maxSpacerPx);
    expect(view.contentY(maxSpacerPx - 500)).toBe(maxSpacerPx * 4 - 500);
    expect(view.contentY(0)).toBe(0);
    expect(view.scrollTopFor(view.contentY(777_777))).toBeCloseTo(777_777);
  });
});
