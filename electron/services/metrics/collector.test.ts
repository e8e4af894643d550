import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { createLogger } from '../platform/log';
import { Collector, singleSource } from './collector';
import { failure, reasons, success } from './readings';

const log = createLogger({ sinks: [] });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Collector', () => {
  it('reuses a reading within its period and retries a failure after retryMs', async () => {
    let calls = 0;
    let fail = false;
    const source = singleSource(
      'vmConfig',
      'lima',
      () => {
        calls++;
        return Promise.resolve(fail ? failure(reasons.failed('lima', 'x')) : success(calls));
      },
      { periodMs: 10_000, retryMs: 1000 },
    );
    const collector = new Collector([source], { log });
    expect((await collector.collect()).vmConfig).toEqual({ ok: true, value: 1 });
    await vi.advanceTimersByTimeAsync(9000);
    expect((await collector.collect()).vmConfig).toEqual({ ok: true, value: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    fail = true;
    expect((await collector.collect()).vmConfig?.ok).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    fail = false;
    expect((await collector.collect()).vmConfig).toEqual({ ok: true, value: 3 });
  });

  it('never waits for a background source: "waiting" first, then its last reading', async () => {
    let release: () => void = () => undefined;
    const slow = singleSource(
      'vmConfig',
      'slow',
      () => new Promise(resolve => (release = () => resolve(success(42)))),
      { background: true, periodMs: Number.POSITIVE_INFINITY, timeoutMs: 60_000 },
    );
    const collector = new Collector([slow], { log });
    expect((await collector.collect()).vmConfig).toMatchObject({
      ok: false,
      reason: { code: 'metrics-waiting' },
    });
    release();
    await collector.settle();
    expect((await collector.collect()).vmConfig).toEqual({ ok: true, value: 42 });
  });

  it('marks every key of a source that overruns its deadline as failed, and aborts it', async () => {
    let aborted = false;
    const hanging = {
      name: 'power',
      keys: ['powermetrics', 'macmon'] as const,
      read: (signal: AbortSignal) =>
        new Promise<never>(() => signal.addEventListener('abort', () => (aborted = true))),
    };
    const collector = new Collector([hanging], { log, timeoutMs: 500 });
    const collecting = collector.collect();
    await vi.advanceTimersByTimeAsync(500);
    const readings = await collecting;
    expect(readings.powermetrics).toMatchObject({
      ok: false,
      reason: { message: 'power: timed out after 500 ms' },
    });
    expect(readings.macmon).toMatchObject({ ok: false });
    expect(aborted).toBe(true);
  });

  it('starts and stops long-running sources with the demand, once', () => {
    const events: string[] = [];
    const stream = {
      name: 'stream',
      keys: ['macmon'] as const,
      read: () => Promise.resolve({}),
      activate: () => events.push('activate'),
      deactivate: () => events.push('deactivate'),
    };
    const collector = new Collector([stream], { log });
    collector.activate();
    collector.activate();
    collector.deactivate();
    collector.deactivate();
    collector.activate();
    collector.dispose();
    expect(events).toEqual(['activate', 'deactivate', 'activate', 'deactivate']);
  });
});
