import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { initialAppState } from '../../../common/state';
import type { MetricsSample } from '../../../common/metrics';
import { AppStateStore } from '../app-state';
import { localClient } from '../ipc/clients';
import { createExecRunner } from '../platform/exec';
import { createLogger } from '../platform/log';
import { SettingsStore } from '../platform/settings-store';
import { Collector } from './collector';
import { darwinSources } from './darwin-sources';
import { MetricsService } from './metrics-service';
import { ollamaPsSource } from './ollama-ps-source';
import { PowerManager } from './power-manager';
import { DarwinPowerSource } from './power-streams';
import { PowerSetup } from './power-setup';
import { recordingFiles } from './replay-sources';
import { fixedUrl, fixture, projectRoot, requireFixtures } from './test-fixtures';

/**
 * The live Mac path end to end, on Linux: the real exec runner spawns the stand-in ioreg, vm_stat,
 * sysctl and system_profiler each sample, and one long-running `sudo -n powermetrics …` (or macmon)
 * stream, all printing the recorded M3 Ultra outputs; Ollama is a local HTTP server.
 */
const standIns = join(projectRoot, 'testing', 'bin');
const log = createLogger({ sinks: [] });
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function ollamaServer(body: string): Promise<string> {
  const server: Server = createServer((request, response) => {
    if (request.url === '/api/ps') response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    else response.writeHead(404).end();
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>(resolve => server.close(() => resolve())));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

async function mac(options: { env?: NodeJS.ProcessEnv; macmon?: boolean; recording?: string } = {}) {
  const home = await mkdtemp(join(tmpdir(), 'clawbar-mac-'));
  cleanups.push(() => rm(home, { recursive: true, force: true }));
  const sudoersDir = join(home, 'sudoers.d');
  const exec = createExecRunner({
    env: {
      PATH: `${standIns}${delimiter}${process.env.PATH ?? ''}`,
      CLAWBAR_SUDOERS_DIR: sudoersDir,
      CLAWBAR_TELEMETRY_DIR: options.recording ?? requireFixtures(),
      ...options.env,
    },
    platform: 'linux',
  });
  const setup = new PowerSetup({
    exec,
    platform: 'darwin',
    user: userInfo().username,
    paths: {
      powermetrics: join(standIns, 'powermetrics'),
      sudo: join(standIns, 'sudo'),
      osascript: join(standIns, 'osascript'),
      visudo: join(standIns, 'visudo'),
      sudoersDir,
      macmonCandidates: options.macmon ? [join(standIns, 'macmon')] : [],
    },
    log,
  });
  const power = new DarwinPowerSource(setup, { exec, log, initialBackoffMs: 50 });
  const collector = new Collector(
    [
      ...darwinSources(exec, {
        ioreg: join(standIns, 'ioreg'),
        vmStat: join(standIns, 'vm_stat'),
        sysctl: join(standIns, 'sysctl'),
        systemProfiler: join(standIns, 'system_profiler'),
      }),
      power,
      ollamaPsSource(fixedUrl(await ollamaServer(await fixture(recordingFiles.ollamaPs)))),
    ],
    // Generous per-source deadlines: the machine running the tests is shared.
    { log, timeoutMs: 10_000 },
  );
  const settings = new SettingsStore(join(home, 'settings.json'), log);
  await settings.load();
  const state = new AppStateStore(
    initialAppState(
      { version: '0', mode: 'app', startedAt: new Date().toISOString() },
      { ollama: 'http://127.0.0.1:11434', lmStudio: '127.0.0.1:1234' },
    ),
  );
  const service = new MetricsService({
    collector,
    power: new PowerManager(setup, { kind: 'live', source: power }, collector),
    settings,
    state,
    log,
    idleStopMs: 0,
  });
  cleanups.push(() => service.dispose());
  await service.start();
  return { service, state, power, home };
}

/** Waits (with a deadline) for a pushed sample that satisfies the condition. */
async function sampleWhere(
  service: MetricsService,
  condition: (sample: MetricsSample) => boolean,
  timeoutMs = 20_000,
): Promise<MetricsSample> {
  const client = localClient(`test-${Math.random()}`);
  return new Promise<MetricsSample>((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      client.dispose();
      reject(
        new Error(
          `no matching sample within ${timeoutMs} ms; last: ${JSON.stringify(service.getHistory(1).samples[0])}`,
        ),
      );
    }, timeoutMs);
    const subscription = service.onDidSample(sample => {
      if (!condition(sample)) return;
      clearTimeout(timer);
      subscription.dispose();
      client.dispose();
      resolve(sample);
    });
    service.watch(client, true);
  });
}

