import { userInfo } from 'node:os';

import si from 'systeminformation';

import type { AppStateStore } from '../app-state';
import type { FetchLike } from '../llm/ollama-client';
import type { ExecRunner } from '../platform/exec';
import type { Logger } from '../platform/log';
import type { AppPaths } from '../platform/paths';
import type { SettingsStore } from '../platform/settings-store';
import { Collector, type MetricsSource } from './collector';
import { darwinCommands, darwinSources, type DarwinCommands } from './darwin-sources';
import { linuxSources, type GraphicsProbe } from './linux-sources';
import { MetricsService } from './metrics-service';
import { ollamaPsSource } from './ollama-ps-source';
import { PowerManager, type PowerEnvironment } from './power-manager';
import { DarwinPowerSource } from './power-streams';
import { macosPowerPaths, PowerSetup, type PowerSetupPaths } from './power-setup';
import { failure, reasons } from './readings';
import { replaySources } from './replay-sources';
import { podMemorySource, vmConfigSource } from './vm-share-sources';

/** How the readouts are sourced; every adapter is injectable (tests, the demo). */
export interface MetricsOptions {
  /** Which machine's live sources to use; default: this one's. */
  platform?: NodeJS.Platform;
  /** The demo's simulated Mac: recordings that move, and stand-in tools for the power setup. */
  recording?: { dir: string; refresh: () => Promise<void>; powerPaths: PowerSetupPaths };
  darwinCommands?: DarwinCommands;
  powerPaths?: PowerSetupPaths;
  user?: string;
  graphics?: GraphicsProbe;
  meminfoPath?: string;
  historyCapacity?: number;
  idleStopMs?: number;
  sourceTimeoutMs?: number;
  streamBackoffMs?: number;
}

export interface MetricsDependencies {
  exec: ExecRunner;
  paths: AppPaths;
  settings: SettingsStore;
  state: AppStateStore;
  log: Logger;
  /** The Ollama server to read running models from, asked at every poll. */
  ollamaUrl: () => URL;
  fetch?: FetchLike;
  options?: MetricsOptions;
}

export function createMetricsService({
  exec,
  paths,
  settings,
  state,
  log,
  ollamaUrl,
  fetch,
  options = {},
}: MetricsDependencies): MetricsService {
  const platform = options.platform ?? process.platform;
  const recording = options.recording;
  const setup = new PowerSetup({
    exec,
    platform: recording ? 'darwin' : platform,
    user: options.user ?? currentUser(),
    paths: recording?.powerPaths ?? options.powerPaths ?? macosPowerPaths,
    log: log.child('power'),
  });
  const streamOptions = {
    exec,
    log: log.child('stream'),
    ...(options.streamBackoffMs === undefined ? {} : { initialBackoffMs: options.streamBackoffMs }),
  };
  const shared: MetricsSource[] = [vmConfigSource(paths.limaHome), podMemorySource(paths.kubeconfig)];

  let sources: MetricsSource[];
  let environment: PowerEnvironment;
  // Set once built; the recording's sources ask it for the permission's state.
  const power: { manager?: PowerManager } = {};
  if (recording) {
    // A recording without powermetrics output, on a Mac without the permission, needs the permission.
    const needsSetup = () => power.manager?.lastStatus?.setup === 'not-installed';
    sources = [
      ...replaySources(recording.dir).map(source => explainMissingPower(source, needsSetup)),
      ...shared,
    ];
    environment = { kind: 'recording' };
  } else if (platform === 'darwin') {
    const power = new DarwinPowerSource(setup, streamOptions);
    sources = [
      ...darwinSources(exec, options.darwinCommands ?? darwinCommands),
      power,
      ollamaPsSource(ollamaUrl, fetch ? { fetch } : {}),
      ...shared,
    ];
    environment = { kind: 'live', source: power };
  } else {
    sources = [
      ...linuxSources(exec, {
        ...(options.meminfoPath ? { meminfoPath: options.meminfoPath } : {}),
        graphics: options.graphics ?? (() => si.graphics()),
      }),
      ollamaPsSource(ollamaUrl, fetch ? { fetch } : {}),
      ...shared,
    ];
    environment = { kind: 'other', hasNvidia: async () => (await exec.which('nvidia-smi')) !== undefined };
  }

  const collector = new Collector(sources, {
    log: log.child('collector'),
    ...(options.sourceTimeoutMs === undefined ? {} : { timeoutMs: options.sourceTimeoutMs }),
    ...(recording ? { beforeCollect: recording.refresh } : {}),
  });
  const manager = new PowerManager(setup, environment, collector);
  power.manager = manager;
  return new MetricsService({
    collector,
    power: manager,
    settings,
    state,
    log,
    ...(options.historyCapacity === undefined ? {} : { historyCapacity: options.historyCapacity }),
    ...(options.idleStopMs === undefined ? {} : { idleStopMs: options.idleStopMs }),
  });
}

function explainMissingPower(source: MetricsSource, needsSetup: () => boolean): MetricsSource {
  if (!source.keys.includes('powermetrics')) return source;
  return {
    ...source,
    read: async signal => {
      const readings = await source.read(signal);
      const outcome = readings.powermetrics;
      return outcome && !outcome.ok && outcome.reason.code === 'metrics-not-recorded' && needsSetup()
        ? { ...readings, powermetrics: failure(reasons.needsPowerSetup()) }
        : readings;
    },
  };
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? '';
  }
}
