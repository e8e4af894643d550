import type { MetricsHistory, MetricsSample } from '../../../common/metrics';
import type { PowerStatus } from '../../../common/state';
import type { AppStateStore } from '../app-state';
import type { Client } from '../ipc/clients';
import { Emitter, toDisposable, type Disposable } from '../platform/event';
import type { Logger } from '../platform/log';
import type { SettingsStore } from '../platform/settings-store';
import type { Collector } from './collector';
import { composeSample } from './compose-sample';
import type { PowerManager } from './power-manager';
import { SampleHistory } from './sample-history';

/**
 * The sampler: one sample per interval (settings.metrics.sampleIntervalMs, 1 s by default), pushed
 * as `metrics:sample` to the clients that show the readouts and kept in a bounded history.
 *
 * It runs only while something displays the readouts — a window that said so (`metrics:watch`),
 * or an in-process holder such as the open tray menu (retain()) — and pauses otherwise; the
 * long-running power stream stops a little later, so a menu opened and closed again does not
 * restart it. A tick still running when the next is due makes that one skip (no pile-up); each
 * source has its own deadline inside the collector, so one failing source never stops the others.
 */
export interface MetricsServiceOptions {
  collector: Collector;
  power: PowerManager;
  settings: SettingsStore;
  state: AppStateStore;
  log: Logger;
  historyCapacity?: number;
  /** How long after the last viewer leaves the long-running sources stop. */
  idleStopMs?: number;
  now?: () => Date;
}

export class MetricsService implements Disposable {
  private readonly history: SampleHistory<MetricsSample>;
  private readonly viewers = new Map<string, { client: Client; closed: Disposable }>();
  private readonly holders = new Set<object>();
  private readonly sampled = new Emitter<MetricsSample>();
  private readonly settingsSubscription: Disposable;
  private timer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private ticking: Promise<MetricsSample> | undefined;
  private disposed = false;
  private lastTickStart = 0;
  /** Ticks skipped because the previous one was still running (diagnostics, tests). */
  skippedTicks = 0;
  readonly onDidSample = this.sampled.event;

  constructor(private readonly options: MetricsServiceOptions) {
    this.history = new SampleHistory(options.historyCapacity ?? 600);
    this.settingsSubscription = options.settings.onDidChange(() => {
      if (this.isSampling) this.schedule();
    });
  }

  get intervalMs(): number {
    return this.options.settings.current.metrics.sampleIntervalMs;
  }

  get isSampling(): boolean {
    return !this.disposed && (this.viewers.size > 0 || this.holders.size > 0);
  }

  /** Lands the power status in AppState. Sampling waits for a viewer. */
  async start(): Promise<void> {
    await this.refreshPower();
  }

  /** A window shows (true) or stops showing (false) the readouts; a closed client stops watching. */
  watch(client: Client, watching: boolean): { sampling: boolean; intervalMs: number } {
    const existing = this.viewers.get(client.id);
    if (watching && !existing) {
      const closed = client.onDidClose(() => this.unwatch(client.id));
      this.viewers.set(client.id, { client, closed });
      this.demandChanged();
    } else if (!watching && existing) {
      this.unwatch(client.id);
    }
    return { sampling: this.isSampling, intervalMs: this.intervalMs };
  }

  /** In-process demand (the tray menu while it is open): sampling runs until the Disposable is disposed. */
  retain(): Disposable {
    const token = {};
    this.holders.add(token);
    this.demandChanged();
    return toDisposable(() => {
      this.holders.delete(token);
      this.demandChanged();
    });
  }

  getHistory(limit?: number): MetricsHistory {
    return {
      intervalMs: this.intervalMs,
      capacity: this.history.capacity,
      samples: this.history.toArray(limit),
    };
  }

  /**
   * One sample on demand (the CLI), whether or not anyone watches. Streams get until `settleMs` to
   * give their first reading; the deadline is fixed, the polling bounded by it.
   */
  async sampleOnce(settleMs = 0): Promise<MetricsSample> {
    const hold = this.retain();
    try {
      let sample = await this.tick();
      const deadline = Date.now() + settleMs;
      while (
        Date.now() < deadline &&
        Object.values(sample.absent).some(reason => reason.code === 'metrics-waiting')
      ) {
        await new Promise(resolve => setTimeout(resolve, Math.min(250, Math.max(0, deadline - Date.now()))));
        await this.options.collector.settle();
        sample = await this.tick();
      }
      return sample;
    } finally {
      hold.dispose();
    }
  }

  async setupPower(signal?: AbortSignal): Promise<PowerStatus> {
    const status = await this.options.power.install(signal);
    this.publishPower(status);
    return status;
  }

  async removePower(signal?: AbortSignal): Promise<PowerStatus> {
    const status = await this.options.power.remove(signal);
    this.publishPower(status);
    return status;
  }

  async refreshPower(): Promise<PowerStatus> {
    const status = await this.options.power.status();
    this.publishPower(status);
    return status;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    for (const { closed } of this.viewers.values()) closed.dispose();
    this.viewers.clear();
    this.holders.clear();
    this.settingsSubscription.dispose();
    this.sampled.dispose();
    this.options.collector.dispose();
  }

  private unwatch(clientId: string): void {
    const viewer = this.viewers.get(clientId);
    if (!viewer) return;
    viewer.closed.dispose();
    this.viewers.delete(clientId);
    this.demandChanged();
  }

  private demandChanged(): void {
    if (this.disposed) return;
    if (this.isSampling) {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
      if (!this.options.collector.isActive) {
        // Someone starts looking: the permission may have changed since (another window, the CLI).
        void this.refreshPower().catch((error: unknown) =>
          this.options.log.warn('Refreshing the power status failed', { error: String(error) }),
        );
      }
      this.options.collector.activate();
      if (!this.timer && !this.ticking) void this.runTick();
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.options.collector.isActive && !this.idleTimer) {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = undefined;
        if (!this.isSampling) this.options.collector.deactivate();
      }, this.options.idleStopMs ?? 30_000);
      this.idleTimer.unref();
    }
  }

  private async runTick(): Promise<void> {
    try {
      await this.tick();
    } catch (error) {
      this.options.log.error('A metrics sample failed', { error: String(error) });
    }
    this.schedule();
  }

  /**
   * Fixed rate: ticks are due at whole intervals from the last start. A tick that overran its
   * interval makes the ticks it overlapped skip, rather than the next one starting at once.
   */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.isSampling) return;
    const interval = this.intervalMs;
    const elapsed = Math.max(0, Date.now() - this.lastTickStart);
    this.skippedTicks += Math.floor(elapsed / interval);
    const delay = interval - (elapsed % interval);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.ticking) {
        this.schedule();
        return;
      }
      void this.runTick();
    }, delay);
    this.timer.unref();
  }

  private tick(): Promise<MetricsSample> {
    this.ticking ??= this.collectAndPublish().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private async collectAndPublish(): Promise<MetricsSample> {
    this.lastTickStart = Date.now();
    const readings = await this.options.collector.collect();
    const sample = composeSample(readings, {
      at: (this.options.now ?? (() => new Date()))(),
      intervalMs: this.intervalMs,
    });
    if (this.disposed) return sample;
    this.history.push(sample);
    for (const { client } of this.viewers.values()) client.send('metrics:sample', sample);
    this.sampled.fire(sample);
    return sample;
  }

  private publishPower(status: PowerStatus): void {
    if (this.disposed) return;
    this.options.state.update(current => ({ ...current, metrics: { power: status } }));
  }
}
