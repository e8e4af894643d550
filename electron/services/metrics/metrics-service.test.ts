import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { type PowerStatus, initialAppState } from '../../../common/state';
import type { MetricsSample } from '../../../common/metrics';
import { AppStateStore } from '../app-state';
import { localClient } from '../ipc/clients';
import { createLogger } from '../platform/log';
import { SettingsStore } from '../platform/settings-store';
import { Collector, singleSource, type MetricsSource } from './collector';
import { MetricsService } from './metrics-service';
import type { PowerManager } from './power-manager';
import { failure, reasons, success } from './readings';

const log = createLogger({ sinks: [] });

const power: PowerStatus = { source: null, setup: 'unavailable', command: null, rule: null, rulePath: null };

function fakePower(): PowerManager {
  return {
    status: () => Promise.resolve(power),
    install: () => Promise.resolve({ ...power, setup: 'installed', source: 'powermetrics' }),
    remove: () => Promise.resolve(power),
  } as unknown as PowerManager;
}

interface Harness {
  service: MetricsService;
  state: AppStateStore;
  settings: SettingsStore;
  reads: { count: number };
  stream: { active: boolean; activations: number };
}

let harnesses: Harness[] = [];

async function harness(
  options: { extra?: MetricsSource[]; historyCapacity?: number; readDelayMs?: number } = {},
): Promise<Harness> {
  const reads = { count: 0 };
  const stream = { active: false, activations: 0 };
  const memory = singleSource('procMeminfo', 'meminfo', async () => {
    reads.count++;
    if (options.readDelayMs) await new Promise(resolve => setTimeout(resolve, options.readDelayMs));
    return success({
      totalBytes: 100,
      usedBytes: reads.count,
      freePct: 50,
      swapTotalBytes: null,
      swapUsedBytes: null,
      compressedBytes: null,
    });
  });
  const streaming: MetricsSource = {
    name: 'stream',
    keys: ['macmon'],
    read: () => Promise.resolve({ macmon: failure(reasons.waiting('macmon')) }),
    activate: () => {
      stream.active = true;
      stream.activations++;
    },
    deactivate: () => {
      stream.active = false;
    },
  };
  const collector = new Collector([memory, streaming, ...(options.extra ?? [])], { log });
  const settings = new SettingsStore(
    join(await mkdtemp(join(tmpdir(), 'clawbar-metrics-')), 'settings.json'),
    log,
  );
  const state = new AppStateStore({
    ...initialAppState(
      { version: '0', mode: 'app', startedAt: '2026-01-01T00:00:00.000Z' },
      { ollama: 'http://127.0.0.1:11434', lmStudio: '127.0.0.1:1234' },
    ),
    metrics: { power },
  });
  const service = new MetricsService({
    collector,
    power: fakePower(),
    settings,
    state,
    log,
    idleStopMs: 30_000,
    ...(options.historyCapacity ? { historyCapacity: options.historyCapacity } : {}),
  });
  const result = { service, state, settings, reads, stream };
  harnesses.push(result);
  return result;
}

function recordingClient(id: string) {
  const samples: MetricsSample[] = [];
  const client = localClient(id, (event, payload) => {
    if (event === 'metrics:sample') samples.push(payload as MetricsSample);
  });
  return { client, samples };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  for (const { service } of harnesses) service.dispose();
  harnesses = [];
  vi.useRealTimers();
});

