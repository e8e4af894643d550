import { join } from 'node:path';

import { app, ipcMain, protocol, session, shell, type BrowserWindow } from 'electron';

import type { Client } from '../services/ipc/clients';
import { createLogger, RotatingFileSink, streamSink, type LogSink } from '../services/platform/log';
import { Lifecycle } from '../services/platform/lifecycle';
import { appPathsUnder } from '../services/platform/paths';
import { createServices } from '../services/services';
import { registerIpc } from './ipc';
import { appProtocolResponse } from './protocol';
import { installQuitGuard } from './quit-guard';
import {
  appOrigin,
  appScheme,
  hardenSession,
  hardenWebContents,
  originOf,
  type TrustedOrigins,
} from './security';
import { createControlRoomWindow, windowClient } from './windows';

const shutdownDeadlineMs = 10_000;

/**
 * The composition root of the Electron app: real adapters, one of each service, the validated IPC,
 * the hardened session and the control-room window. Everything that is not Electron glue lives in
 * electron/services.
 */
export async function startApp(): Promise<{ showControlRoom: () => void }> {
  const home = process.env.CLAWBAR_HOME ?? app.getPath('userData');
  const paths = appPathsUnder(home);
  const sinks: LogSink[] = [new RotatingFileSink({ dir: paths.logsDir })];
  if (!app.isPackaged) sinks.push(streamSink(process.stderr));
  const log = createLogger({ sinks, level: app.isPackaged ? 'info' : 'debug', scope: 'app' });

  // Bad input must never take the app down: log it and carry on.
  process.on('uncaughtException', error =>
    log.error('Uncaught exception', { error: error.stack ?? error.message }),
  );
  process.on('unhandledRejection', reason => log.error('Unhandled rejection', { reason: String(reason) }));

  const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
  const devOrigin = devServerUrl ? originOf(devServerUrl) : undefined;
  const trusted: TrustedOrigins = { origins: devOrigin ? [appOrigin, devOrigin] : [appOrigin] };
  const onBlocked = (what: string, url: string): void => log.warn(`Blocked ${what}`, { url });

  const rendererRoot = join(import.meta.dirname, '../renderer');
  protocol.handle(appScheme, request => appProtocolResponse(rendererRoot, request.url));
  hardenSession(session.defaultSession, { trusted, onBlocked });
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, { trusted, onBlocked, openExternal: url => void shell.openExternal(url) });
  });

  const services = createServices({
    paths,
    mode: 'app',
    log,
    electronVersions: { electron: process.versions.electron, chrome: process.versions.chrome },
    // electron-builder's extraResources put limactl and its guest agents here (scripts/fetch-limactl.ts).
    bundledLimaDir: app.isPackaged ? join(process.resourcesPath, 'lima') : undefined,
  });
  const lifecycle = new Lifecycle(log.child('lifecycle'));
  lifecycle.register({ name: 'services', stop: () => services.dispose() });
  installQuitGuard(app, lifecycle, shutdownDeadlineMs);

  const clients = new Map<number, Client>();
  const unregisterIpc = registerIpc({
    ipcMain,
    handlers: services.handlers,
    trusted,
    log: log.child('ipc'),
    clientFor: event => clients.get(event.sender.id),
  });
  lifecycle.register({ name: 'ipc', stop: unregisterIpc });

  await services.start();

  let controlRoom: BrowserWindow | undefined;
  const showControlRoom = (): void => {
    if (controlRoom && !controlRoom.isDestroyed()) {
      if (controlRoom.isMinimized()) controlRoom.restore();
      controlRoom.show();
      controlRoom.focus();
      return;
    }
    const window = createControlRoomWindow({
      preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
      devServerUrl,
    });
    const contentsId = window.webContents.id;
    const client = windowClient(window.webContents);
    clients.set(contentsId, client);
    const registration = services.hub.add(client);
    window.on('closed', () => {
      registration.dispose();
      clients.delete(contentsId);
      controlRoom = undefined;
    });
    controlRoom = window;
  };

  showControlRoom();
  return { showControlRoom };
}
