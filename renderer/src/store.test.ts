import { describe, expect, it } from 'vitest';

import { createClawbarStore, isNewerState, pageFromHash } from './store';
import { sampleAppState } from './test-support/fake-bridge';

describe('isNewerState', () => {
  it('accepts a higher revision of the same run and refuses an older one', () => {
    const current = sampleAppState({ revision: 5 });
    expect(isNewerState(current, sampleAppState({ revision: 6 }))).toBe(true);
    expect(isNewerState(current, sampleAppState({ revision: 4 }))).toBe(false);
    expect(isNewerState(current, sampleAppState({ revision: 5 }))).toBe(false);
  });

  it('accepts any revision from a restarted backend', () => {
    const current = sampleAppState({ revision: 50 });
    const restarted = sampleAppState({
      revision: 1,
      app: { ...current.app, startedAt: '2026-12-03T11:00:00.000Z' },
    });
    expect(isNewerState(current, restarted)).toBe(true);
  });
});

describe('store', () => {
  it('drops a stale snapshot that arrives late', () => {
    const store = createClawbarStore();
    store.getState().applyAppState(sampleAppState({ revision: 3 }));
    store.getState().applyAppState(sampleAppState({ revision: 2 }));
    expect(store.getState().appState?.revision).toBe(3);
  });
});

describe('pageFromHash', () => {
  it('reads the page and defaults to the dashboard', () => {
    expect(pageFromHash('#/settings')).toBe('settings');
    expect(pageFromHash('#/nope')).toBe('dashboard');
    expect(pageFromHash('')).toBe('dashboard');
  });
});
