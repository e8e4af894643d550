import type { Disposable } from '../platform/event';
import type { Logger } from '../platform/log';
import {
  failure,
  reasons,
  type Outcome,
  type ReadingKey,
  type ReadingValue,
  type Readings,
} from './readings';

/**
 * A source of readings: a command, a file, an HTTP endpoint or a long-running stream. It fills one
 * or more reading keys; on a timeout or an exception every key it declares is marked failed, so one
 * failing source never stops the others.
 */
export interface MetricsSource {
  /** For reasons and logs: the program or file it reads. */
  readonly name: string;
  readonly keys: readonly ReadingKey[];
  /** Re-read at most this often; in between the last readings are reused. Default: every sample. */
  readonly periodMs?: number;
  /** After a failure, retry this soon (default: periodMs). */
  readonly retryMs?: number;
  /** This source's own deadline, when it needs more than the collector's (system_profiler). */
  readonly timeoutMs?: number;
  /**
   * Slow sources run in the background: a sample never waits for them; it takes their last
   * readings (or "waiting" until the first) while a fresh read is under way.
   */
  readonly background?: boolean;
  read(signal: AbortSignal): Promise<Readings>;
  /** Long-running sources (streams) start when someone watches and stop when nobody does. */
  activate?(): void;
  deactivate?(): void;
  dispose?(): void;
}

/** A source that fills exactly one key. */
export function singleSource<K extends ReadingKey>(
  key: K,
  name: string,
  read: (signal: AbortSignal) => Promise<Outcome<ReadingValue<K>>>,
  timing: Pick<MetricsSource, 'periodMs' | 'retryMs' | 'timeoutMs' | 'background'> = {},
): MetricsSource {
  return {
    name,
    keys: [key],
    ...timing,
    read: async signal => ({ [key]: await read(signal) }),
  };
}

export interface CollectorOptions {
  log: Logger;
  /** Deadline for each source per sample. */
  timeoutMs?: number;
  now?: () => number;
  /** Runs before each collection (the demo moves its simulated Mac's recordings on). */
  beforeCollect?: () => Promise<void>;
}

interface Cached {
  readings: Readings;
  at: number;
  ok: boolean;
}

export class Collector implements Disposable {
  private readonly cache = new Map<MetricsSource, Cached>();
  private readonly inFlight = new Map<MetricsSource, Promise<Readings>>();
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private active = false;

  constructor(
    readonly sources: readonly MetricsSource[],
    private readonly options: CollectorOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.now = options.now ?? Date.now;
  }

  /** Every source, concurrently, each within its deadline; never rejects. */
  async collect(signal?: AbortSignal): Promise<Readings> {
    if (this.options.beforeCollect) {
      try {
        await this.options.beforeCollect();
      } catch (error) {
        this.options.log.warn('Preparing the metrics sources failed', { error: String(error) });
      }
    }
    const results = await Promise.all(
      this.sources.map(source =>
        source.background ? Promise.resolve(this.readInBackground(source)) : this.readSource(source, signal),
      ),
    );
    return Object.assign({}, ...results) as Readings;
  }

  /** Settles when every background read under way is done (tests, and one-shot samples). */
  async settle(): Promise<void> {
    await Promise.all(this.inFlight.values());
  }

  activate(): void {
    if (this.active) return;
    this.active = true;
    for (const source of this.sources) source.activate?.();
  }

  deactivate(): void {
    if (!this.active) return;
    this.active = false;
    for (const source of this.sources) source.deactivate?.();
  }

  get isActive(): boolean {
    return this.active;
  }

  /** Forget cached readings (after a change that makes them stale, e.g. the power permission). */
  invalidate(): void {
    this.cache.clear();
  }

  dispose(): void {
    this.deactivate();
    for (const source of this.sources) source.dispose?.();
    this.cache.clear();
  }

  private isFresh(source: MetricsSource, cached: Cached | undefined): cached is Cached {
    if (!cached) return false;
    const keepFor = cached.ok ? (source.periodMs ?? 0) : (source.retryMs ?? source.periodMs ?? 0);
    return this.now() - cached.at < keepFor;
  }

  private readInBackground(source: MetricsSource): Readings {
    const cached = this.cache.get(source);
    if (!this.isFresh(source, cached) && !this.inFlight.has(source)) {
      const read = this.readSource(source, undefined).finally(() => this.inFlight.delete(source));
      this.inFlight.set(source, read);
    }
    if (cached) return cached.readings;
    const outcome = failure(reasons.waiting(source.name));
    return Object.fromEntries(source.keys.map(key => [key, outcome]));
  }

  private async readSource(source: MetricsSource, outer: AbortSignal | undefined): Promise<Readings> {
    const cached = this.cache.get(source);
    if (!source.background && this.isFresh(source, cached)) return cached.readings;
    const now = this.now();
    const timeoutMs = source.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    outer?.addEventListener('abort', abort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<Readings>(resolve => {
      timer = setTimeout(() => {
        controller.abort();
        resolve(this.failAll(source, `timed out after ${timeoutMs} ms`));
      }, timeoutMs);
    });
    let readings: Readings;
    try {
      readings = await Promise.race([
        source.read(controller.signal).catch((error: unknown) => {
          this.options.log.warn(`Metrics source ${source.name} threw`, { error: String(error) });
          return this.failAll(source, error instanceof Error ? error.message : String(error));
        }),
        deadline,
      ]);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', abort);
    }
    const ok = Object.values(readings).every(
      outcome => (outcome as Outcome<unknown> | undefined)?.ok !== false,
    );
    this.cache.set(source, { readings, at: now, ok });
    return readings;
  }

  private failAll(source: MetricsSource, message: string): Readings {
    const outcome = failure(reasons.failed(source.name, message));
    return Object.fromEntries(source.keys.map(key => [key, outcome]));
  }
}
