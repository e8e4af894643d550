import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

import type { EventName } from '../../../common/contract';
import {
  fitReportSchema,
  installedModelSchema,
  modelTestResultSchema,
  pullProgressSchema,
  runningModelSchema,
  type PullProgress,
} from '../../../common/models';
import { startFakeOllama, type FakeOllamaOptions } from '../../../testing/fake-ollama/server';
import { localClient } from '../ipc/clients';
import { dispatch } from '../ipc/dispatch';
import { createLogger } from '../platform/log';
import { appPathsUnder } from '../platform/paths';
import { createServices, type Services } from '../services';
import { currentOpenClawModelWiring } from './openclaw-providers';

/** Models through the contract (dispatch → ModelManager → OllamaClient) against the fake Ollama. */
const GiB = 1024 ** 3;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface World {
  services: Services;
  events: { event: EventName; payload: unknown }[];
  call: (channel: string, input?: unknown) => ReturnType<typeof dispatch>;
}

async function world(
  fake: Partial<FakeOllamaOptions> = {},
  options: { dead?: boolean } = {},
): Promise<World> {
  const home = await mkdtemp(join(tmpdir(), 'clawbar-models-'));
  let url: string;
  if (options.dead) {
    const probe = createServer();
    await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise(resolve => probe.close(resolve));
  } else {
    const server = await startFakeOllama({ stateDir: join(home, 'ollama'), pullTickMs: 10, ...fake });
    cleanups.push(() => server.close());
    url = server.url;
  }
  const services = createServices({
    paths: appPathsUnder(home),
    mode: 'demo',
    log: createLogger({ sinks: [] }),
    env: { PATH: '/usr/bin:/bin' },
    mac: { root: join(home, 'mac'), userHome: join(home, 'mac') },
    ollama: { url, supervise: false },
    lmStudioUrl: url,
    memory: { read: () => Promise.resolve({ totalBytes: 32 * GiB, gpuWiredLimitBytes: null }) },
    stateThrottleMs: 10,
  });
  cleanups.push(() => services.dispose());
  await services.start();
  const events: World['events'] = [];
  const client = localClient('ui', (event, payload) => events.push({ event, payload }));
  services.hub.add(client);
  return {
    services,
    events,
    call: (channel, input) => dispatch(services.handlers, channel, input, { client }, services.log),
  };
}

