import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import type { LogLine } from '../common/logs';
import type { PodView } from '../common/sandbox';
import { KubeConnection } from '../electron/services/cluster/kube-connection';
import { LogService } from '../electron/services/cluster/log-service';
import { localClient } from '../electron/services/ipc/clients';
import { createLogger } from '../electron/services/platform/log';
import type { BenchRow } from './table';

/**
 * Pod logs, Clawbar against kubectl on the same pod of the same fake server in the same run: how
 * many lines per second each reads while following a container that writes as fast as it can,
 * and, at the 20,000 lines/s the Logs page is measured with, whether each keeps up. The server
 * runs in its own process, so neither reader shares its CPU. kubectl is the one on PATH (Debian's
 * `kubernetes-client` package, or any other); without one the comparison rows say so.
 */
const serverScript = fileURLToPath(new URL('./support/log-flood-server.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
const lineBytes = 120;

interface Source {
  kubeconfig: string;
  pod: string;
  command(line: string): Promise<void>;
  close(): Promise<void>;
}

async function startSource(dir: string): Promise<Source> {
  const child: ChildProcess = spawn(tsx, [serverScript, join(dir, 'kubeconfig.yaml')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const iterator = lines[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const { value, done } = await iterator.next();
    if (done) throw new Error('the flood server exited');
    return value;
  };
  const ready = JSON.parse(await next()) as { kubeconfig: string; pod: string };
  return {
    ...ready,
    command: async line => {
      child.stdin!.write(`${line}\n`);
      await next();
    },
    close: async () => {
      child.stdin!.write('quit\n');
      await new Promise(resolve => child.once('exit', resolve));
    },
  };
}

interface Reader {
  /** Lines read since the reader started. */
  readonly count: number;
  stop(): void;
}

/** LogService following the pod: batched `logs:lines` events to one client, as the Logs page gets them. */
async function logServiceReader(source: Source): Promise<Reader> {
  const connection = new KubeConnection(await readFile(source.kubeconfig, 'utf8'));
  const pod: PodView = {
    name: source.pod,
    role: 'other',
    phase: 'Running',
    ready: true,
    restarts: 0,
    startedAt: null,
    podIp: null,
    containers: [
      {
        name: 'main',
        init: false,
        image: '',
        ready: true,
        restarts: 0,
        state: 'running',
        reason: null,
        lastTermination: null,
      },
    ],
    deleting: false,
  };
  const service = new LogService({
    connection: () => connection,
    namespace: 'default',
    pods: () => [pod],
    log: createLogger({ sinks: [] }),
  });
  let count = 0;
  const client = localClient('bench', (event, payload) => {
    if (event === 'logs:lines') count += (payload as { lines: LogLine[] }).lines.length;
  });
  await service.open(client, { pod: source.pod, container: 'main', follow: true, tailLines: 0 });
  return {
    get count() {
      return count;
    },
    stop: () => {
      client.dispose();
      service.dispose();
    },
  };
}

/** `kubectl logs -f` on the same pod, its stdout's newlines counted. */
function kubectlReader(kubectl: string, source: Source): Reader {
  const child = spawn(
    kubectl,
    ['--kubeconfig', source.kubeconfig, 'logs', '-f', '--tail=0', source.pod, '-c', 'main'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  let count = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    for (let index = chunk.indexOf(10); index !== -1; index = chunk.indexOf(10, index + 1)) count += 1;
  });
  return {
    get count() {
      return count;
    },
    stop: () => child.kill(),
  };
}

/** Both readers follow one flood at `rate` for `seconds` (after a second to settle): lines/s each. */
async function race(
  source: Source,
  kubectl: string | null,
  rate: number,
  seconds: number,
): Promise<{ clawbar: number; kubectl: number | null; heapGrowthMiB: number }> {
  await source.command(`flood ${rate} ${lineBytes}`);
  const clawbar = await logServiceReader(source);
  const peer = kubectl ? kubectlReader(kubectl, source) : null;
  await sleep(1000);
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const from = { clawbar: clawbar.count, peer: peer?.count ?? 0 };
  const started = performance.now();
  await sleep(seconds * 1000);
  const elapsed = (performance.now() - started) / 1000;
  const result = {
    clawbar: (clawbar.count - from.clawbar) / elapsed,
    kubectl: peer ? (peer.count - from.peer) / elapsed : null,
    heapGrowthMiB: (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20,
  };
  clawbar.stop();
  peer?.stop();
  await source.command('stop');
  return result;
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function findKubectl(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

/** Source rates: the Logs page's 20,000 lines/s, then faster until a reader falls behind. */
const rates = [20_000, 60_000, 120_000];

export async function clusterLogsBenchmark(seconds = 8): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'clawbar-bench-logs-'));
  const source = await startSource(dir);
  const kubectl = findKubectl();
  const rows: BenchRow[] = [];
  const format = (rate: number) => `${Math.round(rate).toLocaleString('en')} lines/s`;
  try {
    for (const rate of rates) {
      const result = await race(source, kubectl, rate, seconds);
      rows.push({
        benchmark: 'cluster logs',
        metric: `LogService follow, source ${format(rate)}`,
        value: format(result.clawbar),
        note: `${lineBytes}-byte lines; heap ${result.heapGrowthMiB >= 0 ? '+' : ''}${result.heapGrowthMiB.toFixed(1)} MiB in ${seconds} s`,
      });
      if (result.kubectl === null) continue;
      rows.push({
        benchmark: 'cluster logs',
        metric: `kubectl logs -f, source ${format(rate)}`,
        value: format(result.kubectl),
      });
      rows.push({
        benchmark: 'cluster logs',
        metric: `ratio LogService / kubectl at ${format(rate)}`,
        value: (result.clawbar / result.kubectl).toFixed(2),
        note: 'target ≥ 1.00',
      });
    }
    if (!kubectl) {
      rows.push({
        benchmark: 'cluster logs',
        metric: 'kubectl logs -f',
        value: 'not measured',
        note: 'no kubectl on PATH (apt-get install kubernetes-client)',
      });
    }
  } finally {
    await source.close();
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}
