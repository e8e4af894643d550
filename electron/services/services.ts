import { homedir } from 'node:os';

import type { AppInfo } from '../../common/contract';
import { defaultSettings } from '../../common/settings';
import { initialLlmState, type AppState } from '../../common/state';
import { initialVmView } from '../../common/vm-model';
import { AppStateStore } from './app-state';
import { ClientHub } from './ipc/clients';
import type { Handlers } from './ipc/dispatch';
import { createHandlers } from './ipc/handlers';
import { createMemoryFactsProvider, type MemoryFactsProvider } from './llm/memory-facts';
import { LmStudioService } from './llm/lmstudio-service';
import { ModelManager } from './llm/model-manager';
import { ollamaBaseUrl } from './llm/ollama-address';
import type { FetchLike } from './llm/ollama-client';
import { OllamaService } from './llm/ollama-service';
import type { SupervisorTimings } from './llm/server-supervisor';
import { createMetricsService, type MetricsOptions } from './metrics/create-metrics';
import type { MetricsService } from './metrics/metrics-service';
import { DisposableStore } from './platform/event';
import { createExecRunner, type ExecRunner } from './platform/exec';
import type { Logger } from './platform/log';
import type { AppPaths } from './platform/paths';
import { SettingsStore } from './platform/settings-store';
import { appVersion, productName } from './platform/version';
import { StatusPoller } from './status-poller';
import { macHostFacts, type HostFacts } from './vm/host-facts';
import { LimaDriver } from './vm/lima-driver';
import { LimactlLocator } from './vm/limactl-locator';
import { systemProcessTable, type ProcessTable } from './vm/process-table';
import type { StageDeadlines } from './vm/vm-operation';
import { VmService } from './vm/vm-service';

