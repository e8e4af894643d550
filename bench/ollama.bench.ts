import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import { localClient } from '../electron/services/ipc/clients';
import { dispatch } from '../electron/services/ipc/dispatch';
import { PullTracker } from '../electron/services/llm/pull-progress';
import { readNdjson } from '../electron/services/llm/ndjson';
import { createLogger } from '../electron/services/platform/log';
import { appPathsUnder } from '../electron/services/platform/paths';
import { createServices } from '../electron/services/services';
import { standInBinDir } from '../testing/demo/world';
import { startFakeOllama } from '../testing/fake-ollama/server';
import { summarise, type BenchRow } from './table';
import { choosePort } from '../electron/services/platform/free-port';

/**
 * Local models: how long until a supervised `ollama serve` (the stand-in) answers, how long
 * `models:list` and `models:fit` take through the contract, and how fast pull progress is parsed
 * and folded (a real pull sends thousands of lines).
 */
const ms = (value: number) => `${value.toFixed(1)} ms`;

async function supervisorStart(iterations: number): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < iterations; index++) {
    const home = await mkdtemp(join(tmpdir(), 'clawbar-bench-'));
    const services = createServices({
      paths: appPathsUnder(home),
      mode: 'demo',
      log: createLogger({ sinks: [] }),
      env: { PATH: [standInBinDir, '/usr/bin', '/bin'].join(delimiter), CLAWBAR_HOME: home },
      mac: { root: join(home, 'mac'), userHome: join(home, 'mac') },
      ollama: {
        url: `http://127.0.0.1:${await choosePort()}`,
        autoStart: false,
        supervisorTimings: { startPollMs: 20 },
      },
      lmStudioUrl: `http://127.0.0.1:${await choosePort()}`,
    });
    await services.start();
    const started = performance.now();
    const result = await dispatch(
      services.handlers,
      'ollama:start',
      undefined,
      { client: localClient('bench') },
      services.log,
    );
    samples.push(performance.now() - started);
    if (!result.ok) throw new Error(result.error.message);
    await services.dispose();
    await rm(home, { recursive: true, force: true });
  }
  return samples;
}

async function contractCalls(iterations: number): Promise<{ list: number[]; fit: number[] }> {
  const home = await mkdtemp(join(tmpdir(), 'clawbar-bench-'));
  const fake = await startFakeOllama({
    stateDir: join(home, 'ollama'),
    seed: ['llama3.2:latest', 'qwen3:8b', 'qwen3:14b', 'gpt-oss:20b'],
  });
  const services = createServices({
    paths: appPathsUnder(home),
    mode: 'demo',
    log: createLogger({ sinks: [] }),
    env: { PATH: '/usr/bin:/bin' },
    mac: { root: join(home, 'mac'), userHome: join(home, 'mac') },
    ollama: { url: fake.url, supervise: false },
    lmStudioUrl: fake.url,
    memory: { read: () => Promise.resolve({ totalBytes: 32 * 1024 ** 3, gpuWiredLimitBytes: null }) },
  });
  await services.start();
  const client = localClient('bench');
  const time = async (channel: 'models:list' | 'models:fit', input: unknown): Promise<number[]> => {
    const samples: number[] = [];
    for (let index = 0; index < iterations + 5; index++) {
      const started = performance.now();
      const result = await dispatch(services.handlers, channel, input, { client }, services.log);
      if (!result.ok) throw new Error(result.error.message);
      if (index >= 5) samples.push(performance.now() - started);
    }
    return samples;
  };
  const list = await time('models:list', undefined);
  const fit = await time('models:fit', {});
  await services.dispose();
  await fake.close();
  await rm(home, { recursive: true, force: true });
  return { list, fit };
}

async function progressThroughput(lines: number): Promise<number> {
  const total = 5_000_000_000;
  const text = Array.from({ length: lines }, (_, index) =>
    JSON.stringify({
      status: 'pulling 6a0746a1ec1a',
      digest: 'sha256:6a0746a1ec1a',
      total,
      completed: Math.round((total * index) / lines),
    }),
  ).join('\n');
  const bytes = new TextEncoder().encode(text);
  const chunkSize = 16 * 1024;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let offset = 0; offset < bytes.length; offset += chunkSize)
        controller.enqueue(bytes.slice(offset, offset + chunkSize));
      controller.close();
    },
  });
  const tracker = new PullTracker('qwen3:8b');
  const started = performance.now();
  for await (const value of readNdjson(stream)) tracker.update(value as { status: string });
  return lines / ((performance.now() - started) / 1000);
}

export async function ollamaBenchmark(): Promise<BenchRow[]> {
  const start = summarise(await supervisorStart(5));
  const calls = await contractCalls(50);
  const list = summarise(calls.list);
  const fit = summarise(calls.fit);
  const rate = await progressThroughput(50_000);
  return [
    {
      benchmark: 'ollama:start → stand-in serve answers',
      metric: 'median',
      value: ms(start.median),
      note: '5 spawns, incl. tsx start-up',
    },
    { benchmark: 'ollama:start → stand-in serve answers', metric: 'max', value: ms(start.max) },
    {
      benchmark: 'models:list (4 models, with fit)',
      metric: 'median',
      value: ms(list.median),
      note: '50 calls via dispatch',
    },
    { benchmark: 'models:list (4 models, with fit)', metric: 'p95', value: ms(list.p95) },
    { benchmark: 'models:fit', metric: 'median', value: ms(fit.median), note: '50 calls via dispatch' },
    { benchmark: 'models:fit', metric: 'p95', value: ms(fit.p95) },
    {
      benchmark: 'pull progress: NDJSON parse + fold',
      metric: 'throughput',
      value: `${Math.round(rate).toLocaleString('en')} lines/s`,
      note: '50,000 lines',
    },
  ];
}
