import { describe, expect, it, vi } from 'vitest';

import { invokeChannels } from '../../common/contract';
import { defaultSettings } from '../../common/settings';
import { localClient } from '../services/ipc/clients';
import type { Handlers } from '../services/ipc/dispatch';
import { createLogger } from '../services/platform/log';
import { handle, isTrustedSender, registerIpc, type IpcRegistration } from './ipc';

const trusted = { origins: ['clawbar://app'] };
const view = { settings: defaultSettings(), recovery: null };
const handlers = {
  'settings:get': vi.fn(() => view),
} as unknown as Handlers;

function registration(overrides: Partial<IpcRegistration> = {}): IpcRegistration {
  return {
    ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
    handlers,
    trusted,
    log: createLogger({ sinks: [] }),
    clientFor: () => localClient('window-1'),
    ...overrides,
  };
}

const event = (url: string, parent: unknown = null) =>
  ({ senderFrame: { url, parent }, sender: { id: 1 } }) as never;

describe('isTrustedSender', () => {
  it('accepts the main frame of our own origin only', () => {
    expect(isTrustedSender({ url: 'clawbar://app/index.html', parent: null }, trusted)).toBe(true);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null }, trusted)).toBe(false);
    expect(isTrustedSender({ url: 'clawbar://app/index.html', parent: {} as never }, trusted)).toBe(false);
    expect(isTrustedSender(null, trusted)).toBe(false);
    expect(isTrustedSender(undefined, trusted)).toBe(false);
  });
});

describe('handle', () => {
  it('runs the channel for a trusted sender', async () => {
    expect(
      await handle(registration(), 'settings:get', event('clawbar://app/index.html'), undefined),
    ).toEqual({ ok: true, value: view });
  });

  it('refuses a foreign frame before the handler runs', async () => {
    const getSettings = vi.fn(() => view);
    const result = await handle(
      registration({ handlers: { 'settings:get': getSettings } as unknown as Handlers }),
      'settings:get',
      event('https://evil.example/'),
      undefined,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    expect(getSettings).not.toHaveBeenCalled();
  });

  it('refuses a subframe and a window it does not know', async () => {
    expect(
      await handle(registration(), 'settings:get', event('clawbar://app/index.html', {}), undefined),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden-sender' },
    });
    expect(
      await handle(
        registration({ clientFor: () => undefined }),
        'settings:get',
        event('clawbar://app/index.html'),
        undefined,
      ),
    ).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
  });

  it('answers malformed input with a typed error', async () => {
    expect(await handle(registration(), 'settings:update', event('clawbar://app/'), 'garbage')).toMatchObject(
      {
        ok: false,
        error: { code: 'invalid-input' },
      },
    );
  });
});

describe('registerIpc', () => {
  it('registers exactly the contract channels, and removes them', () => {
    const reg = registration();
    const unregister = registerIpc(reg);
    const registered = vi.mocked(reg.ipcMain.handle).mock.calls.map(call => call[0]);
    expect(registered.sort()).toEqual([...invokeChannels].sort());
    unregister();
    expect(
      vi
        .mocked(reg.ipcMain.removeHandler)
        .mock.calls.map(call => call[0])
        .sort(),
    ).toEqual([...invokeChannels].sort());
  });
});
