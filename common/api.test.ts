import { describe, expect, it, vi } from 'vitest';

import { buildApi, camelCase, type Transport } from './api';
import { eventNames, invokeChannels } from './contract';
import { type AppState, initialAppState } from './state';

function fakeTransport() {
  const listeners = new Map<string, (payload: unknown) => void>();
  const transport: Transport = {
    invoke: vi.fn((channel: string, input: unknown) =>
      Promise.resolve({ ok: true as const, value: { channel, input } }),
    ),
    on: vi.fn((event: string, listener: (payload: unknown) => void) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    }),
  };
  return { transport, listeners };
}

const validState: AppState = {
  ...initialAppState(
    { version: '1.0.0', mode: 'demo', startedAt: '2026-01-01T00:00:00.000Z' },
    { ollama: 'http://127.0.0.1:11434', lmStudio: '127.0.0.1:1234' },
  ),
  revision: 3,
  components: {
    vm: { state: 'not-created' },
    k3s: { state: 'not-created' },
    gateway: { state: 'not-created' },
    proxy: { state: 'not-created' },
    ollama: { state: 'stopped' },
    lmstudio: { state: 'stopped' },
  },
};

describe('buildApi', () => {
  it('exposes one function per invoke channel, grouped by domain with camelCase verbs', async () => {
    const { transport } = fakeTransport();
    const api = buildApi(transport) as unknown as Record<
      string,
      Record<string, (input?: unknown) => Promise<unknown>>
    >;
    for (const channel of invokeChannels) {
      const [domain, verb] = channel.split(':') as [string, string];
      const fn = api[domain]?.[camelCase(verb)];
      expect(fn, channel).toBeTypeOf('function');
      await expect(fn?.({ probe: channel })).resolves.toEqual({
        ok: true,
        value: { channel, input: { probe: channel } },
      });
    }
  });

  it('is frozen all the way down, so a page cannot swap a channel for its own function', () => {
    const api = buildApi(fakeTransport().transport);
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.settings)).toBe(true);
    expect(() => {
      (api.settings as unknown as Record<string, unknown>).update = () => undefined;
    }).toThrow(TypeError);
  });

  it('hands listeners contract-valid payloads only', () => {
    const { transport, listeners } = fakeTransport();
    const api = buildApi(transport);
    const received: unknown[] = [];
    api.on('state:changed', state => received.push(state));
    const deliver = listeners.get('state:changed');
    deliver?.({ not: 'a state' });
    deliver?.(validState);
    expect(received).toEqual([validState]);
  });

  it('refuses to subscribe to an event the contract does not have', () => {
    const api = buildApi(fakeTransport().transport);
    expect(() => api.on('nope:never' as 'state:changed', () => undefined)).toThrow(/Unknown event/);
  });

  it('unsubscribes', () => {
    const { transport, listeners } = fakeTransport();
    const off = buildApi(transport).on('state:changed', () => undefined);
    expect(listeners.has('state:changed')).toBe(true);
    off();
    expect(listeners.has('state:changed')).toBe(false);
  });
});

describe('contract names', () => {
  it('are all domain:verb in kebab-case', () => {
    for (const name of [...invokeChannels, ...eventNames])
      expect(name).toMatch(/^[a-z]+(-[a-z]+)*:[a-z]+(-[a-z]+)*$/);
  });
});
