import { isDeepStrictEqual } from 'node:util';

import type { AppState, ComponentId, ComponentStatus } from '../../common/state';
import { Emitter, type Disposable } from './platform/event';

export interface AppStateStoreOptions {
  /** At most one change event per this many milliseconds; the last snapshot always gets out. */
  throttleMs?: number;
  now?: () => Date;
}

type StateContent = Omit<AppState, 'revision'>;

/**
 * Holds the one AppState snapshot. Services write their part with update() or setComponent();
 * consumers get a throttled onDidChange with the latest snapshot (leading edge immediately, then
 * at most one per throttle window), so a burst of changes costs one IPC message.
 */
export class AppStateStore implements Disposable {
  private state: AppState;
  private readonly throttleMs: number;
  private readonly now: () => Date;
  private readonly changed = new Emitter<AppState>();
  private timer: NodeJS.Timeout | undefined;
  private lastFired = 0;
  private dirty = false;
  readonly onDidChange = this.changed.event;

  constructor(initial: StateContent, options: AppStateStoreOptions = {}) {
    this.state = { revision: 0, ...initial };
    this.throttleMs = options.throttleMs ?? 100;
    this.now = options.now ?? (() => new Date());
  }

  get snapshot(): AppState {
    return this.state;
  }

  /** Applies a change; a change that alters nothing does not bump the revision or fire. */
  update(change: (current: StateContent) => StateContent): void {
    const { revision, ...current } = this.state;
    const next = change(current);
    if (isDeepStrictEqual(next, current)) return;
    this.state = Object.freeze({ revision: revision + 1, ...next });
    this.schedule();
  }

  /** Sets one component's status, stamping `since` when its state (not only its detail) changes. */
  setComponent(id: ComponentId, status: Omit<ComponentStatus, 'since'>): void {
    this.update(current => {
      const previous = current.components[id];
      const since =
        previous.state === status.state && previous.since ? previous.since : this.now().toISOString();
      return { ...current, components: { ...current.components, [id]: { ...status, since } } };
    });
  }

  /** Sends any pending change now (used before shutdown and by tests). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dirty) this.emit();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.changed.dispose();
  }

  private schedule(): void {
    this.dirty = true;
    if (this.timer) return;
    const wait = this.lastFired + this.throttleMs - Date.now();
    if (wait <= 0) {
      this.emit();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.emit();
    }, wait);
    this.timer.unref();
  }

  private emit(): void {
    this.dirty = false;
    this.lastFired = Date.now();
    this.changed.fire(this.state);
  }
}
