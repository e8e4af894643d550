import { EventEmitter } from 'node:events';

import { describe, expect, it, vi } from 'vitest';

import { ipcTransport } from './transport';

describe('ipcTransport', () => {
  it('invokes through ipcRenderer.invoke', async () => {
    const ipcRenderer = Object.assign(new EventEmitter(), {
      invoke: vi.fn(() => Promise.resolve({ ok: true, value: 1 })),
    });
    const transport = ipcTransport(ipcRenderer as never);
    expect(await transport.invoke('settings:get', undefined)).toEqual({ ok: true, value: 1 });
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('settings:get', undefined);
  });

  it('gives listeners the payload only, never the IPC event', () => {
    const ipcRenderer = Object.assign(new EventEmitter(), { invoke: vi.fn() });
    const transport = ipcTransport(ipcRenderer as never);
    const listener = vi.fn();
    const off = transport.on('state:changed', listener);
    ipcRenderer.emit('state:changed', { sender: 'secret ipc handle' }, { revision: 1 });
    expect(listener).toHaveBeenCalledWith({ revision: 1 });
    expect(listener.mock.calls[0]).toHaveLength(1);
    off();
    expect(ipcRenderer.listenerCount('state:changed')).toBe(0);
  });
});
