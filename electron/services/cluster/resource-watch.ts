import type { KubernetesObject } from '@kubernetes/client-node';

import { Emitter, type Disposable } from '../platform/event';

/** The two halves of a ListWatch, so tests and callers can give any source. */
export interface ListWatchSource<T extends KubernetesObject> {
  list(): Promise<{ items: T[]; resourceVersion: string }>;
  /**
   * Streams changes after `resourceVersion`; calls `done` once when the stream ends (null: the
   * server closed it normally; an error otherwise). Returns a handle that stops it.
   */
  watch(
    resourceVersion: string,
    onEvent: (type: string, object: T) => void,
    done: (error: unknown) => void,
  ): Promise<{ abort(): void }>;
}

export interface ResourceWatchOptions {
  retryInitialMs?: number;
  retryMaxMs?: number;
}

/** Why a watch stopped delivering, for the UI and logs; it keeps retrying by itself. */
export interface WatchProblem {
  error: unknown;
  retryInMs: number;
}

/**
 * A list+watch of one kind as a disposable with typed events: it lists, then watches from the
 * list's resourceVersion, re-watches when the server closes the stream, re-lists on 410 Gone,
 * and retries with backoff when the API is unreachable — never gives up while it is alive.
 */
export class ResourceWatch<T extends KubernetesObject> implements Disposable {
  private readonly objects = new Map<string, T>();
  private readonly changed = new Emitter<readonly T[]>();
  private readonly problem = new Emitter<WatchProblem>();
  private readonly synced = new Emitter<void>();
  private resourceVersion = '';
  private handle: { abort(): void } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  private retryMs: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  /** Fires with every object after any change. */
  readonly onDidChange = this.changed.event;
  readonly onDidFail = this.problem.event;
  /** Fires after each successful list (first sync and every re-list). */
  readonly onDidSync = this.synced.event;

  constructor(
    private readonly source: ListWatchSource<T>,
    options: ResourceWatchOptions = {},
  ) {
    this.retryInitialMs = options.retryInitialMs ?? 500;
    this.retryMaxMs = options.retryMaxMs ?? 10_000;
    this.retryMs = this.retryInitialMs;
  }

  start(): void {
    void this.run();
  }

  get items(): readonly T[] {
    return [...this.objects.values()];
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.handle?.abort();
    this.changed.dispose();
    this.problem.dispose();
    this.synced.dispose();
  }

  private async run(): Promise<void> {
    if (this.disposed) return;
    try {
      if (!this.resourceVersion) await this.relist();
      if (this.isDisposed()) return;
      let ended = false;
      const handle = await this.source.watch(
        this.resourceVersion,
        (type, object) => this.apply(type, object),
        error => {
          if (ended) return;
          ended = true;
          this.onWatchEnded(error);
        },
      );
      // Disposed while the watch was being opened: close it now, or it would outlive us.
      if (this.isDisposed()) handle.abort();
      else this.handle = handle;
    } catch (error) {
      this.retry(error);
    }
  }

  /** A method, not the field: the compiler would take `disposed` as unchanged across an await. */
  private isDisposed(): boolean {
    return this.disposed;
  }

  private async relist(): Promise<void> {
    const { items, resourceVersion } = await this.source.list();
    this.objects.clear();
    for (const item of items) this.objects.set(keyOf(item), item);
    this.resourceVersion = resourceVersion;
    this.retryMs = this.retryInitialMs;
    this.synced.fire();
    this.changed.fire(this.items);
  }

  private apply(type: string, object: T): void {
    const version = object.metadata?.resourceVersion;
    switch (type) {
      case 'ADDED':
      case 'MODIFIED':
        this.objects.set(keyOf(object), object);
        break;
      case 'DELETED':
        this.objects.delete(keyOf(object));
        break;
      case 'BOOKMARK':
        if (version) this.resourceVersion = version;
        return;
      case 'ERROR':
        // A 410 Gone Status: our resourceVersion is too old, list again.
        if ((object as { code?: number }).code === 410) this.resourceVersion = '';
        return;
      default:
        return;
    }
    if (version) this.resourceVersion = version;
    this.changed.fire(this.items);
  }

  private onWatchEnded(error: unknown): void {
    this.handle = undefined;
    if (this.disposed) return;
    if (isGone(error)) this.resourceVersion = '';
    if (error && !isGone(error)) {
      this.retry(error);
      return;
    }
    void this.run();
  }

  private retry(error: unknown): void {
    if (this.disposed) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, this.retryMaxMs);
    // After a failure nothing is known to be current: list again.
    this.resourceVersion = '';
    this.problem.fire({ error, retryInMs: wait });
    this.timer = setTimeout(() => void this.run(), wait);
  }
}

function keyOf(object: KubernetesObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

function isGone(error: unknown): boolean {
  const candidate = error as { statusCode?: number; code?: number } | null;
  return candidate?.statusCode === 410 || candidate?.code === 410;
}
