import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createLogger } from '../electron/services/platform/log';
import { appPathsUnder } from '../electron/services/platform/paths';
import { createServices } from '../electron/services/services';
import { summarise, type BenchRow } from './table';

/** A loopback port with nothing listening, so the probes' "not answering" path is what is timed. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise(resolve => server.close(resolve));
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 9}`;
}

/** Time from building the services to the first complete AppState (settings loaded, every probe in). */
export async function startupBenchmark(iterations = 30): Promise<BenchRow[]> {
  const deadUrl = await closedPort();
  const samples: number[] = [];
  for (let index = 0; index < iterations + 3; index++) {
    const home = await mkdtemp(join(tmpdir(), 'clawbar-bench-'));
    const started = performance.now();
    const services = createServices({
      paths: appPathsUnder(home),
      mode: 'demo',
      log: createLogger({ sinks: [] }),
      ollama: { url: deadUrl, supervise: false },
      lmStudioUrl: deadUrl,
      mac: { root: home, userHome: home },
    });
    await services.start();
    const elapsed = performance.now() - started;
    if (Object.values(services.state.snapshot.components).some(component => component.state === 'unknown')) {
      throw new Error('start() resolved before every component had a state');
    }
    await services.dispose();
    await rm(home, { recursive: true, force: true });
    if (index >= 3) samples.push(elapsed); // the first runs warm up the module and fs caches
  }
  const summary = summarise(samples);
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  return [
    {
      benchmark: 'services start → first AppState',
      metric: 'median',
      value: ms(summary.median),
      note: `${iterations} runs`,
    },
    { benchmark: 'services start → first AppState', metric: 'p95', value: ms(summary.p95) },
    { benchmark: 'services start → first AppState', metric: 'max', value: ms(summary.max) },
  ];
}
