import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { translate, type Language } from '../../common/i18n';
import type { PullProgress } from '../../common/models';
import type { AppState } from '../../common/state';
import {
  NotificationPolicy,
  NotificationScheduler,
  type AppNotification,
  type NotificationPolicyOptions,
} from './notifications';
import { gatewayPod, runningState, stoppedState, withComponents, withPods } from './test-support/app-states';

const minute = 60_000;

/** A fake clock the tests move by hand. */
function clock(start = Date.parse('2026-03-01T10:00:00Z')) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function policy(overrides: Partial<NotificationPolicyOptions> = {}, language: Language = 'en') {
  const time = clock();
  const instance = new NotificationPolicy({
    translate: () => (key, values) => translate(language, key, values),
    now: time.now,
    ...overrides,
  });
  return { policy: instance, time };
}

const gatewayDown = (): AppState => withComponents(runningState(), { gateway: 'error' });
const keys = (notifications: AppNotification[]) => notifications.map(notification => notification.key);

function pull(model: string, state: PullProgress['state']): PullProgress {
  return {
    model,
    state,
    progress: { step: state, done: 1, total: 1, detail: '' },
    percent: 100,
    bytesPerSecond: null,
    etaSeconds: null,
  };
}

describe('gateway down', () => {
  it('notifies once it has been down for a whole minute, with an action to the logs', () => {
    const { policy: p, time } = policy();
    expect(p.observeState(runningState())).toEqual([]);
    expect(p.observeState(gatewayDown())).toEqual([]);
    expect(p.nextWakeAt()).toBe(time.now() + minute);
    time.advance(59_999);
    expect(p.evaluate()).toEqual([]);
    time.advance(1);
    expect(p.evaluate()).toEqual([
      {
        kind: 'gateway-down',
        key: 'gateway-down',
        title: 'OpenClaw is down',
        body: 'The OpenClaw gateway has not been running for a minute. Its logs say why.',
        page: 'logs',
        actionLabel: 'Open Logs',
      },
    ]);
    // The same outage never notifies twice.
    time.advance(30 * minute);
    expect(p.observeState(gatewayDown())).toEqual([]);
    expect(p.nextWakeAt()).toBeUndefined();
  });

  it('must be continuous: coming back up restarts the minute', () => {
    const { policy: p, time } = policy();
    p.observeState(runningState());
    p.observeState(gatewayDown());
    time.advance(40_000);
    p.observeState(runningState());
    p.observeState(gatewayDown());
    time.advance(40_000);
    expect(p.evaluate()).toEqual([]);
    time.advance(20_000);
    expect(keys(p.evaluate())).toEqual(['gateway-down']);
  });

  it('a new outage after it cleared notifies again, but not within ten minutes of the last one', () => {
    const { policy: p, time } = policy();
    p.observeState(runningState());
    p.observeState(gatewayDown());
    time.advance(minute);
    expect(keys(p.evaluate())).toEqual(['gateway-down']);
    time.advance(minute);
    p.observeState(runningState());
    p.observeState(gatewayDown());
    time.advance(minute);
    // Due, but the kind was shown 2 minutes ago: held back until the window ends.
    expect(p.evaluate()).toEqual([]);
    expect(p.nextWakeAt()).toBe(time.now() + 8 * minute);
    time.advance(8 * minute - 1);
    expect(p.evaluate()).toEqual([]);
    time.advance(1);
    expect(keys(p.evaluate())).toEqual(['gateway-down']);
  });

  it('is not news while the user stopped things or an operation restarts the gateway', () => {
    const { policy: p, time } = policy();
    p.observeState(runningState());
    p.observeState(stoppedState());
    time.advance(5 * minute);
    expect(p.evaluate()).toEqual([]);
    const restarting = gatewayDown();
    p.observeState({
      ...restarting,
      cluster: {
        ...restarting.cluster,
        operation: {
          id: 'c-1',
          kind: 'restart',
          target: 'gateway',
          status: 'running',
          progress: null,
          error: null,
          startedAt: '2026-03-01T10:05:00.000Z',
          finishedAt: null,
        },
      },
    });
    time.advance(5 * minute);
    expect(p.evaluate()).toEqual([]);
    expect(p.nextWakeAt()).toBeUndefined();
  });

  it('is not news before the sandbox was ever installed or seen running', () => {
    const { policy: p, time } = policy();
    const fresh = withComponents(runningState(), { gateway: 'not-created', proxy: 'not-created' });
    p.observeState({ ...fresh, cluster: { ...fresh.cluster, installed: false } });
    time.advance(5 * minute);
    expect(p.evaluate()).toEqual([]);
  });
});

