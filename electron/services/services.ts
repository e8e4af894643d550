import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

import type { AppInfo } from '../../common/contract';
import { defaultSettings } from '../../common/settings';
import { type AppState, initialAppState } from '../../common/state';
import { AppStateStore } from './app-state';
import { ClientHub } from './ipc/clients';
import type { Handlers } from './ipc/dispatch';
import { createHandlers } from './ipc/handlers';
import { ClusterService } from './cluster/cluster-service';
import { KubeConnection } from './cluster/kube-connection';
import { sourceManifestsDir } from './cluster/manifests-dir';
import { SandboxNetwork } from './cluster/sandbox-network';
import { sandboxImages } from './cluster/sandbox-params';
import { SandboxRenderer } from './cluster/sandbox-renderer';
import { currentOpenClawModelWiring } from './llm/openclaw-providers';
import { clusterSandbox } from './install/cluster-sandbox';
import { installPlan, type InstallTiming } from './install/install-plan';
import { InstallService } from './install/install-service';
import { SelfTestService } from './install/self-test';
import { vmDefaults } from './install/vm-size';
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
import { redactor } from './platform/redact';
import { KeychainSecretStore, keychainCommand, keychainService } from './platform/secret-store';
import { SettingsStore } from './platform/settings-store';
import { appVersion, productName } from './platform/version';
import { SecretsService } from './secrets/secrets-service';
import { StatusPoller } from './status-poller';
import { DiagnosticsService } from './support/diagnostics-service';
import {
  ollamaInstallRecordFile,
  unmanagedLoginItem,
  UninstallService,
  type LoginItemPort,
} from './support/uninstall';
import { macHostFacts, type HostFacts } from './vm/host-facts';
import { readKubeconfig } from './vm/kubeconfig';
import { LimaDriver } from './vm/lima-driver';
import { LimactlLocator } from './vm/limactl-locator';
import { systemProcessTable, type ProcessTable } from './vm/process-table';
import type { StageDeadlines } from './vm/vm-operation';
import { VmService } from './vm/vm-service';
import { k3sVersion } from './vm/vm-template';

