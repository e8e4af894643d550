import { app, protocol } from 'electron';

import { startApp } from './app';
import { appScheme } from './security';

/**
 * Bootstrap: one instance only (a second launch focuses the first), the app scheme registered as
 * privileged before ready, global sandboxing on, then the composition root.
 */
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);

  let showControlRoom: (() => void) | undefined;
  app.on('second-instance', () => showControlRoom?.());
  app.on('activate', () => showControlRoom?.());
  // A menu-bar app keeps running with no window open.
  app.on('window-all-closed', () => undefined);

  app
    .whenReady()
    .then(startApp)
    .then(started => {
      showControlRoom = started.showControlRoom;
    })
    .catch((error: unknown) => {
      process.stderr.write(
        `Clawbar failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      app.exit(1);
    });
}
