import type { MemoryPressure } from '../../common/metrics';
import type { PullProgress } from '../../common/models';
import type { PodView } from '../../common/sandbox';
import { componentIds, type AppState, type ComponentId, type ReasonCode } from '../../common/state';
import type { Disposable } from '../services/platform/event';
import type { ControlRoomPage } from './control-room-page';
import type { Translate } from './tray-menu';

/**
 * Which notifications to show, decided from successive AppState snapshots and a few events:
 * a pure policy (NotificationPolicy, driven by an explicit clock) and a small scheduler that
 * feeds it and wakes it when a condition comes due (NotificationScheduler). Showing one is the
 * caller's business (app.ts, with Electron's Notification).
 *
 * Every notification belongs to a condition ("the gateway is down", "Ollama crash-loops"). A
 * condition notifies once, then not again until it has cleared; a kind notifies at most once per
 * throttle window (10 minutes), a more severe condition of the same kind excepted; a condition
 * held back by the throttle is shown when the window ends if it still holds.
 */
export const notificationKinds = [
  'gateway-down',
  'crash-loop',
  'self-test-failed',
  'pull-finished',
  'memory-pressure',
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

export interface AppNotification {
  kind: NotificationKind;
  /** The condition it reports, e.g. `crash:ollama`. */
  key: string;
  title: string;
  body: string;
  /** Where its action (and a click on it) takes the user. */
  page: ControlRoomPage;
  actionLabel: string;
}

/** What the sandbox self-test (issue 7) reports; null while it has not run or its result is stale. */
export interface SelfTestSignal {
  selfTestFailed: boolean | null;
}

export interface NotificationPolicyOptions {
  /** Read when a notification is made, so it speaks the current language. */
  translate: () => Translate;
  now: () => number;
  /** How long the gateway must be down, continuously, before it is worth a notification. */
  gatewayDownMs?: number;
  throttleMs?: Partial<Record<NotificationKind, number>>;
}

export const defaultGatewayDownMs = 60_000;
export const defaultThrottleMs: Record<NotificationKind, number> = {
  'gateway-down': 10 * 60_000,
  'crash-loop': 10 * 60_000,
  'self-test-failed': 10 * 60_000,
  // Each finished download is news of its own.
  'pull-finished': 0,
  'memory-pressure': 10 * 60_000,
};

interface Condition {
  kind: NotificationKind;
  key: string;
  severity: number;
  /** Not before this time (the gateway must stay down for a while). */
  dueAt: number;
  notified: boolean;
  /** An event (a finished pull) rather than a state: forgotten once shown. */
  once: boolean;
  make: (t: Translate) => Omit<AppNotification, 'kind' | 'key' | 'actionLabel'>;
}

type Wanted = Omit<Condition, 'dueAt' | 'notified' | 'once'> & { delayMs?: number };

/** Reasons that mean "restarted and failed again", whatever state the component reports. */
const crashReasons: readonly ReasonCode[] = ['ollama-crash-loop', 'k3s-crash-looping'];

const crashPage: Record<ComponentId, ControlRoomPage> = {
  vm: 'dashboard',
  k3s: 'dashboard',
  gateway: 'logs',
  proxy: 'logs',
  ollama: 'models',
  lmstudio: 'models',
};

export class NotificationPolicy {
  private readonly conditions = new Map<string, Condition>();
  private readonly lastShown = new Map<NotificationKind, { at: number; severity: number }>();
  private readonly throttleMs: Record<NotificationKind, number>;
  private readonly gatewayDownMs: number;
  /** Per source, the conditions it currently asserts (each source replaces only its own). */
  private readonly asserted = new Map<string, Set<string>>();
  private readonly podRestarts = new Map<string, number>();
  private gatewaySeenUp = false;
  private onceCounter = 0;

  constructor(private readonly options: NotificationPolicyOptions) {
    this.throttleMs = { ...defaultThrottleMs, ...options.throttleMs };
    this.gatewayDownMs = options.gatewayDownMs ?? defaultGatewayDownMs;
  }

  observeState(state: AppState): AppNotification[] {
    const wanted: Wanted[] = [];
    const gateway = this.gatewayDown(state);
    if (gateway) wanted.push(gateway);
    for (const id of componentIds) {
      const status = state.components[id];
      if (status.state !== 'crashed' && !(status.reason && crashReasons.includes(status.reason.code)))
        continue;
      wanted.push({
        kind: 'crash-loop',
        key: `crash:${id}`,
        severity: 1,
        make: t => ({
          title: t('notifications.crashLoop.title', { component: t(`components.${id}`) }),
          body: t('notifications.crashLoop.body'),
          page: crashPage[id],
        }),
      });
    }
    wanted.push(...this.podCrashLoops(state.cluster.pods));
    this.assert('state', wanted);
    return this.evaluate();
  }

  observeSelfTest(signal: SelfTestSignal): AppNotification[] {
    this.assert(
      'self-test',
      signal.selfTestFailed === true
        ? [
            {
              kind: 'self-test-failed',
              key: 'self-test-failed',
              severity: 1,
              make: t => ({
                title: t('notifications.selfTestFailed.title'),
                body: t('notifications.selfTestFailed.body'),
                page: 'network',
              }),
            },
          ]
        : [],
    );
    return this.evaluate();
  }

  /** The memory pressure of the latest metrics sample; null when the sample has none. */
  observePressure(level: MemoryPressure | null): AppNotification[] {
    const wanted: Wanted[] = [];
    if (level === 'warning' || level === 'critical') {
      const critical = level === 'critical';
      wanted.push({
        kind: 'memory-pressure',
        key: `memory-pressure:${level}`,
        severity: critical ? 2 : 1,
        make: t => ({
          title: t(critical ? 'notifications.memoryCritical.title' : 'notifications.memoryWarning.title'),
          body: t(critical ? 'notifications.memoryCritical.body' : 'notifications.memoryWarning.body'),
          page: 'dashboard',
        }),
      });
    }
    this.assert('pressure', wanted);
    return this.evaluate();
  }

  /** A `models:pull-progress` event: the final one of a successful pull is worth telling. */
  observePull(progress: PullProgress): AppNotification[] {
    if (progress.state === 'success') {
      const key = `pull:${progress.model}:${++this.onceCounter}`;
      this.conditions.set(key, {
        kind: 'pull-finished',
        key,
        severity: 1,
        dueAt: this.options.now(),
        notified: false,
        once: true,
        make: t => ({
          title: t('notifications.pullFinished.title'),
          body: t('notifications.pullFinished.body', { model: progress.model }),
          page: 'models',
        }),
      });
    }
    return this.evaluate();
  }

  /** Shows whatever came due: call it at nextWakeAt(). */
  evaluate(): AppNotification[] {
    const now = this.options.now();
    const t = this.options.translate();
    const shown: AppNotification[] = [];
    for (const condition of [...this.conditions.values()]) {
      if (condition.notified || now < condition.dueAt || now < this.allowedAt(condition)) continue;
      condition.notified = true;
      this.lastShown.set(condition.kind, { at: now, severity: condition.severity });
      if (condition.once) this.conditions.delete(condition.key);
      const content = condition.make(t);
      shown.push({
        kind: condition.kind,
        key: condition.key,
        ...content,
        actionLabel: t(`notifications.actions.${content.page}`),
      });
    }
    return shown;
  }

  /** When a held-back condition comes due; undefined when nothing waits. */
  nextWakeAt(): number | undefined {
    let next: number | undefined;
    for (const condition of this.conditions.values()) {
      if (condition.notified) continue;
      const at = Math.max(condition.dueAt, this.allowedAt(condition));
      next = next === undefined ? at : Math.min(next, at);
    }
    return next;
  }

  private allowedAt(condition: Condition): number {
    const last = this.lastShown.get(condition.kind);
    if (!last || condition.severity > last.severity) return Number.NEGATIVE_INFINITY;
    return last.at + this.throttleMs[condition.kind];
  }

  /** Replaces what one source asserts: new conditions start now, vanished ones clear (re-arm). */
  private assert(source: string, wanted: Wanted[]): void {
    const now = this.options.now();
    const keys = new Set(wanted.map(condition => condition.key));
    for (const key of this.asserted.get(source) ?? []) {
      if (!keys.has(key)) this.conditions.delete(key);
    }
    for (const { delayMs, ...condition } of wanted) {
      const existing = this.conditions.get(condition.key);
      if (existing) existing.make = condition.make;
      else
        this.conditions.set(condition.key, {
          ...condition,
          dueAt: now + (delayMs ?? 0),
          notified: false,
          once: false,
        });
    }
    this.asserted.set(source, keys);
  }

  /**
   * The gateway should run (the VM runs and the sandbox is installed, or the gateway ran since the
   * VM came up), nothing is deliberately changing it, and it does not run.
   */
  private gatewayDown(state: AppState): Wanted | undefined {
    const vmUp = state.components.vm.state === 'running';
    const gatewayUp = state.components.gateway.state === 'running';
    if (!vmUp) this.gatewaySeenUp = false;
    else if (gatewayUp) this.gatewaySeenUp = true;
    const deliberate =
      state.vm.operation?.status === 'running' || state.cluster.operation?.status === 'running';
    const expected = vmUp && (state.cluster.installed || this.gatewaySeenUp);
    if (!expected || gatewayUp || deliberate) return undefined;
    return {
      kind: 'gateway-down',
      key: 'gateway-down',
      severity: 1,
      delayMs: this.gatewayDownMs,
      make: t => ({
        title: t('notifications.gatewayDown.title'),
        body: t('notifications.gatewayDown.body'),
        page: 'logs',
      }),
    };
  }

  /**
   * A pod crash-loops when one of its containers waits in CrashLoopBackOff and its restart count
   * went up since the last snapshot; it keeps counting as one until the back-off ends.
   */
  private podCrashLoops(pods: readonly PodView[]): Wanted[] {
    const wanted: Wanted[] = [];
    const seen = new Set<string>();
    for (const pod of pods) {
      seen.add(pod.name);
      const previous = this.podRestarts.get(pod.name);
      this.podRestarts.set(pod.name, pod.restarts);
      const backingOff = pod.containers.some(container => container.reason === 'CrashLoopBackOff');
      if (!backingOff) continue;
      const key = `crash-pod:${pod.name}`;
      const rising = previous !== undefined && pod.restarts > previous;
      if (!rising && !this.conditions.has(key)) continue;
      const component = pod.role === 'gateway' || pod.role === 'proxy' ? pod.role : undefined;
      wanted.push({
        kind: 'crash-loop',
        key,
        severity: 1,
        make: t => ({
          title: t('notifications.podCrashLoop.title', {
            component: component ? t(`components.${component}`) : pod.name,
          }),
          body: t('notifications.podCrashLoop.body', { restarts: pod.restarts }),
          page: 'logs',
        }),
      });
    }
    for (const name of [...this.podRestarts.keys()]) if (!seen.has(name)) this.podRestarts.delete(name);
    return wanted;
  }
}

export interface SchedulerOptions {
  policy: NotificationPolicy;
  now: () => number;
  show: (notification: AppNotification) => void;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/** Feeds the policy, shows what it decides, and wakes it when a held-back condition comes due. */
export class NotificationScheduler implements Disposable {
  private timer: unknown;
  private disposed = false;
  private readonly setTimer: (callback: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;

  constructor(private readonly options: SchedulerOptions) {
    this.setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms).unref());
    this.clearTimer = options.clearTimer ?? (timer => clearTimeout(timer as NodeJS.Timeout));
  }

  state(state: AppState): void {
    this.run(() => this.options.policy.observeState(state));
  }

  selfTest(signal: SelfTestSignal): void {
    this.run(() => this.options.policy.observeSelfTest(signal));
  }

  pressure(level: MemoryPressure | null): void {
    this.run(() => this.options.policy.observePressure(level));
  }

  pull(progress: PullProgress): void {
    this.run(() => this.options.policy.observePull(progress));
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
  }

  private run(decide: () => AppNotification[]): void {
    if (this.disposed) return;
    for (const notification of decide()) this.options.show(notification);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    const at = this.options.policy.nextWakeAt();
    if (at === undefined) return;
    this.timer = this.setTimer(
      () => {
        this.timer = undefined;
        this.run(() => this.options.policy.evaluate());
      },
      Math.max(0, at - this.options.now()),
    );
  }
}