export interface ServicesOptions {
  paths: AppPaths;
  mode: AppState['app']['mode'];
  log: Logger;
  /** Environment for the tools services run (the demo puts its stand-ins first on PATH). */
  env?: NodeJS.ProcessEnv;
  /** Electron's versions when running inside it; null for Node-only fronts. */
  electronVersions?: { electron: string; chrome: string } | null;
  ollama?: {
    /** Talk to this address instead of the configured one (the demo world, `--host`). */
    url?: string | undefined;
    /** False: never start, stop or install Ollama (an address given with `--host`). */
    supervise?: boolean;
    /** Overrides settings.ollama.autoStart when the services start (the CLI passes false). */
    autoStart?: boolean;
    supervisorTimings?: Partial<SupervisorTimings>;
  };
  /** The LM Studio server to look at instead of 127.0.0.1 and the configured port (the demo). */
  lmStudioUrl?: string | undefined;
  /** Where this Mac's files are: `/` and the user's home; the demo simulates a Mac under its home. */
  mac?: { root: string; userHome: string };
  memory?: MemoryFactsProvider;
  platform?: NodeJS.Platform;
  fetch?: FetchLike;
  statusIntervalMs?: number;
  stateThrottleMs?: number;
  metrics?: MetricsOptions;
  /** The user's home (~/.openclaw is mounted into the VM); the demo gives a simulated one. */
  userHome?: string;
  /** The packaged app's bundled Lima (`<resources>/lima`); absent in development. */
  bundledLimaDir?: string | undefined;
  /** Facts about the Mac; the demo simulates one. */
  hostFacts?: HostFacts;
  processTable?: ProcessTable;
  vmDeadlines?: Partial<StageDeadlines>;
  readiness?: { pollMs?: number; requestTimeoutMs?: number; crashLoopRestarts?: number };
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
  readonly ollama: OllamaService;
  readonly models: ModelManager;
  readonly lmStudio: LmStudioService;
  readonly vm: VmService;
  /** Loads settings and lands the first round of status in AppState. */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * Builds every service with the adapters it is given. The Electron main process, the devhost and
 * the CLI all call this; only the adapters differ (real Mac, or the demo's stand-ins).
 */
export function createServices(options: ServicesOptions): Services {
  const { paths, log } = options;
  const env = options.env ?? process.env;
  const disposables = new DisposableStore();
  const exec = createExecRunner({ env });
  const settings = disposables.add(new SettingsStore(paths.settingsFile, log.child('settings')));
  const mac = options.mac ?? { root: '/', userHome: homedir() };
  const initialOllama = ollamaBaseUrl(defaultSettings().ollama, options.ollama?.url);
  const state = disposables.add(
    new AppStateStore(
      {
        app: { version: appVersion, mode: options.mode, startedAt: new Date().toISOString() },
        settings: { recovery: null },
        vm: initialVmView(),
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
        llm: initialLlmState(
          initialOllama.origin,
          options.lmStudioUrl
            ? new URL(options.lmStudioUrl).host
            : `127.0.0.1:${defaultSettings().lmStudio.port}`,
        ),
      },
      options.stateThrottleMs === undefined ? {} : { throttleMs: options.stateThrottleMs },
    ),
  );
  const hub = disposables.add(new ClientHub());
  const fetchOption = options.fetch ? { fetch: options.fetch } : {};
  const ollama = new OllamaService({
    state,
    settings,
    exec,
    env,
    log: log.child('ollama'),
    locations: mac,
    cacheDir: paths.cacheDir,
    addressOverride: options.ollama?.url,
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.ollama?.supervise === undefined ? {} : { supervise: options.ollama.supervise }),
    ...(options.ollama?.autoStart === undefined ? {} : { autoStart: options.ollama.autoStart }),
    ...(options.ollama?.supervisorTimings ? { supervisorTimings: options.ollama.supervisorTimings } : {}),
    ...(options.statusIntervalMs === undefined ? {} : { monitorIntervalMs: options.statusIntervalMs }),
    ...fetchOption,
  });
  const models = disposables.add(
    new ModelManager({
      client: () => ollama.client(),
      settings,
      state,
      memory:
        options.memory ??
        createMemoryFactsProvider({ exec, ...(options.platform ? { platform: options.platform } : {}) }),
      log: log.child('models'),
    }),
  );
  const lmStudio = new LmStudioService({
    state,
    settings,
    exec,
    locations: mac,
    urlOverride: options.lmStudioUrl,
    ...fetchOption,
  });
  const metrics = disposables.add(
    createMetricsService({
      exec,
      paths,
      settings,
      state,
      log: log.child('metrics'),
      ollamaUrl: () => ollama.baseUrl,
      ...fetchOption,
      ...(options.metrics ? { options: options.metrics } : {}),
    }),
  );
  const driver = new LimaDriver({
    exec,
    limaHome: paths.limaHome,
    locator: new LimactlLocator({
      exec,
      bundledLimaDir: options.bundledLimaDir,
      settingsPath: () => settings.current.vm.limactlPath,
    }),
    processes: options.processTable ?? systemProcessTable(exec),
    log: log.child('lima'),
  });
  const vm = disposables.add(
    new VmService({
      paths,
      userHome: options.userHome ?? mac.userHome,
      env,
      driver,
      host: options.hostFacts ?? macHostFacts(exec),
      settings,
      state,
      hub,
      log: log.child('vm'),
      ...(options.vmDeadlines ? { deadlines: options.vmDeadlines } : {}),
      ...(options.readiness ? { readiness: options.readiness } : {}),
    }),
  );
  const poller = disposables.add(
    new StatusPoller(
      [() => vm.probe(), () => lmStudio.detect()],
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
  disposables.add(models.onDidPullProgress(progress => hub.broadcast('models:pull-progress', progress)));
  disposables.add(
    ollama.onDidInstallProgress(progress => hub.broadcast('ollama:install-progress', progress)),
  );
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
    ollama,
    models,
    lmStudio,
    vm,
    handlers: createHandlers({
      state,
      settings,
      info,
      metrics,
      ollama,
      models,
      detectLocalServers: async () => {
        const [, lmStudioUpdate] = await Promise.all([ollama.detect(), lmStudio.detect({ force: true })]);
        if (lmStudioUpdate.lmstudio) state.setComponent('lmstudio', lmStudioUpdate.lmstudio);
        return state.snapshot.llm;
      },
      vm,
    }),
    async start() {
      const view = await settings.load();
      state.update(current => ({ ...current, settings: { recovery: view.recovery } }));
      vm.start(view.settings);
      await Promise.all([poller.start(), ollama.start(), metrics.start()]);
      state.flush();
    },
    async dispose() {
      // First, while everything else still works: stop the Ollama server Clawbar started (only that).
      // An operation in flight is cancelled and given a moment to leave the VM in a known state.
      await Promise.all([ollama.dispose(), vm.shutdown()]);
      disposables.dispose();
      await log.flush();
    },
  };
}
