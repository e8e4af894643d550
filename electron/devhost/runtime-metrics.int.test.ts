import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { EventName } from '../../common/contract';
import { metricsSampleSchema, type MetricsSample } from '../../common/metrics';
import { localClient } from '../services/ipc/clients';
import { dispatch } from '../services/ipc/dispatch';
import { openRuntime, type Runtime } from './runtime';

/** The readouts through the contract, as a window uses them, against the demo's simulated Mac. */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function demo(): Promise<Runtime> {
  const home = await mkdtemp(join(tmpdir(), 'clawbar-runtime-metrics-'));
  cleanups.push(() => rm(home, { recursive: true, force: true }));
  const runtime = await openRuntime({
    demo: true,
    mode: 'demo',
    env: { ...process.env, CLAWBAR_HOME: home },
  });
  cleanups.push(async () => {
    await runtime.lifecycle.shutdown(5000);
  });
  await runtime.services.start();
  return runtime;
}

function windowClient(id: string) {
  const samples: MetricsSample[] = [];
  const client = localClient(id, (event: EventName, payload: unknown) => {
    if (event === 'metrics:sample') samples.push(metricsSampleSchema.parse(payload));
  });
  return { client, samples };
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

describe('metrics through the contract, on the demo Mac', () => {
  it('pushes samples to a watching window, keeps them in the history, and stops for a closed one', async () => {
    const { services } = await demo();
    const { handlers, log, metrics } = services;
    const window = windowClient('window-1');
    const call = (channel: string, input: unknown) =>
      dispatch(handlers, channel, input, { client: window.client }, log);

    expect(await call('metrics:watch', { watching: true })).toEqual({
      ok: true,
      value: { sampling: true, intervalMs: 1000 },
    });
    await until(() => window.samples.length >= 2, 'two samples');
    expect(window.samples[0]?.gpu).toMatchObject({
      model: 'Apple M3 Ultra',
      cores: 80,
      metalFamily: 'Metal 3',
    });
    expect(window.samples[0]?.memory.totalBytes).toBe(274877906944);
    const history = await call('metrics:get-history', { limit: 1 });
    expect(history.ok && history.value).toMatchObject({ intervalMs: 1000, capacity: 600 });
    expect(history.ok && (history.value as { samples: unknown[] }).samples).toHaveLength(1);

    window.client.dispose();
    expect(metrics.isSampling).toBe(false);
  });

  it('installs the power permission only with consent, and publishes it in AppState', async () => {
    const { services } = await demo();
    const { handlers, log, state } = services;
    const window = windowClient('window-1');
    const call = (channel: string, input: unknown) =>
      dispatch(handlers, channel, input, { client: window.client }, log);
    expect(state.snapshot.metrics.power).toMatchObject({ source: null, setup: 'not-installed' });
    expect(state.snapshot.metrics.power.rule).toMatch(
      /NOPASSWD: .*\/testing\/bin\/powermetrics --samplers cpu_power\\,gpu_power\\,thermal -i 1000 -f plist$/,
    );

    for (const input of [undefined, {}, { consent: false }, { consent: 'yes' }]) {
      expect(await call('metrics:setup-power', input)).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      });
    }
    expect(state.snapshot.metrics.power.setup).toBe('not-installed');

    const installed = await call('metrics:setup-power', { consent: true });
    expect(installed).toMatchObject({ ok: true, value: { source: 'powermetrics', setup: 'installed' } });
    expect(state.snapshot.metrics.power.setup).toBe('installed');
    await call('metrics:watch', { watching: true });
    await until(() => window.samples.some(sample => sample.gpu.powerW !== null), 'a sample with power');

    expect(await call('metrics:remove-power', undefined)).toMatchObject({
      ok: true,
      value: { setup: 'not-installed' },
    });
    window.client.dispose();
  });
});
