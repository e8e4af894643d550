import { BrowserWindow, nativeTheme, type WebContents } from 'electron';

import type { EventName, EventPayload } from '../../common/contract';
import type { Client } from '../services/ipc/clients';
import { Emitter } from '../services/platform/event';
import { controlRoomUrl, type ControlRoomPage } from './control-room-page';
import { appOrigin, secureWebPreferences } from './security';
import type { Rect } from './window-position';

export interface WindowOptions {
  preloadPath: string;
  /** The Vite dev server in development; otherwise the app scheme. */
  devServerUrl: string | undefined;
  /** The page to open on (the renderer routes on the URL's hash). */
  page?: ControlRoomPage | undefined;
  /** Where to put it (next to the tray icon); centred by the system otherwise. */
  bounds?: Rect | undefined;
}

export const controlRoomSize = { width: 1120, height: 740 };

export function rendererEntryUrl(devServerUrl: string | undefined): string {
  return devServerUrl ?? `${appOrigin}/index.html`;
}

export function createControlRoomWindow({
  preloadPath,
  devServerUrl,
  page,
  bounds,
}: WindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    ...controlRoomSize,
    ...bounds,
    minWidth: 860,
    minHeight: 560,
    show: false,
    title: 'Clawbar',
    titleBarStyle: 'hiddenInset',
    vibrancy: 'sidebar',
    visualEffectState: 'followWindow',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1e1e1e' : '#ffffff',
    webPreferences: secureWebPreferences(preloadPath),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(controlRoomUrl(rendererEntryUrl(devServerUrl), page));
  return window;
}

/** The IPC Client of one window: events go to its WebContents until it is destroyed. */
export function windowClient(contents: WebContents): Client {
  const closed = new Emitter<void>();
  contents.once('destroyed', () => {
    closed.fire();
    closed.dispose();
  });
  return {
    id: `window-${contents.id}`,
    send: <E extends EventName>(event: E, payload: EventPayload<E>) => {
      if (!contents.isDestroyed()) contents.send(event, payload);
    },
    onDidClose: closed.event,
  };
}
