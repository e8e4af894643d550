import { describe, expect, it } from 'vitest';

import { DisposableStore, Emitter, toDisposable } from './event';

describe('Emitter', () => {
  it('delivers to every listener even when one throws', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<number>(error => errors.push(error));
    const seen: number[] = [];
    emitter.event(() => {
      throw new Error('bad listener');
    });
    emitter.event(value => seen.push(value));
    emitter.fire(1);
    expect(seen).toEqual([1]);
    expect(errors).toHaveLength(1);
  });

  it('stops delivering after dispose of the subscription', () => {
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    const subscription = emitter.event(value => seen.push(value));
    emitter.fire(1);
    subscription.dispose();
    emitter.fire(2);
    expect(seen).toEqual([1]);
    expect(emitter.listenerCount).toBe(0);
  });
});

describe('DisposableStore', () => {
  it('disposes in reverse order, once', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push('first')));
    store.add(toDisposable(() => order.push('second')));
    store.dispose();
    store.dispose();
    expect(order).toEqual(['second', 'first']);
  });
});
