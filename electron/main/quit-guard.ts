import type { Lifecycle, ShutdownReport } from '../services/platform/lifecycle';

interface QuittableApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/**
 * Holds the first quit until the services have stopped (or the deadline passed), then quits for
 * real. Later quit requests during the wait are absorbed by the same shutdown.
 */
export function installQuitGuard(
  app: QuittableApp,
  lifecycle: Pick<Lifecycle, 'shutdown'>,
  deadlineMs: number,
  onDone: (report: ShutdownReport) => void = () => undefined,
): void {
  let done = false;
  app.on('before-quit', event => {
    if (done) return;
    event.preventDefault();
    void lifecycle.shutdown(deadlineMs).then(report => {
      done = true;
      onDone(report);
      app.quit();
    });
  });
}
