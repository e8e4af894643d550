import { describe, expect, it, vi } from 'vitest';

import { createLogger, MemorySink } from '../services/platform/log';
import { applyLoginItem, loginItemChange, type LoginItemApp } from './login-item';

const mac = { platform: 'darwin' as const, isPackaged: true };

/** Electron's login item as a fake: what was set is what is read back, with a macOS status. */
function fakeApp(openAtLogin: boolean, status = 'enabled'): LoginItemApp & { set: ReturnType<typeof vi.fn> } {
  let current = openAtLogin;
  const set = vi.fn((settings: { openAtLogin: boolean }) => {
    current = settings.openAtLogin;
  });
  return {
    getLoginItemSettings: () => ({ openAtLogin: current, status: current ? status : 'not-registered' }),
    setLoginItemSettings: set,
    set,
  };
}

describe('loginItemChange', () => {
  it('asks for the setting only when the system has something else', () => {
    expect(loginItemChange(true, { openAtLogin: false }, mac)).toEqual({ openAtLogin: true });
    expect(loginItemChange(false, { openAtLogin: true }, mac)).toEqual({ openAtLogin: false });
    expect(loginItemChange(true, { openAtLogin: true }, mac)).toBeNull();
    expect(loginItemChange(false, { openAtLogin: false }, mac)).toBeNull();
  });

  it('never registers a development build, nor on a platform without login items', () => {
    expect(
      loginItemChange(true, { openAtLogin: false }, { platform: 'darwin', isPackaged: false }),
    ).toBeNull();
    expect(loginItemChange(true, { openAtLogin: false }, { platform: 'linux', isPackaged: true })).toBeNull();
    expect(loginItemChange(true, { openAtLogin: false }, { platform: 'win32', isPackaged: true })).toEqual({
      openAtLogin: true,
    });
  });
});

describe('applyLoginItem', () => {
  it('sets the login item and logs what macOS says', () => {
    const app = fakeApp(false);
    const sink = new MemorySink();
    applyLoginItem(app, true, mac, createLogger({ sinks: [sink] }));
    expect(app.set).toHaveBeenCalledWith({ openAtLogin: true });
    expect(sink.text).toContain('Login item updated');
    applyLoginItem(app, true, mac, createLogger({ sinks: [sink] }));
    expect(app.set).toHaveBeenCalledOnce();
  });

  it('says when macOS waits for the user to approve it', () => {
    const app = fakeApp(false, 'requires-approval');
    const sink = new MemorySink();
    applyLoginItem(app, true, mac, createLogger({ sinks: [sink] }));
    expect(sink.records.map(record => record.level)).toContain('warn');
    expect(sink.text).toContain('Login Items');
  });

  it('leaves a development build alone, and survives the system refusing', () => {
    const dev = fakeApp(false);
    applyLoginItem(dev, true, { platform: 'darwin', isPackaged: false }, createLogger({ sinks: [] }));
    expect(dev.set).not.toHaveBeenCalled();
    const refusing = fakeApp(false);
    refusing.set.mockImplementation(() => {
      throw new Error('Operation not permitted');
    });
    const sink = new MemorySink();
    expect(() => applyLoginItem(refusing, true, mac, createLogger({ sinks: [sink] }))).not.toThrow();
    expect(sink.text).toContain('Operation not permitted');
  });
});