describe('crash loops', () => {
  it('a crashed component notifies at once, pointing at the page that manages it', () => {
    const { policy: p } = policy();
    const notifications = p.observeState(withComponents(runningState(), { ollama: 'crashed' }));
    expect(notifications).toEqual([
      expect.objectContaining({
        kind: 'crash-loop',
        key: 'crash:ollama',
        title: 'Ollama keeps crashing',
        page: 'models',
        actionLabel: 'Open Models',
      }),
    ]);
    expect(p.observeState(withComponents(runningState(), { ollama: 'crashed' }))).toEqual([]);
  });

  it('k3s crash-looping (its reason) counts too', () => {
    const { policy: p } = policy();
    const state = runningState();
    const notifications = p.observeState({
      ...state,
      components: {
        ...state.components,
        k3s: {
          state: 'error',
          reason: { code: 'k3s-crash-looping', message: 'systemd restarted it 4 times' },
        },
      },
    });
    expect(notifications).toEqual([
      expect.objectContaining({
        key: 'crash:k3s',
        title: 'Kubernetes (k3s) keeps crashing',
        page: 'dashboard',
      }),
    ]);
  });

  it('a pod in CrashLoopBackOff notifies when its restarts go up, once per episode', () => {
    const { policy: p } = policy();
    expect(
      p.observeState(withPods(runningState(), [gatewayPod({ restarts: 2 }, 'CrashLoopBackOff')])),
    ).toEqual([]);
    const notifications = p.observeState(
      withPods(runningState(), [gatewayPod({ restarts: 3 }, 'CrashLoopBackOff')]),
    );
    expect(notifications).toEqual([
      expect.objectContaining({
        key: 'crash-pod:openclaw-gateway-7d9f-abcde',
        title: 'OpenClaw gateway keeps crashing',
        body: 'Kubernetes restarted it 3 times and it keeps failing. Its logs say why.',
        page: 'logs',
      }),
    ]);
    expect(
      p.observeState(withPods(runningState(), [gatewayPod({ restarts: 4 }, 'CrashLoopBackOff')])),
    ).toEqual([]);
  });

  it('restarts that are not a back-off (a rollout) are not a crash loop', () => {
    const { policy: p } = policy();
    p.observeState(withPods(runningState(), [gatewayPod({ restarts: 0 })]));
    expect(p.observeState(withPods(runningState(), [gatewayPod({ restarts: 1 })]))).toEqual([]);
  });

  it('several crash loops at once: one notification, the next when the window ends', () => {
    const { policy: p, time } = policy();
    const both = withComponents(runningState(), { ollama: 'crashed', proxy: 'crashed' });
    expect(keys(p.observeState(both))).toEqual(['crash:proxy']);
    time.advance(10 * minute);
    expect(keys(p.observeState(both))).toEqual(['crash:ollama']);
  });
});