function value(result: Awaited<ReturnType<typeof dispatch>>): unknown {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

const installedList = installedModelSchema.array();

const pullEvents = (events: World['events']) =>
  events.filter(entry => entry.event === 'models:pull-progress').map(entry => entry.payload as PullProgress);

describe('models through the contract', () => {
  it('lists installed models with size, details, fit and the default flag', async () => {
    const { services, call } = await world({ seed: ['llama3.2:latest', 'qwen3:8b'] });
    await services.settings.update({ ollama: { defaultModel: 'qwen3:8b' } });
    const models = installedList.parse(value(await call('models:list')));
    expect(models.map(model => [model.name, model.sizeBytes, model.isDefault])).toEqual([
      ['llama3.2:latest', 2_019_393_189, false],
      ['qwen3:8b', 5_225_388_164, true],
    ]);
    expect(models[1]).toMatchObject({
      details: { family: 'qwen3', parameterSize: '8.2B', quantization: 'Q4_K_M' },
    });
    // 32 GiB Mac, 8 GiB VM: both fit on the GPU at the default 32k context.
    expect(models.map(model => model.fit?.verdict)).toEqual(['gpu', 'gpu']);
  });

  it('shows running models with their GPU memory after a test generation, with tokens/s from the counters', async () => {
    const { call } = await world({ seed: ['qwen3:8b'], vramBytes: 5 * GiB });
    const result = modelTestResultSchema.parse(value(await call('models:test', { model: 'qwen3:8b' })));
    expect(result.tokensPerSecond).toBeCloseTo(44.8, 1);
    expect(result.evalCount).toBeGreaterThan(0);
    expect(result.response).toMatch(/Hello/);
    const running = runningModelSchema.array().parse(value(await call('models:running')));
    expect(running).toEqual([
      expect.objectContaining({
        name: 'qwen3:8b',
        vramBytes: 5 * GiB,
        details: expect.objectContaining({ family: 'qwen3' }) as unknown,
      }),
    ]);
    expect(running[0]!.sizeBytes).toBeGreaterThan(running[0]!.vramBytes);
  });

  it('pulls with progress events (bytes, percent, speed, ETA) and the model appears', async () => {
    const { call, events, services } = await world({
      seed: [],
      faults: { pullBytesPerSecond: 4_000_000_000 },
    });
    const final = pullProgressSchema.parse(value(await call('models:pull', { model: 'llama3.2:3b' })));
    expect(final).toMatchObject({ model: 'llama3.2:3b', state: 'success', percent: 100 });
    const progress = pullEvents(events);
    expect(progress[0]).toMatchObject({ state: 'running', progress: { step: 'manifest' } });
    const downloading = progress.filter(
      entry => entry.progress.step === 'download' && entry.percent !== null,
    );
    expect(downloading.length).toBeGreaterThan(2);
    expect(downloading.some(entry => (entry.bytesPerSecond ?? 0) > 0 && entry.etaSeconds !== null)).toBe(
      true,
    );
    expect(progress.at(-1)).toMatchObject({ state: 'success' });
    expect(installedList.parse(value(await call('models:list'))).map(model => model.name)).toEqual([
      'llama3.2:3b',
    ]);
    expect(services.state.snapshot.llm.pulls).toEqual([]);
  });

  it('fails a pull on the mid-stream error line with the server’s text, in the result and the last event', async () => {
    const { call, events } = await world({
      seed: [],
      faults: { pullBytesPerSecond: 8_000_000_000, pullErrorAt: 0.4 },
    });
    const result = await call('models:pull', { model: 'qwen3:8b' });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'pull-failed', message: expect.stringContaining('connection reset by peer') as string },
    });
    expect(pullEvents(events).at(-1)).toMatchObject({ state: 'failed', error: { code: 'pull-failed' } });
    expect(installedList.parse(value(await call('models:list')))).toEqual([]);
  });

  it('cancels a pull; a second caller joins the same pull; delete waits for it', async () => {
    const { call, events, services } = await world({ seed: [], faults: { pullBytesPerSecond: 200_000_000 } });
    // `llama3.2` and `llama3.2:latest` are one model: one pull.
    const first = call('models:pull', { model: 'llama3.2' });
    const second = call('models:pull', { model: 'llama3.2:latest' });
    await expect.poll(() => pullEvents(events).some(entry => entry.progress.step === 'download')).toBe(true);
    expect(services.state.snapshot.llm.pulls).toEqual([
      expect.objectContaining({ model: 'llama3.2', state: 'running' }),
    ]);
    expect(await call('models:delete', { model: 'llama3.2:latest' })).toMatchObject({
      ok: false,
      error: { code: 'busy' },
    });
    expect(
      z
        .object({ cancelled: z.boolean() })
        .parse(value(await call('models:cancel-pull', { model: 'llama3.2:latest' }))),
    ).toEqual({ cancelled: true });
    expect(await first).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(await second).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(pullEvents(events).at(-1)).toMatchObject({ state: 'cancelled' });
    expect(
      z
        .object({ cancelled: z.boolean() })
        .parse(value(await call('models:cancel-pull', { model: 'llama3.2' }))),
    ).toEqual({
      cancelled: false,
    });
    expect(pullEvents(events).filter(entry => entry.state === 'cancelled')).toHaveLength(1);
  });

  it('deletes and shows models, with model-not-found for a missing one', async () => {
    const { call } = await world({ seed: ['qwen3:8b', 'llama3.2:latest'] });
    expect(value(await call('models:show', { model: 'qwen3:8b' }))).toMatchObject({
      architecture: 'qwen3',
      contextLength: 40960,
      capabilities: expect.arrayContaining(['tools']) as unknown,
    });
    expect(value(await call('models:delete', { model: 'qwen3:8b' }))).toEqual({ model: 'qwen3:8b' });
    expect(await call('models:delete', { model: 'qwen3:8b' })).toMatchObject({
      ok: false,
      error: { code: 'model-not-found' },
    });
    expect(await call('models:show', { model: 'qwen3:8b' })).toMatchObject({
      ok: false,
      error: { code: 'model-not-found' },
    });
  });

  it('refuses a bad model name before anything reaches the server', async () => {
    const { call } = await world();
    for (const model of ['', '../etc/passwd', 'a b', '-rf', 'x'.repeat(300)]) {
      expect(await call('models:pull', { model })).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      });
    }
  });

  it('gives memory-fit advice for this Mac and for a given amount of memory', async () => {
    const { call, services } = await world({ seed: ['qwen3:8b'] });
    const report = fitReportSchema.parse(value(await call('models:fit', {})));
    expect(report.memory).toMatchObject({
      totalBytes: 32 * GiB,
      vmReservedBytes: 8 * GiB,
      gpuLimitSource: 'default-share',
    });
    expect(report.context).toEqual({ contextLength: 32768, parallel: 1, kvCacheType: 'q8_0' });
    expect(report.recommended.find(entry => entry.name === 'qwen3:8b')).toMatchObject({
      installed: true,
      fit: { verdict: 'gpu' },
    });
    expect(report.recommended.find(entry => entry.name === 'gpt-oss:120b')?.fit.verdict).toBe('no');
    expect(report.installed?.map(model => model.name)).toEqual(['qwen3:8b']);

    const small = fitReportSchema.parse(value(await call('models:fit', { memoryBytes: 8 * GiB })));
    expect(small.memory).toMatchObject({ totalBytes: 8 * GiB, gpuLimitSource: 'given', availableBytes: 0 });
    expect(small.recommended.every(entry => entry.fit.verdict === 'no')).toBe(true);

    await services.settings.update({
      ollama: {
        recommendedModels: [{ name: 'mistral-small:24b', sizeBytes: 14_000_000_000, note: 'for writing' }],
      },
    });
    const extended = fitReportSchema.parse(value(await call('models:fit')));
    expect(extended.recommended.find(entry => entry.name === 'mistral-small:24b')).toMatchObject({
      source: 'settings',
      note: 'for writing',
    });
  });

  it('still gives recommendations when Ollama does not answer, and says why listing fails', async () => {
    const { call } = await world({}, { dead: true });
    const report = fitReportSchema.parse(value(await call('models:fit')));
    expect(report.installed).toBeNull();
    expect(report.recommended.length).toBeGreaterThan(5);
    expect(await call('models:list')).toMatchObject({ ok: false, error: { code: 'ollama-unreachable' } });
  });

  it('wires what is installed into OpenClaw’s provider settings, reasoning models marked', async () => {
    const { services } = await world({ seed: ['llama3.2:latest', 'qwen3:8b'] });
    await services.settings.update({ ollama: { defaultModel: 'qwen3:8b' } });
    const wiring = await currentOpenClawModelWiring({
      settings: services.settings.current,
      models: services.models,
      lmStudioModels: services.state.snapshot.llm.lmstudio.models,
    });
    expect(wiring.primaryModel).toBe('ollama/qwen3:8b');
    expect(wiring.providers.ollama.models.map(model => [model.id, model.reasoning])).toEqual([
      ['qwen3:8b', true],
      ['llama3.2:latest', false],
    ]);
  });

  it('still wires the chosen default when Ollama does not answer', async () => {
    const { services } = await world({}, { dead: true });
    await services.settings.update({ ollama: { defaultModel: 'qwen3:8b' } });
    const wiring = await currentOpenClawModelWiring({
      settings: services.settings.current,
      models: services.models,
      lmStudioModels: [],
    });
    expect(wiring.providers.ollama.models.map(model => model.id)).toEqual(['qwen3:8b']);
  });
});
