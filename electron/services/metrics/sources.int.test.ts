import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createExecRunner } from '../platform/exec';
import { createLogger } from '../platform/log';
import { Collector, type MetricsSource } from './collector';
import { composeSample } from './compose-sample';
import { linuxSources } from './linux-sources';
import { ollamaPsSource } from './ollama-ps-source';
import { recordingFiles } from './replay-sources';
import { fixedUrl, fixture, projectRoot } from './test-fixtures';
import { podMemorySource, vmConfigSource } from './vm-share-sources';

const log = createLogger({ sinks: [] });
const cleanups: (() => Promise<void> | void)[] = [];
const standIns = join(projectRoot, 'testing', 'bin');

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function temporaryDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'clawbar-sources-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function httpServer(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

async function closedPort(): Promise<string> {
  const server = createNetServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise(resolve => server.close(resolve));
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 9}`;
}

async function readOnce(...sources: MetricsSource[]) {
  const collector = collectorOf(...sources);
  const readings = await collector.collect();
  await collector.settle();
  return { readings, sample: composeSample(await collector.collect(), { at: new Date(), intervalMs: 1000 }) };
}

function collectorOf(...sources: MetricsSource[]) {
  const collector = new Collector(sources, { log, timeoutMs: 10_000 });
  cleanups.push(() => collector.dispose());
  return collector;
}

describe('the Linux development fallback', () => {
  it('reads memory from /proc/meminfo and an NVIDIA GPU through nvidia-smi when it is there', async () => {
    const exec = createExecRunner({
      env: { PATH: `${standIns}${delimiter}${process.env.PATH ?? ''}` },
      platform: 'linux',
    });
    const graphics = () =>
      Promise.resolve({ controllers: [{ model: 'NVIDIA GeForce RTX 4090', cores: '16384' }] });
    const { sample } = await readOnce(...linuxSources(exec, { graphics }));
    expect(sample.memory.totalBytes).toBeGreaterThan(0);
    expect(sample.from['memory.totalBytes']).toBe('proc-meminfo');
    expect(sample.gpu).toMatchObject({
      model: 'NVIDIA GeForce RTX 4090',
      cores: 16384,
      utilizationPct: 37,
      powerW: 215.31,
      freqMHz: 2520,
      inUseMemoryBytes: 10240 * 2 ** 20,
    });
    // macOS-only readouts are absent with a reason, never zero.
    expect(sample.memory.wiredBytes).toBeNull();
    expect(sample.memory.pressure).toBeNull();
    expect(sample.absent['memory.pressure']?.code).toBe('metrics-no-source');
  });

  it('leaves every GPU readout absent with a reason where there is no GPU tool', async () => {
    const dir = await temporaryDir();
    const meminfo = join(dir, 'meminfo');
    await writeFile(meminfo, 'MemTotal: 1000 kB\nMemAvailable: 250 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n');
    const exec = createExecRunner({ env: { PATH: dir }, platform: 'linux' });
    const graphics = () => Promise.resolve({ controllers: [] });
    const { sample } = await readOnce(...linuxSources(exec, { meminfoPath: meminfo, graphics }));
    expect(sample.memory).toMatchObject({ totalBytes: 1024000, usedBytes: 768000, freePct: 25 });
    expect(sample.gpu).toEqual({
      model: null,
      cores: null,
      metalFamily: null,
      utilizationPct: null,
      powerW: null,
      freqMHz: null,
      inUseMemoryBytes: null,
    });
    expect(sample.absent['gpu.powerW']?.code).toBe('metrics-no-source');
    expect(sample.absent['gpu.model']?.message).toMatch(/systeminformation found none/);
  });
});

describe('Ollama /api/ps', () => {
  it('reads the running models, and old servers without size_vram', async () => {
    const current = await fixture(recordingFiles.ollamaPs);
    const old = await fixture('ollama_api_ps.cpu_only_old.json');
    let body = current;
    const url = await httpServer((_request, response) => response.writeHead(200).end(body));
    const collector = collectorOf(ollamaPsSource(fixedUrl(url)));
    const first = await collector.collect();
    expect(first.ollama).toMatchObject({
      ok: true,
      value: [{ name: 'llama3.3:70b' }, { name: 'nomic-embed-text:latest' }],
    });
    body = old;
    collector.invalidate();
    expect((await collector.collect()).ollama).toEqual({
      ok: true,
      value: [{ name: 'qwen2.5:0.5b', sizeBytes: 994000000, vramBytes: 0 }],
    });
  });

  it('says Ollama is not answering when nothing listens, and names an HTTP error or garbage', async () => {
    const dead = await closedPort();
    expect((await collectorOf(ollamaPsSource(fixedUrl(dead))).collect()).ollama).toMatchObject({
      ok: false,
      reason: { code: 'metrics-ollama-not-answering', params: { address: new URL(dead).host } },
    });
    const failing = await httpServer((_request, response) => response.writeHead(500).end('{}'));
    expect((await collectorOf(ollamaPsSource(fixedUrl(failing))).collect()).ollama).toMatchObject({
      ok: false,
      reason: { code: 'metrics-source-failed', message: 'ollama: GET /api/ps answered HTTP 500' },
    });
    const garbage = await httpServer((_request, response) => response.writeHead(200).end('<html>'));
    expect((await collectorOf(ollamaPsSource(fixedUrl(garbage))).collect()).ollama).toMatchObject({
      ok: false,
      reason: { code: 'metrics-source-failed' },
    });
  });

  it('gives up on a server that never answers, within its own deadline', async () => {
    const silent = await httpServer(() => undefined);
    const outcome = (await collectorOf(ollamaPsSource(fixedUrl(silent), { timeoutMs: 300 })).collect())
      .ollama;
    expect(outcome).toMatchObject({ ok: false, reason: { code: 'metrics-ollama-not-answering' } });
    expect(outcome?.ok === false && outcome.reason.message).toMatch(/timed out/);
  });
});

describe('the VM’s share', () => {
  it('reads the configured memory from the instance’s lima.yaml, with Lima’s default when unset', async () => {
    const limaHome = await temporaryDir();
    const collector = collectorOf(vmConfigSource(limaHome, 32 * 2 ** 30));
    expect((await collector.collect()).vmConfig).toMatchObject({
      ok: false,
      reason: { code: 'vm-not-created' },
    });
    await mkdir(join(limaHome, 'clawbar'));
    await writeFile(join(limaHome, 'clawbar', 'lima.yaml'), 'vmType: vz\nmemory: "6GiB"\n');
    collector.invalidate();
    expect((await collector.collect()).vmConfig).toEqual({ ok: true, value: 6 * 2 ** 30 });
    await writeFile(join(limaHome, 'clawbar', 'lima.yaml'), 'vmType: vz\n');
    collector.invalidate();
    expect((await collector.collect()).vmConfig).toEqual({ ok: true, value: 4 * 2 ** 30 });
    await writeFile(join(limaHome, 'clawbar', 'lima.yaml'), 'memory: [unclosed\n');
    collector.invalidate();
    expect((await collector.collect()).vmConfig).toMatchObject({
      ok: false,
      reason: { code: 'metrics-source-failed' },
    });
  });

  it('sums the OpenClaw pods’ memory from the metrics API, and says when the cluster is not there', async () => {
    const dir = await temporaryDir();
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    const collector = collectorOf(podMemorySource(kubeconfig));
    expect((await collector.collect()).podMemory).toMatchObject({
      ok: false,
      reason: { code: 'metrics-cluster-unavailable' },
    });

    let status = 200;
    const paths: string[] = [];
    const url = await httpServer((request, response) => {
      paths.push(request.url ?? '');
      response.writeHead(status, { 'content-type': 'application/json' }).end(
        JSON.stringify(
          status === 200
            ? {
                kind: 'PodMetricsList',
                apiVersion: 'metrics.k8s.io/v1beta1',
                metadata: {},
                items: [
                  {
                    metadata: { name: 'gateway' },
                    containers: [{ name: 'openclaw', usage: { cpu: '5m', memory: '524288Ki' } }],
                  },
                  {
                    metadata: { name: 'proxy' },
                    containers: [
                      { name: 'squid', usage: { cpu: '1m', memory: '64Mi' } },
                      { name: 'exporter', usage: { cpu: '0', memory: '1048576' } },
                    ],
                  },
                ],
              }
            : {
                kind: 'Status',
                code: status,
                message: 'the server is currently unable to handle the request',
              },
        ),
      );
    });
    await writeFile(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        // Plain HTTP needs skip-TLS in client-node; the real k3s endpoint is HTTPS.
        `clusters: [{ name: clawbar, cluster: { server: "${url}", insecure-skip-tls-verify: true } }]`,
        'users: [{ name: clawbar, user: { token: "not-a-real-token" } }]',
        'contexts: [{ name: clawbar, context: { cluster: clawbar, user: clawbar } }]',
        'current-context: clawbar',
      ].join('\n'),
    );
    collector.invalidate();
    expect((await collector.collect()).podMemory).toEqual({
      ok: true,
      value: 512 * 2 ** 20 + 64 * 2 ** 20 + 2 ** 20,
    });
    expect(paths).toEqual(['/apis/metrics.k8s.io/v1beta1/namespaces/openclaw/pods']);

    // A broken kubeconfig: the YAML error quotes the line with the token, which must not get out.
    const token = 'tok-5f1e2d3c';
    await writeFile(
      kubeconfig,
      `apiVersion: v1\nusers:\n- name: x\n  user:\n    token: "${token}\n   bad: [\n`,
    );
    collector.invalidate();
    const broken = (await collector.collect()).podMemory;
    expect(broken).toMatchObject({ ok: false, reason: { code: 'metrics-cluster-unavailable' } });
    expect(JSON.stringify(broken)).toContain('unreadable kubeconfig');
    expect(JSON.stringify(broken)).not.toContain(token.slice(0, 8));

    await writeFile(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{ name: clawbar, cluster: { server: "${url}", insecure-skip-tls-verify: true } }]`,
        'users: [{ name: clawbar, user: { token: "not-a-real-token" } }]',
        'contexts: [{ name: clawbar, context: { cluster: clawbar, user: clawbar } }]',
        'current-context: clawbar',
      ].join('\n'),
    );
    status = 503; // metrics-server not ready yet
    collector.invalidate();
    expect((await collector.collect()).podMemory).toMatchObject({
      ok: false,
      reason: { code: 'metrics-cluster-unavailable' },
    });
  });
});
