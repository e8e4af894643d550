import { buildApi } from '../../../common/api';
import type {
  EventName,
  EventPayload,
  InvokeChannel,
  InvokeInput,
  InvokeOutput,
} from '../../../common/contract';
import type { Result } from '../../../common/result';
import { defaultSettings } from '../../../common/settings';
import { initialLlmState, type AppState } from '../../../common/state';
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
  return {
    revision: 1,
    app: { version: '0.1.0', mode: 'demo', startedAt: '2026-12-03T10:00:00.000Z' },
    settings: { recovery: null },
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
    llm: {
      ...initialLlmState('http://127.0.0.1:11434', '127.0.0.1:1234'),
      ollama: {
        ...initialLlmState('http://127.0.0.1:11434', '127.0.0.1:1234').ollama,
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