export interface ServicesOptions {
  /** The sandbox's manifests: `<resources>/manifests` in the packaged app, the repository's otherwise. */
  manifestsDir?: string;
  /** Where the gateway appears on the Mac (127.0.0.1); 18789 unless the demo or a test picks a free port. */
  gatewayLocalPort?: number;
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
  installTiming?: Partial<InstallTiming>;
  /** Where diagnostics bundles go: the user's Downloads in the app; `<data>/diagnostics` by default. */
  diagnosticsDir?: string;
  /** Launch at login, which only the Electron app can change; elsewhere the uninstall says so. */
  loginItem?: LoginItemPort;
  /** Stops writing the log file (the uninstall removes the log folder); default: only flushes. */
  closeLogFiles?: () => Promise<void>;
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
  readonly cluster: ClusterService;
  readonly network: SandboxNetwork;
  readonly selfTest: SelfTestService;
  readonly secrets: SecretsService;
  readonly install: InstallService;
  readonly diagnostics: DiagnosticsService;
  readonly uninstall: UninstallService;
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
      initialAppState(
        { version: appVersion, mode: options.mode, startedAt: new Date().toISOString() },
        {
          ollama: initialOllama.origin,
          lmStudio: options.lmStudioUrl
            ? new URL(options.lmStudioUrl).host
            : `127.0.0.1:${defaultSettings().lmStudio.port}`,
        },
      ),
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
    installRecordFile: ollamaInstallRecordFile(paths),
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
  const hostFacts = options.hostFacts ?? macHostFacts(exec);
  const vm = disposables.add(
    new VmService({
      paths,
      userHome: options.userHome ?? mac.userHome,
      env,
      driver,
      host: hostFacts,
      settings,
      state,
      hub,
      log: log.child('vm'),
      ...(options.vmDeadlines ? { deadlines: options.vmDeadlines } : {}),
      ...(options.readiness ? { readiness: options.readiness } : {}),
    }),
  );
  const renderer = new SandboxRenderer({
    manifestsDir: options.manifestsDir ?? sourceManifestsDir,
    settings: () => settings.current,
    wiring: () =>
      currentOpenClawModelWiring({
        settings: settings.current,
        models,
        lmStudioModels: state.snapshot.llm.lmstudio.models,
      }),
  });
  const cluster = disposables.add(
    new ClusterService({
      state,
      hub,
      log: log.child('cluster'),
      readKubeconfig: () => readKubeconfig(paths.kubeconfig),
      renderer,
      ...(options.gatewayLocalPort === undefined ? {} : { gatewayLocalPort: options.gatewayLocalPort }),
    }),
  );
  disposables.add(vm.onDidChangeK3s(({ ready }) => void cluster.onK3sChanged(ready)));
  // The demo's Keychain is the stand-in on its PATH; a Mac's is always the system's own tool.
  const secretStore = new KeychainSecretStore({
    exec,
    command: options.mode === 'demo' ? 'security' : keychainCommand,
    log: log.child('keychain'),
    ...(options.platform ? { platform: options.platform } : {}),
  });
  const secrets = disposables.add(
    new SecretsService({
      store: secretStore,
      cluster: {
        installed: () => state.snapshot.cluster.installed,
        busy: () => cluster.operations.busy,
        updateSecret: values => cluster.updateSecret(values),
      },
      log: log.child('secrets'),
    }),
  );
  const network = disposables.add(
    new SandboxNetwork({
      cluster,
      settings,
      renderer,
      secretKeys: () => secrets.providerKeyNames(),
      log: log.child('network'),
      onBlocked: blocked => hub.broadcast('proxy:blocked', blocked),
    }),
  );
  const selfTest = new SelfTestService({
    cluster,
    network,
    settings,
    state,
    log: log.child('selftest'),
    ...fetchOption,
  });
  const install = disposables.add(
    new InstallService({
      steps: installPlan({
        vm,
        ollama,
        models,
        settings,
        secrets,
        sandbox: clusterSandbox({
          cluster,
          state,
          renderer,
          secretKeys: () => secrets.providerKeyNames(),
          runSelfTest: signal => selfTest.run(signal),
        }),
        ...(options.installTiming ? { timing: options.installTiming } : {}),
      }),
      stateFile: join(paths.stateDir, 'install.json'),
      state,
      hub,
      secrets,
      gatewayAddress: () => cluster.portForward.address,
      vmDefaults: () => vmDefaults(hostFacts, settings.current, paths.home),
      log: log.child('install'),
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

  const userHome = options.userHome ?? mac.userHome;
  const diagnostics = new DiagnosticsService({
    outputDir: options.diagnosticsDir ?? join(paths.home, 'diagnostics'),
    onProgress: progress => hub.broadcast('support:diagnose-progress', progress),
    sources: {
      get info() {
        return info;
      },
      paths,
      env,
      state: () => state.snapshot,
      settings: () => settings.current,
      lima: driver,
      vm,
      cluster: {
        namespace: cluster.namespace,
        // The CLI has not waited for the cluster service to connect: its own connection will do.
        connection: async () => {
          if (cluster.connection) return cluster.connection;
          const text = await readKubeconfig(paths.kubeconfig);
          return text ? new KubeConnection(text) : null;
        },
      },
      network,
      secrets: secretStore,
      kubeconfigs: async () => [
        { label: 'kubeconfig.yaml', text: await readKubeconfig(paths.kubeconfig) },
        {
          label: "Lima's kubeconfig copy",
          text: await readFile(driver.copiedKubeconfigPath, 'utf8').catch(() => undefined),
        },
      ],
      redactor,
      log: log.child('diagnostics'),
    },
  });
  const uninstall = new UninstallService({
    paths,
    userHome,
    env,
    state: () => state.snapshot,
    lima: driver,
    vm,
    cluster: { namespace: cluster.namespace, connection: () => cluster.connection },
    secrets: secretStore,
    keychainService,
    ollama,
    power: metrics,
    loginItem: options.loginItem ?? unmanagedLoginItem,
    quiesce: async () => {
      // No status probe may run limactl in a LIMA_HOME being removed, nor an install write its state.
      poller.dispose();
      await poller.poll();
      await install.shutdown();
    },
    closeLogs: options.closeLogFiles ?? (() => log.flush()),
    log: log.child('uninstall'),
  });

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
    pinned: { k3s: k3sVersion, images: { ...sandboxImages } },
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
    cluster,
    network,
    selfTest,
    secrets,
    install,
    diagnostics,
    uninstall,
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
      cluster,
      network,
      selfTest,
      secrets,
      install,
      diagnostics,
      uninstall,
    }),
    async start() {
      const view = await settings.load();
      state.update(current => ({ ...current, settings: { recovery: view.recovery } }));
      vm.start(view.settings);
      await Promise.all([poller.start(), ollama.start(), metrics.start(), install.load()]);
      state.flush();
    },
    async dispose() {
      // First, while everything else still works: stop the Ollama server Clawbar started (only that).
      // An operation in flight is cancelled and given a moment to leave the VM in a known state.
      // A running install stops where it is and saves its state (it resumes next time).
      await Promise.all([install.shutdown(), ollama.dispose(), vm.shutdown(), cluster.operations.shutdown()]);
      disposables.dispose();
      await log.flush();
    },
  };
}
