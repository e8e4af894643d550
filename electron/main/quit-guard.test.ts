import { describe, expect, it, vi } from 'vitest';

import type { ShutdownReport } from '../services/platform/lifecycle';
import { installQuitGuard } from './quit-guard';

function fakeApp() {
  let listener: ((event: { preventDefault(): void }) => void) | undefined;
  const app = {
    on: (_event: 'before-quit', handler: typeof listener) => {
      listener = handler;
    },
    quit: vi.fn(() => {
      const event = { preventDefault: vi.fn() };
      listener?.(event);
      return event;
    }),
  };
  return { app, requestQuit: () => app.quit() };
}

const report: ShutdownReport = { stopped: ['services'], failed: [], timedOut: [], elapsedMs: 5 };

describe('installQuitGuard', () => {
  it('holds the quit until shutdown is done, then quits for real', async () => {
    const { app, requestQuit } = fakeApp();
    let finish: (value: ShutdownReport) => void = () => undefined;
    const lifecycle = { shutdown: vi.fn(() => new Promise<ShutdownReport>(resolve => (finish = resolve))) };
    installQuitGuard(app, lifecycle, 1000);
    const first = requestQuit();
    expect(first.preventDefault).toHaveBeenCalled();
    expect(lifecycle.shutdown).toHaveBeenCalledWith(1000);
    finish(report);
    await Promise.resolve();
    await Promise.resolve();
    // The guard's own app.quit() goes through.
    const last = app.quit.mock.results.at(-1)?.value as { preventDefault: ReturnType<typeof vi.fn> };
    expect(app.quit).toHaveBeenCalledTimes(2);
    expect(last.preventDefault).not.toHaveBeenCalled();
  });

  it('decides the deadline when the quit happens', () => {
    const { app, requestQuit } = fakeApp();
    const lifecycle = { shutdown: vi.fn(() => new Promise<ShutdownReport>(() => undefined)) };
    let deadline = 10_000;
    installQuitGuard(app, lifecycle, () => deadline);
    deadline = 105_000;
    requestQuit();
    requestQuit();
    expect(lifecycle.shutdown).toHaveBeenCalledWith(105_000);
  });
});
