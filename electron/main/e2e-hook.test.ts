import { afterEach, describe, expect, it } from 'vitest';

import { e2eHookName, installE2EHook, type E2EHook } from './e2e-hook';

const hook: E2EHook = { trayMenu: () => undefined, clickTrayItem: () => false, firstWindow: () => 'none' };
const globals = globalThis as Record<string, unknown>;

describe('installE2EHook', () => {
  afterEach(() => {
    Reflect.deleteProperty(globals, e2eHookName);
  });

  it('exposes the hook only to an e2e run', () => {
    installE2EHook({}, hook);
    installE2EHook({ CLAWBAR_E2E: 'true' }, hook);
    expect(globals[e2eHookName]).toBeUndefined();
    installE2EHook({ CLAWBAR_E2E: '1' }, hook);
    expect(globals[e2eHookName]).toBe(hook);
  });
});