describe('the sampler', () => {
  it('does not sample while nobody watches', async () => {
    const { reads, stream } = await harness();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(reads.count).toBe(0);
    expect(stream.activations).toBe(0);
  });

  it('samples every interval for a watching window, and stops when it stops watching', async () => {
    const { service, reads, stream } = await harness();
    const viewer = recordingClient('window-1');
    expect(service.watch(viewer.client, true)).toEqual({ sampling: true, intervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(0);
    expect(viewer.samples).toHaveLength(1);
    expect(stream.active).toBe(true);
    await vi.advanceTimersByTimeAsync(3000);
    expect(viewer.samples).toHaveLength(4);
    expect(viewer.samples.map(sample => sample.memory.usedBytes)).toEqual([1, 2, 3, 4]);

    expect(service.watch(viewer.client, false)).toEqual({ sampling: false, intervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(5000);
    expect(reads.count).toBe(4);
    // The stream keeps running a little, then stops.
    expect(stream.active).toBe(true);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(stream.active).toBe(false);
  });

  it('sends samples only to the clients that watch', async () => {
    const { service } = await harness();
    const watching = recordingClient('window-1');
    const other = recordingClient('window-2');
    service.watch(watching.client, true);
    service.watch(other.client, false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(watching.samples.length).toBeGreaterThan(0);
    expect(other.samples).toHaveLength(0);
  });

  it('stops sampling for a window that closes without saying so', async () => {
    const { service, reads } = await harness();
    const viewer = recordingClient('window-1');
    service.watch(viewer.client, true);
    await vi.advanceTimersByTimeAsync(1000);
    viewer.client.dispose();
    const before = reads.count;
    await vi.advanceTimersByTimeAsync(5000);
    expect(reads.count).toBe(before);
    expect(service.isSampling).toBe(false);
  });

  it('runs while the tray menu (an in-process holder) is open, even with no window', async () => {
    const { service, reads } = await harness();
    const hold = service.retain();
    await vi.advanceTimersByTimeAsync(2000);
    expect(reads.count).toBe(3);
    hold.dispose();
    await vi.advanceTimersByTimeAsync(5000);
    expect(reads.count).toBe(3);
  });

  it('follows a change of the sampling interval', async () => {
    const { service, settings, reads } = await harness();
    await settings.load();
    service.watch(recordingClient('window-1').client, true);
    await vi.advanceTimersByTimeAsync(0);
    await settings.update({ metrics: { sampleIntervalMs: 5000 } });
    const before = reads.count;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(reads.count - before).toBe(2);
    expect(service.getHistory().intervalMs).toBe(5000);
  });

  it('skips a tick rather than piling up when a sample takes longer than the interval', async () => {
    const { service, reads } = await harness({ readDelayMs: 1500 });
    service.watch(recordingClient('window-1').client, true);
    await vi.advanceTimersByTimeAsync(6100);
    // Ticks at 0, 2000 (1000 skipped), 4000 (3000 skipped), 6000 (5000 skipped).
    expect(reads.count).toBe(4);
    expect(service.skippedTicks).toBe(3);
  });

  it('keeps a bounded history, oldest first', async () => {
    const { service } = await harness({ historyCapacity: 3 });
    service.watch(recordingClient('window-1').client, true);
    await vi.advanceTimersByTimeAsync(4000);
    const history = service.getHistory();
    expect(history.capacity).toBe(3);
    expect(history.samples.map(sample => sample.memory.usedBytes)).toEqual([3, 4, 5]);
    expect(service.getHistory(2).samples.map(sample => sample.memory.usedBytes)).toEqual([4, 5]);
  });

  it('keeps sampling the other sources while one throws or hangs', async () => {
    const throwing = singleSource('ollama', 'ollama', () => Promise.reject(new Error('boom')));
    const hanging = singleSource('sysctl', 'sysctl', () => new Promise(() => undefined));
    const { service } = await harness({ extra: [throwing, hanging] });
    const viewer = recordingClient('window-1');
    service.watch(viewer.client, true);
    await vi.advanceTimersByTimeAsync(2100);
    const sample = viewer.samples.at(-1)!;
    expect(sample.memory.usedBytes).toBeGreaterThan(0);
    expect(sample.absent.models).toMatchObject({ code: 'metrics-source-failed', message: 'ollama: boom' });
    expect(sample.absent['memory.pressure']).toMatchObject({
      code: 'metrics-source-failed',
      message: 'sysctl: timed out after 2000 ms',
    });
  });

  it('publishes the power status in AppState, and again after the setup', async () => {
    const { service, state } = await harness();
    await service.start();
    expect(state.snapshot.metrics.power.setup).toBe('unavailable');
    await service.setupPower();
    expect(state.snapshot.metrics.power).toMatchObject({ setup: 'installed', source: 'powermetrics' });
  });
});