describe('self-test, pulls and memory', () => {
  it('a failed self-test notifies once until it passes again', () => {
    const { policy: p, time } = policy();
    expect(p.observeSelfTest({ selfTestFailed: null })).toEqual([]);
    expect(p.observeSelfTest({ selfTestFailed: true })).toEqual([
      expect.objectContaining({
        kind: 'self-test-failed',
        title: 'The sandbox self-test failed',
        page: 'network',
        actionLabel: 'Open Network',
      }),
    ]);
    expect(p.observeSelfTest({ selfTestFailed: true })).toEqual([]);
    p.observeSelfTest({ selfTestFailed: false });
    time.advance(10 * minute);
    expect(p.observeSelfTest({ selfTestFailed: true })).toHaveLength(1);
  });

  it('every finished download is told; failed and running ones are not', () => {
    const { policy: p } = policy();
    expect(p.observePull(pull('qwen3:8b', 'running'))).toEqual([]);
    expect(p.observePull(pull('qwen3:8b', 'failed'))).toEqual([]);
    expect(p.observePull(pull('qwen3:8b', 'success'))).toEqual([
      expect.objectContaining({
        kind: 'pull-finished',
        title: 'Model downloaded',
        body: 'qwen3:8b is ready to use.',
        page: 'models',
      }),
    ]);
    expect(p.observePull(pull('llama3.2:3b', 'success'))).toHaveLength(1);
    expect(p.nextWakeAt()).toBeUndefined();
  });

  it('memory pressure: a warning once, a critical one at once even right after it', () => {
    const { policy: p, time } = policy();
    expect(p.observePressure('normal')).toEqual([]);
    expect(p.observePressure('warning')).toEqual([
      expect.objectContaining({
        key: 'memory-pressure:warning',
        title: 'Memory is getting tight',
        page: 'dashboard',
      }),
    ]);
    expect(p.observePressure('warning')).toEqual([]);
    time.advance(minute);
    expect(p.observePressure('critical')).toEqual([
      expect.objectContaining({ key: 'memory-pressure:critical', title: 'Memory is critically low' }),
    ]);
  });

  it('memory pressure going up and down is told at most once per ten minutes', () => {
    const { policy: p, time } = policy();
    expect(p.observePressure('warning')).toHaveLength(1);
    for (let i = 0; i < 4; i++) {
      time.advance(minute);
      expect(p.observePressure(null)).toEqual([]);
      time.advance(minute);
      expect(p.observePressure('warning')).toEqual([]);
    }
    // Still under pressure when the window ends: told then, with no new sample needed.
    expect(p.nextWakeAt()).toBe(time.now() + 2 * minute);
    time.advance(2 * minute);
    expect(keys(p.evaluate())).toEqual(['memory-pressure:warning']);
  });

  it('speaks French when the language is French', () => {
    const { policy: p } = policy({}, 'fr');
    expect(p.observePull(pull('qwen3:8b', 'success'))).toEqual([
      expect.objectContaining({
        title: 'Modèle téléchargé',
        body: 'qwen3:8b est prêt à l’emploi.',
        actionLabel: 'Ouvrir Modèles',
      }),
    ]);
  });
});

describe('NotificationScheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse('2026-03-01T10:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A scheduler on vitest's fake timers, its policy reading the same clock. */
  function fakeTimerScheduler() {
    const show = vi.fn();
    const now = () => Date.now();
    const scheduler = new NotificationScheduler({ policy: policy({ now }).policy, now, show });
    return { scheduler, show };
  }

  it('wakes the policy when the gateway has been down a minute, with no new snapshot', () => {
    const { scheduler, show } = fakeTimerScheduler();
    scheduler.state(runningState());
    scheduler.state(gatewayDown());
    vi.advanceTimersByTime(59_000);
    expect(show).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(show).toHaveBeenCalledOnce();
    expect(show).toHaveBeenCalledWith(expect.objectContaining({ kind: 'gateway-down' }));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('drops its timer when the condition clears, and for good when disposed', () => {
    const { scheduler, show } = fakeTimerScheduler();
    scheduler.state(runningState());
    scheduler.state(gatewayDown());
    expect(vi.getTimerCount()).toBe(1);
    scheduler.state(runningState());
    expect(vi.getTimerCount()).toBe(0);
    scheduler.state(gatewayDown());
    scheduler.dispose();
    vi.advanceTimersByTime(10 * minute);
    scheduler.pull(pull('qwen3:8b', 'success'));
    expect(show).not.toHaveBeenCalled();
  });
});
