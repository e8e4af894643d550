import type { AppInfo } from '../../../common/contract';
import type { LlmState } from '../../../common/state';
import type { AppStateStore } from '../app-state';
import type { MetricsService } from '../metrics/metrics-service';
import type { ModelManager } from '../llm/model-manager';
import type { OllamaService } from '../llm/ollama-service';
import type { SettingsStore } from '../platform/settings-store';
import type { VmService } from '../vm/vm-service';
import type { Handlers } from './dispatch';

export interface HandlerDependencies {
  state: AppStateStore;
  settings: SettingsStore;
  info: AppInfo;
  metrics: MetricsService;
  ollama: OllamaService;
  models: ModelManager;
  /** Looks for Ollama and LM Studio again, now. */
  detectLocalServers: () => Promise<LlmState>;
  vm: VmService;
}

/** Channel → service call. The Handlers type makes a channel without a handler a compile error. */
export function createHandlers({
  state,
  settings,
  info,
  metrics,
  ollama,
  models,
  detectLocalServers,
  vm,
}: HandlerDependencies): Handlers {
  return {
    'app:get-state': () => state.snapshot,
    'app:get-info': () => info,
    'settings:get': () => settings.view(),
    'settings:update': patch => settings.update(patch),
    'settings:dismiss-recovery': () => settings.dismissRecovery(),
    'metrics:watch': ({ watching }, { client }) => metrics.watch(client, watching),
    'metrics:get-history': input => metrics.getHistory(input?.limit),
    'metrics:setup-power': () => metrics.setupPower(),
    'metrics:remove-power': () => metrics.removePower(),
    'ollama:detect': () => detectLocalServers(),
    'ollama:start': async () => {
      await ollama.startServer();
      return state.snapshot.llm;
    },
    'ollama:stop': async () => (await ollama.stopServer(), state.snapshot.llm),
    'ollama:restart': async () => (await ollama.restartServer(), state.snapshot.llm),
    'ollama:install': () => ollama.installApp(),
    'ollama:cancel-install': () => ollama.cancelInstall(),
    'models:list': () => models.list(),
    'models:running': () => models.running(),
    'models:pull': ({ model }) => models.pull(model),
    'models:cancel-pull': ({ model }) => models.cancelPull(model),
    'models:delete': ({ model }) => models.delete(model),
    'models:show': ({ model }) => models.show(model),
    'models:test': ({ model }) => models.test(model),
    'models:fit': input => models.fit(input?.memoryBytes),
    // VM operations answer once started; progress and outcome come as `vm:progress` events.
    'vm:create': () => ({ operationId: vm.begin('create').operationId }),
    'vm:start': () => ({ operationId: vm.begin('start').operationId }),
    'vm:stop': () => ({ operationId: vm.begin('stop').operationId }),
    'vm:restart': () => ({ operationId: vm.begin('restart').operationId }),
    'vm:delete': () => ({ operationId: vm.begin('delete').operationId }),
    'vm:cancel': ({ operationId }) => vm.cancel(operationId),
    'vm:preflight': () => vm.preflight(),
  };
}
