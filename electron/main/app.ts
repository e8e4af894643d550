import { join } from 'node:path';

import { app, ipcMain, protocol, screen, session, shell, type BrowserWindow } from 'electron';

import { resolveLanguage, translate } from '../../common/i18n';
import type { AppState } from '../../common/state';
import { localClient, type Client } from '../services/ipc/clients';
import { createLogger, RotatingFileSink, streamSink, type LogSink } from '../services/platform/log';
import { Lifecycle } from '../services/platform/lifecycle';
import { appPathsUnder } from '../services/platform/paths';
import { createServices } from '../services/services';
import { controlRoomUrl, type ControlRoomPage } from './control-room-page';
import { installE2EHook } from './e2e-hook';
import { firstWindow } from './first-window';
import { registerIpc } from './ipc';
import { applyLoginItem, supportsLoginItems } from './login-item';
import { nativeNotifier } from './native-notifications';
import { NotificationPolicy, NotificationScheduler } from './notifications';
import { watchMemoryPressure } from './pressure-watch';
import { appProtocolResponse } from './protocol';
import { installQuitGuard } from './quit-guard';
import { planQuit, stopForQuit, type QuitPlan } from './quit-plan';
import {
  appOrigin,
  appScheme,
  hardenSession,
  hardenWebContents,
  originOf,
  type TrustedOrigins,
} from './security';
import { electronTrayFactory, trayIconDir } from './tray';
import { createTrayActions } from './tray-actions';
import type { Translate } from './tray-menu';
import { TrayReconciler } from './tray-reconciler';
import { positionNearTray, type Rect } from './window-position';
import { controlRoomSize, createControlRoomWindow, rendererEntryUrl, windowClient } from './windows';

export interface ShowControlRoom {
  page?: ControlRoomPage;
  /** The tray icon's bounds: a new window opens next to it. */
  near?: Rect;
}

/**
 * The composition root of the Electron app: real adapters, one of each service, the validated IPC,
 * the hardened session, the tray, notifications, the login item and the windows. Everything that
 * is not Electron glue lives in electron/services or in the pure modules beside this file.
 */
