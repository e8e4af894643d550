import type { FirstWindow } from './first-window';
import type { TrayItemId, TrayMenuModel } from './tray-menu';

/**
 * What the Electron e2e specs (e2e/electron) can reach in the main process, and only when the app
 * runs with CLAWBAR_E2E=1: a native tray menu cannot be opened or read by Playwright, so the
 * specs read the model the tray was built from and click its items through the same dispatch.
 */
export interface E2EHook {
  trayMenu(): TrayMenuModel | undefined;
  clickTrayItem(id: TrayItemId): boolean;
  firstWindow(): FirstWindow;
}

export const e2eHookName = '__clawbarE2E';

export function installE2EHook(env: NodeJS.ProcessEnv, hook: E2EHook): void {
  if (env.CLAWBAR_E2E !== '1') return;
  (globalThis as Record<string, unknown>)[e2eHookName] = hook;
}
