import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { type AppState, initialAppState } from '../../common/state';
import { AppStateStore } from './app-state';

const initial: Omit<AppState, 'revision'> = initialAppState(
  { version: '0.1.0', mode: 'app', startedAt: '2026-12-03T10:00:00.000Z' },
  { ollama: 'http://127.0.0.1:11434', lmStudio: '127.0.0.1:1234' },
);

describe('AppStateStore', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('bumps the revision on a real change only', () => {
    const store = new AppStateStore(initial);
    store.setComponent('vm', { state: 'running' });
    expect(store.snapshot.revision).toBe(1);
    store.update(current => ({ ...current }));
    store.setComponent('vm', { state: 'running' });
    expect(store.snapshot.revision).toBe(1);
  });

  it('stamps since when the state changes, and keeps it when only the detail changes', () => {
    let now = new Date('2026-12-03T10:00:00.000Z');
    const store = new AppStateStore(initial, { now: () => now });
    store.setComponent('ollama', { state: 'running', version: '0.12.0' });
    const since = store.snapshot.components.ollama.since;
    expect(since).toBe('2026-12-03T10:00:00.000Z');
    now = new Date('2026-12-03T10:05:00.000Z');
    store.setComponent('ollama', { state: 'running', version: '0.12.1' });
    expect(store.snapshot.components.ollama.since).toBe(since);
    store.setComponent('ollama', { state: 'stopped' });
    expect(store.snapshot.components.ollama.since).toBe('2026-12-03T10:05:00.000Z');
  });

  it('fires at once, then at most once per window with the latest snapshot', () => {
    const store = new AppStateStore(initial, { throttleMs: 100 });
    const revisions: number[] = [];
    store.onDidChange(state => revisions.push(state.revision));
    for (let index = 0; index < 10; index++)
      store.setComponent('vm', { state: index % 2 ? 'running' : 'starting' });
    expect(revisions).toEqual([1]);
    vi.advanceTimersByTime(100);
    expect(revisions).toEqual([1, 10]);
    vi.advanceTimersByTime(1000);
    expect(revisions).toEqual([1, 10]);
  });

  it('flush sends a pending change immediately', () => {
    const store = new AppStateStore(initial, { throttleMs: 100 });
    const revisions: number[] = [];
    store.onDidChange(state => revisions.push(state.revision));
    store.setComponent('vm', { state: 'running' });
    store.setComponent('k3s', { state: 'running' });
    store.flush();
    expect(revisions).toEqual([1, 2]);
  });

  it('hands out frozen snapshots', () => {
    const store = new AppStateStore(initial);
    store.setComponent('vm', { state: 'running' });
    expect(Object.isFrozen(store.snapshot)).toBe(true);
  });
});