export async function startApp(): Promise<{ showControlRoom: (options?: ShowControlRoom) => void }> {
  const home = process.env.CLAWBAR_HOME ?? app.getPath('userData');
  const paths = appPathsUnder(home);
  const fileSink = new RotatingFileSink({ dir: paths.logsDir });
  const sinks: LogSink[] = [fileSink];
  if (!app.isPackaged) sinks.push(streamSink(process.stderr));
  const log = createLogger({ sinks, level: app.isPackaged ? 'info' : 'debug', scope: 'app' });

  // Bad input must never take the app down: log it and carry on.
  process.on('uncaughtException', error =>
    log.error('Uncaught exception', { error: error.stack ?? error.message }),
  );
  process.on('unhandledRejection', reason => log.error('Unhandled rejection', { reason: String(reason) }));

  // A menu-bar app: no Dock icon (LSUIElement does it for the packaged app, this for development).
  app.dock?.hide();

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
    diagnosticsDir: app.getPath('downloads'),
    // Uninstall: only a packaged app on macOS has a login item to take back.
    loginItem: {
      status: () => {
        const manageable = supportsLoginItems(process.platform) && app.isPackaged;
        return { manageable, registered: manageable && app.getLoginItemSettings().openAtLogin };
      },
      remove: () => {
        app.setLoginItemSettings({ openAtLogin: false });
        return Promise.resolve();
      },
    },
    closeLogFiles: () => fileSink.close(),
  });
  // After a complete uninstall nothing is left to run: quit once the window has shown the report.
  const uninstalled = services.uninstall.onDidFinish(report => {
    if (report.complete) setTimeout(() => app.quit(), 4000);
  });
  const lifecycle = new Lifecycle(log.child('lifecycle'));
  // Decided when the user quits, from the settings and the state at that moment.
  let quitPlan: QuitPlan | undefined;
  const planNow = (): QuitPlan => (quitPlan ??= planQuit(services.settings.current, services.state.snapshot));
  lifecycle.register({ name: 'services', stop: () => stopForQuit(services, planNow(), log.child('quit')) });
  installQuitGuard(app, lifecycle, () => planNow().deadlineMs);

  const clients = new Map<number, Client>();
  const unregisterIpc = registerIpc({
    ipcMain,
    handlers: services.handlers,
    trusted,
    log: log.child('ipc'),
    clientFor: event => clients.get(event.sender.id),
  });
  lifecycle.register({ name: 'ipc', stop: unregisterIpc });
  lifecycle.register({ name: 'uninstall', stop: () => uninstalled.dispose() });

  await services.start();

  const t: Translate = (key, values) =>
    translate(
      resolveLanguage(services.settings.current.language, app.getPreferredSystemLanguages()),
      key,
      values,
    );
  const loginItemEnvironment = { platform: process.platform, isPackaged: app.isPackaged };
  applyLoginItem(app, services.settings.current.launchAtLogin, loginItemEnvironment, log.child('login-item'));

  let controlRoom: BrowserWindow | undefined;
  const showControlRoom = ({ page, near }: ShowControlRoom = {}): void => {
    // Quitting (the VM may still be stopping): a second launch or a late click opens nothing.
    if (lifecycle.isShuttingDown) return;
    // Without a Dock icon the app is not activated by a click on the tray: bring it forward.
    if (process.platform === 'darwin') app.focus({ steal: true });
    if (controlRoom && !controlRoom.isDestroyed()) {
      // Only the hash changes: the renderer switches page without reloading.
      if (page) void controlRoom.loadURL(controlRoomUrl(rendererEntryUrl(devServerUrl), page));
      if (controlRoom.isMinimized()) controlRoom.restore();
      controlRoom.show();
      controlRoom.focus();
      return;
    }
    const window = createControlRoomWindow({
      preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
      devServerUrl,
      page,
      bounds: near
        ? positionNearTray(near, screen.getDisplayMatching(near).workArea, controlRoomSize)
        : undefined,
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

  // The tray's own caller identity for the handlers it goes through.
  const trayClient = localClient('tray');
  const tray = new TrayReconciler({
    factory: electronTrayFactory(trayIconDir(app), log.child('tray')),
    actions: createTrayActions({
      state: () => services.state.snapshot,
      vm: services.vm,
      ollama: services.ollama,
      restartGateway: async () => {
        await services.handlers['cluster:restart']({ target: 'gateway' }, { client: trayClient });
      },
      setPolicy: async (id, on) =>
        services.handlers['policies:set']({ id, enabled: on }, { client: trayClient }),
      runSelfTest: async () => services.handlers['selftest:run'](undefined, { client: trayClient }),
      openControlRoom: near => {
        showControlRoom(near ? { near } : {});
      },
      openExternal: url => shell.openExternal(url),
      controlUiUrl: async () => (await services.install.controlUiUrl()).url,
      createDiagnostics: async () => {
        const bundle = await services.diagnostics.create();
        shell.showItemInFolder(bundle.path);
      },
      quit: () => {
        app.quit();
      },
      log: log.child('tray'),
    }),
    translate: () => t,
    menuOptions: () => ({
      selfTestAvailable: services.state.snapshot.cluster.installed,
      selfTestRunning: services.state.snapshot.selfTest.status === 'running',
    }),
    // Linux trays (AppIndicator) report no clicks: the menu is the only way in.
    menuMode: process.platform === 'linux' ? 'context' : 'popup',
    onActionError: (id, error) => {
      log.warn('A tray action failed', {
        item: id,
        error: error instanceof Error ? error.message : String(error),
      });
    },
  });
  tray.render(services.state.snapshot);
  const stateSubscription = services.state.onDidChange(snapshot => {
    tray.render(snapshot);
  });

  const notifications = new NotificationScheduler({
    policy: new NotificationPolicy({ translate: () => t, now: Date.now }),
    now: Date.now,
    show: nativeNotifier(page => {
      showControlRoom({ page });
    }),
  });
  const selfTestSignal = (snapshot: AppState) => ({
    selfTestFailed:
      snapshot.selfTest.status === 'failed' ? true : snapshot.selfTest.status === 'passed' ? false : null,
  });
  notifications.state(services.state.snapshot);
  notifications.selfTest(selfTestSignal(services.state.snapshot));
  const notificationSubscriptions = [
    services.state.onDidChange(snapshot => {
      notifications.state(snapshot);
      notifications.selfTest(selfTestSignal(snapshot));
    }),
    services.models.onDidPullProgress(progress => {
      notifications.pull(progress);
    }),
    services.metrics.onDidSample(sample => {
      notifications.pressure(sample.memory.pressure);
    }),
    watchMemoryPressure({
      exec: services.exec,
      isSampling: () => services.metrics.isSampling,
      onPressure: level => {
        notifications.pressure(level);
      },
      log: log.child('pressure'),
    }),
  ];

  let launchAtLogin = services.settings.current.launchAtLogin;
  const settingsSubscription = services.settings.onDidChange(view => {
    tray.refresh(); // the language may have changed
    if (view.settings.launchAtLogin !== launchAtLogin) {
      launchAtLogin = view.settings.launchAtLogin;
      applyLoginItem(app, launchAtLogin, loginItemEnvironment, log.child('login-item'));
    }
  });

  lifecycle.register({
    name: 'tray',
    stop: () => {
      stateSubscription.dispose();
      settingsSubscription.dispose();
      for (const subscription of notificationSubscriptions) subscription.dispose();
      notifications.dispose();
      tray.dispose();
      trayClient.dispose();
    },
  });

  const openedAtLogin = process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
  const first = firstWindow(services.state.snapshot, { openedAtLogin });
  if (first !== 'none') showControlRoom();

  installE2EHook(process.env, {
    trayMenu: () => tray.model,
    clickTrayItem: id => tray.dispatch(id),
    firstWindow: () => first,
  });
  return { showControlRoom };
}
