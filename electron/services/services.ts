import type { AppInfo } from '../../common/contract';
import type { AppState } from '../../common/state';
import { AppStateStore } from './app-state';
import { ClientHub } from './ipc/clients';
import type { Handlers } from './ipc/dispatch';
import { createHandlers } from './ipc/handlers';
import { probeLmStudio, probeOllama, type FetchLike } from './llm/server-probe';
import { createMetricsService, type MetricsOptions } from './metrics/create-metrics';
import type { MetricsService } from './metrics/metrics-service';
import { DisposableStore } from './platform/event';
import { createExecRunner, type ExecRunner } from './platform/exec';
import type { Logger } from './platform/log';
import type { AppPaths } from './platform/paths';
import { SettingsStore } from './platform/settings-store';
import { appVersion, productName } from './platform/version';
import { StatusPoller } from './status-poller';
import { probeVmPresence } from './vm/vm-presence';

export interface ServicesOptions {
  paths: AppPaths;
  mode: AppState['app']['mode'];
  log: Logger;
  /** Environment for the tools services run (the demo puts its stand-ins first on PATH). */
  env?: NodeJS.ProcessEnv;
  /** Electron's versions when running inside it; null for Node-only fronts. */
  electronVersions?: { electron: string; chrome: string } | null;
  ollamaUrl?: string;
  lmStudioUrl?: string;
  fetch?: FetchLike;
  statusIntervalMs?: number;
  stateThrottleMs?: number;
  metrics?: MetricsOptions;
}

export interface Services {
  readonly paths: AppPaths;
  readonly log: Logger;
  readonly exec: ExecRunner;
  readonly settings: SettingsStore;
  readonly state: AppStateStore;
  readonly hub: ClientHub;
  readonly metrics: MetricsService;
  readonly handlers: Handlers;
  readonly info: AppInfo;
  /** Loads settings and lands the first round of status in AppState. */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export const defaultOllamaUrl = 'http://127.0.0.1:11434';
export const defaultLmStudioUrl = 'http://127.0.0.1:1234';

/**
 * Builds every service with the adapters it is given. The Electron main process, the devhost and
 * the CLI all call this; only the adapters differ (real Mac, or the demo's stand-ins).
 */
export function createServices(options: ServicesOptions): Services {
  const { paths, log } = options;
  const disposables = new DisposableStore();
  const exec = createExecRunner({ env: options.env ?? process.env });
  const settings = disposables.add(new SettingsStore(paths.settingsFile, log.child('settings')));
  const state = disposables.add(
    new AppStateStore(
      {
        app: { version: appVersion, mode: options.mode, startedAt: new Date().toISOString() },
        settings: { recovery: null },
        components: {
          vm: { state: 'unknown' },
          k3s: { state: 'unknown' },
          gateway: { state: 'unknown' },
          proxy: { state: 'unknown' },
          ollama: { state: 'unknown' },
          lmstudio: { state: 'unknown' },
        },
        metrics: {
          power: { source: null, setup: 'unavailable', command: null, rule: null, rulePath: null },
        },
      },
      options.stateThrottleMs === undefined ? {} : { throttleMs: options.stateThrottleMs },
    ),
  );
  const hub = disposables.add(new ClientHub());
  const metrics = disposables.add(
    createMetricsService({
      exec,
      paths,
      settings,
      state,
      log: log.child('metrics'),
      ollamaUrl: options.ollamaUrl ?? defaultOllamaUrl,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.metrics ? { options: options.metrics } : {}),
    }),
  );
  const probeOptions = options.fetch ? { fetch: options.fetch } : {};
  const poller = disposables.add(
    new StatusPoller(
      [
        () => probeVmPresence(paths.limaHome),
        () => probeOllama(options.ollamaUrl ?? defaultOllamaUrl, probeOptions),
        () => probeLmStudio(options.lmStudioUrl ?? defaultLmStudioUrl, probeOptions),
      ],
      state,
      log.child('status'),
      options.statusIntervalMs === undefined ? {} : { intervalMs: options.statusIntervalMs },
    ),
  );

  const info: AppInfo = {
    name: productName,
    version: appVersion,
    mode: options.mode,
    platform: process.platform,
    arch: process.arch,
    versions: {
      node: process.versions.node,
      electron: options.electronVersions?.electron ?? null,
      chrome: options.electronVersions?.chrome ?? null,
    },
    paths: {
      home: paths.home,
      settings: paths.settingsFile,
      logs: paths.logsDir,
      lima: paths.limaHome,
      kubeconfig: paths.kubeconfig,
    },
  };

  disposables.add(state.onDidChange(snapshot => hub.broadcast('state:changed', snapshot)));
  disposables.add(
    settings.onDidChange(view => {
      state.update(current => ({ ...current, settings: { recovery: view.recovery } }));
      hub.broadcast('settings:changed', view);
    }),
  );

  return {
    paths,
    log,
    exec,
    settings,
    state,
    hub,
    metrics,
    info,
    handlers: createHandlers({ state, settings, info, metrics }),
    async start() {
      const view = await settings.load();
      state.update(current => ({ ...current, settings: { recovery: view.recovery } }));
      await Promise.all([poller.start(), metrics.start()]);
      state.flush();
    },
    async dispose() {
      disposables.dispose();
      await log.flush();
    },
  };
}