describe('the live Mac sampler, against stand-in tools', () => {
  it('reads GPU, memory and models without root, and says power needs the permission', async () => {
    const { service, state } = await mac();
    expect(state.snapshot.metrics.power).toMatchObject({ source: null, setup: 'not-installed' });
    const sample = await sampleWhere(service, candidate => candidate.gpu.metalFamily !== null);
    expect(sample.gpu).toEqual({
      model: 'Apple M3 Ultra',
      cores: 80,
      metalFamily: 'Metal 3',
      utilizationPct: 94,
      powerW: null,
      freqMHz: null,
      inUseMemoryBytes: 51539607552,
    });
    expect(sample.memory).toEqual({
      totalBytes: 274877906944,
      usedBytes: 114353504256,
      wiredBytes: 68719476736,
      compressedBytes: 2147483648,
      swapUsedBytes: 117702656,
      swapTotalBytes: 1073741824,
      freePct: 72,
      pressure: 'normal',
      gpuWiredLimitMiB: 0,
    });
    expect(sample.models).toEqual([
      { name: 'llama3.3:70b', sizeBytes: 49392123904, vramBytes: 49392123904 },
      { name: 'nomic-embed-text:latest', sizeBytes: 849379328, vramBytes: 849379328 },
    ]);
    expect(sample.absent['gpu.powerW']?.code).toBe('metrics-needs-power-setup');
  });

  it('after the consented setup, streams power from one powermetrics process, and stops it on removal', async () => {
    const { service, state, power } = await mac();
    await service.setupPower();
    expect(state.snapshot.metrics.power).toMatchObject({ source: 'powermetrics', setup: 'installed' });
    const first = await sampleWhere(service, sample => sample.gpu.powerW !== null);
    expect(first.from['gpu.powerW']).toBe('powermetrics');
    expect([84.7124, 82.171]).toContain(first.gpu.powerW);
    expect(first.gpu.freqMHz).toBe(1337.895); // the GPU's DVFM residency mean, in MHz
    // Several samples later: still the same process, never one per sample.
    await sampleWhere(service, sample => sample.gpu.powerW !== first.gpu.powerW);
    expect(power.streamStarts).toBe(1);

    await service.removePower();
    expect(state.snapshot.metrics.power).toMatchObject({ source: null, setup: 'not-installed' });
    const after = await sampleWhere(service, sample => sample.gpu.powerW === null);
    expect(after.absent['gpu.powerW']?.code).toBe('metrics-needs-power-setup');
  });

  it('prefers macmon, the sudoless source, when it is installed', async () => {
    const { service, state } = await mac({ macmon: true });
    expect(state.snapshot.metrics.power.source).toBe('macmon');
    const sample = await sampleWhere(service, candidate => candidate.gpu.powerW !== null);
    expect(sample.from).toMatchObject({
      'gpu.powerW': 'macmon',
      'gpu.freqMHz': 'macmon',
      'gpu.utilizationPct': 'ioreg',
    });
    expect([84.712, 82.171]).toContain(sample.gpu.powerW);
  });

  it('keeps every other readout when sysctl does not know iogpu.wired_limit_mb (macOS 13)', async () => {
    const { service } = await mac({ env: { CLAWBAR_SYSCTL_UNKNOWN: 'iogpu.wired_limit_mb' } });
    const sample = await sampleWhere(service, () => true);
    expect(sample.memory).toMatchObject({ totalBytes: 274877906944, freePct: 72, gpuWiredLimitMiB: null });
    expect(sample.absent['memory.gpuWiredLimitMiB']?.code).toBe('metrics-no-source');
  });

  it('keeps sampling the others when a tool prints garbage', async () => {
    const recording = await mkdtemp(join(tmpdir(), 'clawbar-recording-'));
    cleanups.push(() => rm(recording, { recursive: true, force: true }));
    await cp(requireFixtures(), recording, { recursive: true });
    await writeFile(join(recording, recordingFiles.ioregText), '+-o Broken  <class Broken>\n    {\n    }\n');
    const { service } = await mac({ recording });
    const sample = await sampleWhere(service, () => true);
    expect(sample.gpu.utilizationPct).toBeNull();
    expect(sample.absent['gpu.utilizationPct']).toMatchObject({
      code: 'metrics-source-failed',
      message: 'ioreg: unexpected output (no IOAccelerator node with PerformanceStatistics)',
    });
    expect(sample.memory.usedBytes).toBe(114353504256);
  });
});
