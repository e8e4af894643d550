import { componentIds } from '../../common/state';
import type { AppStateStore } from './app-state';
import type { Disposable } from './platform/event';
import type { Logger } from './platform/log';
import type { ComponentUpdate } from './vm/vm-presence';

export type StatusProbe = () => Promise<ComponentUpdate>;

export interface StatusPollerOptions {
  intervalMs?: number;
}

/**
 * Runs the presence probes now and then every interval, writing what they find into AppState.
 * Probes run concurrently; one that throws does not hold back the others.
 */
export class StatusPoller implements Disposable {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private disposed = false;
  private readonly intervalMs: number;

  constructor(
    private readonly probes: readonly StatusProbe[],
    private readonly state: AppStateStore,
    private readonly log: Logger,
    options: StatusPollerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 5000;
  }

  /** Resolves once the first round has landed in AppState. */
  async start(): Promise<void> {
    await this.poll();
    this.scheduleNext();
  }

  poll(): Promise<void> {
    this.running ??= this.runProbes().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private scheduleNext(): void {
    if (this.disposed) return;
    this.timer = setTimeout(() => {
      void this.poll().finally(() => this.scheduleNext());
    }, this.intervalMs);
    this.timer.unref();
  }

  private async runProbes(): Promise<void> {
    const results = await Promise.allSettled(this.probes.map(probe => probe()));
    if (this.disposed) return;
    for (const result of results) {
      if (result.status === 'rejected') {
        this.log.warn('A status probe failed', { error: String(result.reason) });
        continue;
      }
      for (const id of componentIds) {
        const status = result.value[id];
        if (status) this.state.setComponent(id, status);
      }
    }
  }
}
