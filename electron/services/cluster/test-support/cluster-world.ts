import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { initialAppState } from '../../../../common/state';
import type { EventName, EventPayload } from '../../../../common/contract';
import { startFakeKubeApi, type RunningFakeKubeApi } from '../../../../testing/fake-kube-api/server';
import { AppStateStore } from '../../app-state';
import { SelfTestService } from '../../install/self-test';
import { ClientHub, localClient } from '../../ipc/clients';
import { openClawModelWiring } from '../../llm/openclaw-providers';
import { createLogger, MemorySink } from '../../platform/log';
import { SettingsStore } from '../../platform/settings-store';
import { ClusterService } from '../cluster-service';
import { SandboxNetwork } from '../sandbox-network';
import { SandboxRenderer } from '../sandbox-renderer';
import { manifestsDir } from './sandbox-fixtures';
import { choosePort } from '../../platform/free-port';

export interface ClusterWorld {
  api: RunningFakeKubeApi;
  state: AppStateStore;
  settings: SettingsStore;
  cluster: ClusterService;
  network: SandboxNetwork;
  selfTest: SelfTestService;
  /** Everything the services logged, redacted as the real log is. */
  logs: MemorySink;
  /** Every event broadcast to clients. */
  events: { event: EventName; payload: unknown }[];
  gatewayPort: number;
  dispose(): Promise<void>;
}

/**
 * The cluster services against the fake Kubernetes API (over TLS with a client certificate, as
 * k3s): real client-node, real HTTP, the simulated kubelet running the rendered pods.
 */
export async function openClusterWorld(options: { timeScale?: number } = {}): Promise<ClusterWorld> {
  const home = await mkdtemp(join(tmpdir(), 'clawbar-cluster-'));
  const api = await startFakeKubeApi({ tls: true, timeScale: options.timeScale ?? 0.02 });
  const logs = new MemorySink();
  const log = createLogger({ sinks: [logs], level: 'debug' });
  const settings = new SettingsStore(join(home, 'settings.json'), log.child('settings'));
  await settings.load();
  const initial = initialAppState(
    { version: 'test', mode: 'demo', startedAt: new Date().toISOString() },
    { ollama: 'http://127.0.0.1:11434', lmStudio: '127.0.0.1:1234' },
  );
  // The world starts where the cluster service takes over: the VM and k3s are up.
  const state = new AppStateStore(
    {
      ...initial,
      components: { ...initial.components, vm: { state: 'running' }, k3s: { state: 'running' } },
    },
    { throttleMs: 0 },
  );
  const hub = new ClientHub();
  const events: ClusterWorld['events'] = [];
  const watcher = localClient('world', <E extends EventName>(event: E, payload: EventPayload<E>) =>
    events.push({ event, payload }),
  );
  hub.add(watcher);
  const renderer = new SandboxRenderer({
    manifestsDir,
    settings: () => settings.current,
    wiring: () =>
      Promise.resolve(
        openClawModelWiring({
          settings: settings.current,
          ollamaModels: [{ name: 'qwen3:4b', capabilities: ['completion', 'tools'] }],
          lmStudioModels: [],
        }),
      ),
  });
  const gatewayPort = await choosePort();
  const cluster = new ClusterService({
    state,
    hub,
    log: log.child('cluster'),
    readKubeconfig: () => Promise.resolve(api.kubeconfig),
    renderer,
    gatewayLocalPort: gatewayPort,
    rolloutDeadlineMs: 20_000,
    watchRetry: { retryInitialMs: 50, retryMaxMs: 200 },
    logTiming: { reconnectInitialMs: 20, reconnectMaxMs: 100 },
  });
  const network = new SandboxNetwork({
    cluster,
    settings,
    renderer,
    secretKeys: () => Promise.resolve([]),
    log: log.child('network'),
    onBlocked: blocked => hub.broadcast('proxy:blocked', blocked),
  });
  const selfTest = new SelfTestService({
    cluster,
    network,
    settings,
    state,
    log: log.child('selftest'),
    pollMs: 50,
  });
  return {
    api,
    state,
    settings,
    cluster,
    network,
    selfTest,
    logs,
    events,
    gatewayPort,
    dispose: async () => {
      await cluster.operations.shutdown(1000);
      network.dispose();
      cluster.dispose();
      watcher.dispose();
      hub.dispose();
      settings.dispose();
      state.dispose();
      await api.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` passes (or throws its last failure at the deadline). */
export async function eventually<T>(check: () => T | Promise<T>, deadlineMs = 15_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }
}
