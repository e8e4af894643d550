import type { Logger } from '../services/platform/log';

/**
 * Launch at login (settings.launchAtLogin): the decision is pure and tested; applying it is
 * Electron's `app.setLoginItemSettings`, which registers the app with macOS (SMAppService).
 */
export interface LoginItemEnvironment {
  platform: NodeJS.Platform;
  /** A development run must never register the bare Electron binary as a login item. */
  isPackaged: boolean;
}

export interface LoginItemChange {
  openAtLogin: boolean;
}

/** Electron manages login items on macOS and Windows only. */
export function supportsLoginItems(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32';
}

/** What to ask the system for, or null when it already is so or cannot be. */
export function loginItemChange(
  wanted: boolean,
  current: { openAtLogin: boolean },
  environment: LoginItemEnvironment,
): LoginItemChange | null {
  if (!supportsLoginItems(environment.platform) || !environment.isPackaged) return null;
  if (current.openAtLogin === wanted) return null;
  return { openAtLogin: wanted };
}

/** The part of Electron's `app` this needs. */
export interface LoginItemApp {
  getLoginItemSettings(): { openAtLogin: boolean; status?: string };
  setLoginItemSettings(settings: LoginItemChange): void;
}

/** Applies the setting (at start and whenever it changes); never throws. */
export function applyLoginItem(
  app: LoginItemApp,
  wanted: boolean,
  environment: LoginItemEnvironment,
  log: Logger,
): void {
  if (!supportsLoginItems(environment.platform)) return;
  if (!environment.isPackaged) {
    if (wanted)
      log.info('Launch at login applies to the packaged app only; not registering a development build');
    return;
  }
  try {
    const change = loginItemChange(wanted, app.getLoginItemSettings(), environment);
    if (!change) return;
    app.setLoginItemSettings(change);
    const after = app.getLoginItemSettings();
    log.info('Login item updated', { openAtLogin: after.openAtLogin, status: after.status ?? null });
    // macOS may hold a new login item until the user approves it in System Settings.
    if (after.status === 'requires-approval') {
      log.warn('macOS asks the user to allow Clawbar in System Settings → General → Login Items');
    }
  } catch (error) {
    log.error('Could not change the login item', {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
