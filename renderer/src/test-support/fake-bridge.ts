import { buildApi } from '../../../common/api';
import type {
  EventName,
  EventPayload,
  InvokeChannel,
  InvokeInput,
  InvokeOutput,
} from '../../../common/contract';
import type { MetricsSample } from '../../../common/metrics';
import type { Result } from '../../../common/result';
import { defaultSettings } from '../../../common/settings';
import { type AppState, initialAppState } from '../../../common/state';
import { initialInstallSummary } from '../../../common/install';
import type { Bridge } from '../bridge';
import type { ConnectionStatus } from '../ws-client';

/**
 * A typed fake of the bridge for renderer tests: each channel answers through a handler the test
 * provides (typed by the contract), calls are recorded, and events can be pushed.
 */
export type FakeHandlers = {
  [C in InvokeChannel]?: (
    input: InvokeInput<C>,
  ) => Result<InvokeOutput<C>> | Promise<Result<InvokeOutput<C>>>;
};

export interface FakeBridge extends Bridge {
  calls: { channel: InvokeChannel; input: unknown }[];
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  setStatus(status: ConnectionStatus): void;
}

export function fakeBridge(handlers: FakeHandlers, status: ConnectionStatus = 'open'): FakeBridge {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  const calls: FakeBridge['calls'] = [];
  let current = status;
  const api = buildApi({
    invoke: async (channel, input) => {
      calls.push({ channel, input });
      const handler = handlers[channel] as
        ((input: unknown) => Result<unknown> | Promise<Result<unknown>>) | undefined;
      if (!handler)
        return { ok: false, error: { code: 'unknown-channel', message: `no fake for ${channel}` } };
      return handler(input);
    },
    on: (event, listener) => {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  });
  return {
    api,
    kind: 'devhost',
    calls,
    connection: {
      get status() {
        return current;
      },
      onStatus: listener => {
        statusListeners.add(listener);
        return () => statusListeners.delete(listener);
      },
    },
    emit: (event, payload) => {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    setStatus: next => {
      current = next;
      for (const listener of statusListeners) listener(next);
    },
  };
}

export function sampleAppState(overrides: Partial<AppState> = {}): AppState {
  const initial = initialAppState(
    { version: '0.1.0', mode: 'demo', startedAt: '2026-12-03T10:00:00.000Z' },
    { ollama: 'http://127.0.0.1:11434', lmStudio: '127.0.0.1:1234' },
  );
  return {
    ...initial,
    revision: 1,
    // Someone who left the onboarding: the control room's tests start on the control room.
    install: { ...initialInstallSummary(), onboardingDismissed: true },
    components: {
      vm: { state: 'not-created', reason: { code: 'vm-not-created', message: 'No Lima instance.' } },
      k3s: { state: 'not-created', reason: { code: 'needs-vm', message: 'needs the VM' } },
      gateway: { state: 'not-created', reason: { code: 'needs-vm', message: 'needs the VM' } },
      proxy: { state: 'not-created', reason: { code: 'needs-vm', message: 'needs the VM' } },
      ollama: {
        state: 'running',
        version: '0.12.6',
        since: '2026-12-03T09:58:00.000Z',
        reason: { code: 'ollama-answering', message: 'up', params: { address: '127.0.0.1:11434' } },
      },
      lmstudio: {
        state: 'stopped',
        reason: { code: 'lmstudio-not-answering', message: 'down', params: { address: '127.0.0.1:1234' } },
      },
    },
    metrics: {
      power: {
        source: null,
        setup: 'not-installed',
        command: '/usr/bin/powermetrics --samplers cpu_power,gpu_power,thermal -i 1000 -f plist',
        rule: 'me ALL=(root) NOPASSWD: /usr/bin/powermetrics --samplers cpu_power\\,gpu_power\\,thermal -i 1000 -f plist',
        rulePath: '/etc/sudoers.d/clawbar-powermetrics',
        reason: { code: 'metrics-needs-power-setup', message: 'needs the rule' },
      },
    },
    llm: {
      ...initial.llm,
      ollama: {
        ...initial.llm.ollama,
        ownership: 'adopted',
        binary: {
          path: '/Applications/Ollama.app/Contents/Resources/ollama',
          source: 'app',
          version: '0.12.6',
        },
      },
    },
    ...overrides,
  };
}

export const sampleInfo: InvokeOutput<'app:get-info'> = {
  name: 'Clawbar',
  version: '0.1.0',
  mode: 'demo',
  platform: 'darwin',
  arch: 'arm64',
  versions: { node: '20.19.0', electron: null, chrome: null },
  pinned: {
    k3s: 'v1.35.0+k3s1',
    images: {
      openclaw: 'ghcr.io/openclaw/openclaw:2026.7.1-2-slim',
      squid: 'docker.io/ubuntu/squid:6.6-24.04_beta',
      busybox: 'docker.io/library/busybox:1.37.0',
    },
  },
  paths: {
    home: '/Users/me/Library/Application Support/Clawbar',
    settings: '/Users/me/Library/Application Support/Clawbar/settings.json',
    logs: '/Users/me/Library/Application Support/Clawbar/logs',
    lima: '/Users/me/Library/Application Support/Clawbar/lima',
    kubeconfig: '/Users/me/Library/Application Support/Clawbar/kubeconfig.yaml',
  },
};

export function sampleSettingsView(): InvokeOutput<'settings:get'> {
  return { settings: defaultSettings(), recovery: null };
}

/** A sample as the M3 Ultra fixtures give it, before the power permission. */
export function sampleMetrics(overrides: Partial<MetricsSample> = {}): MetricsSample {
  return {
    at: '2026-12-03T10:00:00.000Z',
    intervalMs: 1000,
    gpu: {
      model: 'Apple M3 Ultra',
      cores: 80,
      metalFamily: 'Metal 3',
      utilizationPct: 94,
      powerW: null,
      freqMHz: null,
      inUseMemoryBytes: 51539607552,
    },
    memory: {
      totalBytes: 274877906944,
      usedBytes: 114353504256,
      wiredBytes: 68719476736,
      compressedBytes: 2147483648,
      swapUsedBytes: 117702656,
      swapTotalBytes: 1073741824,
      freePct: 72,
      pressure: 'normal',
      gpuWiredLimitMiB: 0,
    },
    models: [
      { name: 'llama3.3:70b', sizeBytes: 49392123904, vramBytes: 49392123904 },
      { name: 'nomic-embed-text:latest', sizeBytes: 849379328, vramBytes: 0 },
    ],
    vm: { configuredBytes: null, podUsageBytes: null },
    from: { 'gpu.utilizationPct': 'ioreg', 'memory.usedBytes': 'vm_stat' },
    absent: {
      'gpu.powerW': { code: 'metrics-needs-power-setup', message: 'needs the rule' },
      'gpu.freqMHz': { code: 'metrics-needs-power-setup', message: 'needs the rule' },
      'vm.configuredBytes': { code: 'vm-not-created', message: 'no VM' },
      'vm.podUsageBytes': {
        code: 'metrics-cluster-unavailable',
        message: 'metrics API: no kubeconfig',
        params: { message: 'no kubeconfig' },
      },
    },
    ...overrides,
  };
}
