import { describe, expect, it } from 'vitest';

import type { VmOperation } from '../../common/vm-model';
import { createClawbarStore, isNewerOperation, isNewerState, pageFromHash } from './store';
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

function operation(overrides: Partial<VmOperation> = {}): VmOperation {
  return {
    id: 'a',
    kind: 'start',
    status: 'running',
    step: 'booting',
    done: 1,
    total: 5,
    detail: '',
    seq: 3,
    startedAt: '2026-12-03T10:00:00.000Z',
    stepStartedAt: '2026-12-03T10:00:00.000Z',
    ...overrides,
  };
}

describe('VM operation progress', () => {
  it('keeps the newer copy of an operation, whichever way it arrived', () => {
    expect(isNewerOperation(null, operation())).toBe(true);
    expect(isNewerOperation(operation(), operation({ seq: 4 }))).toBe(true);
    expect(isNewerOperation(operation({ seq: 4 }), operation({ seq: 3 }))).toBe(false);
    expect(isNewerOperation(operation(), null)).toBe(false);
    const later = operation({ id: 'b', seq: 1, startedAt: '2026-12-03T10:05:00.000Z' });
    expect(isNewerOperation(operation({ seq: 40 }), later)).toBe(true);
    expect(isNewerOperation(later, operation({ seq: 40 }))).toBe(false);
  });

  it('takes the operation from a snapshot, but not an older one than an event already gave', () => {
    const store = createClawbarStore();
    store.getState().applyVmOperation(operation({ seq: 7, step: 'waiting-ssh' }));
    const snapshot = sampleAppState({ revision: 9 });
    snapshot.vm = { ...snapshot.vm, operation: operation({ seq: 5 }) };
    store.getState().applyAppState(snapshot);
    expect(store.getState().appState?.revision).toBe(9);
    expect(store.getState().vmOperation).toMatchObject({ seq: 7, step: 'waiting-ssh' });
    const newer = sampleAppState({ revision: 10 });
    newer.vm = { ...newer.vm, operation: operation({ seq: 8, status: 'succeeded', step: 'ready' }) };
    store.getState().applyAppState(newer);
    expect(store.getState().vmOperation).toMatchObject({ seq: 8, status: 'succeeded' });
  });
});

describe('pageFromHash', () => {
  it('reads the page and defaults to the dashboard', () => {
    expect(pageFromHash('#/settings')).toBe('settings');
    expect(pageFromHash('#/nope')).toBe('dashboard');
    expect(pageFromHash('')).toBe('dashboard');
  });
});
