import { describe, expect, it } from 'vitest';

import { overallHealth, type AppState, type ComponentState, initialAppState } from './state';

function stateWith(states: Partial<Record<keyof AppState['components'], ComponentState>>): AppState {
  const component = (id: keyof AppState['components']) => ({ state: states[id] ?? 'running' });
  return {
    ...initialAppState(
      { version: '0', mode: 'app', startedAt: '2026-01-01T00:00:00.000Z' },
      { ollama: 'http://127.0.0.1:11434', lmStudio: '127.0.0.1:1234' },
    ),
    revision: 1,
    components: {
      vm: component('vm'),
      k3s: component('k3s'),
      gateway: component('gateway'),
      proxy: component('proxy'),
      ollama: component('ollama'),
      lmstudio: component('lmstudio'),
    },
  };
}

describe('overallHealth', () => {
  it.each<[Partial<Record<keyof AppState['components'], ComponentState>>, string]>([
    [{}, 'running'],
    [
      { vm: 'not-created', k3s: 'not-created', gateway: 'not-created', proxy: 'not-created' },
      'not-installed',
    ],
    [{ gateway: 'error' }, 'error'],
    [{ vm: 'starting', k3s: 'stopped' }, 'starting'],
    [{ proxy: 'degraded' }, 'degraded'],
    [{ gateway: 'unknown' }, 'degraded'],
    [{ vm: 'stopped', k3s: 'stopped', gateway: 'stopped', proxy: 'stopped' }, 'stopped'],
    [{ gateway: 'stopped' }, 'degraded'],
    // Local model servers are optional: their state never makes the sandbox unhealthy.
    [{ ollama: 'error', lmstudio: 'stopped' }, 'running'],
  ])('%j → %s', (states, expected) => {
    expect(overallHealth(stateWith(states))).toBe(expected);
  });
});
