import type { Lifecycle, ShutdownReport } from '../services/platform/lifecycle';

interface QuittableApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/**
 * Holds the first quit until the services have stopped (or the deadline passed), then quits for
 * real. Later quit requests during the wait are absorbed by the same shutdown. The deadline may
 * be decided when the quit happens (stopping the VM on quit takes longer).
 */
export function installQuitGuard(
  app: QuittableApp,
  lifecycle: Pick<Lifecycle, 'shutdown'>,
  deadlineMs: number | (() => number),
  onDone: (report: ShutdownReport) => void = () => undefined,
): void {
  let done = false;
  app.on('before-quit', event => {
    if (done) return;
    event.preventDefault();
    void lifecycle.shutdown(typeof deadlineMs === 'number' ? deadlineMs : deadlineMs()).then(report => {
      done = true;
      onDone(report);
      app.quit();
    });
  });
}
