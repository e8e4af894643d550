import type { AppInfo } from '../../../common/contract';
import { ClawbarError } from '../../../common/errors';
import type { ClusterOperation } from '../../../common/sandbox';
import type { LlmState } from '../../../common/state';
import type { AppStateStore } from '../app-state';
import type { ClusterService } from '../cluster/cluster-service';
import type { SandboxNetwork } from '../cluster/sandbox-network';
import type { InstallService } from '../install/install-service';
import type { SelfTestService } from '../install/self-test';
import type { MetricsService } from '../metrics/metrics-service';
import type { ModelManager } from '../llm/model-manager';
import type { OllamaService } from '../llm/ollama-service';
import type { SettingsStore } from '../platform/settings-store';
import type { SecretsService } from '../secrets/secrets-service';
import type { DiagnosticsService } from '../support/diagnostics-service';
import type { UninstallService } from '../support/uninstall';
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
  cluster: ClusterService;
  network: SandboxNetwork;
  selfTest: SelfTestService;
  secrets: SecretsService;
  install: InstallService;
  diagnostics: DiagnosticsService;
  uninstall: UninstallService;
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
  cluster,
  network,
  selfTest,
  secrets,
  install,
  diagnostics,
  uninstall,
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
    'cluster:restart': ({ target }) => ({ operationId: cluster.restart(target).operationId }),
    'cluster:rollback': ({ target }) => ({ operationId: cluster.rollback(target).operationId }),
    'cluster:cancel': ({ operationId }) => cluster.operations.cancel(operationId),
    'cluster:events': () => cluster.events(),
    'policies:list': () => network.list(),
    'policies:set': async ({ id, enabled }) => (await settled(network.set(id, enabled)), network.list()),
    'policies:repair': async () => (await settled(network.repair()), network.list()),
    'proxy:get-allowlist': () => network.allowlist(),
    'proxy:set-allowlist': async ({ presets, domains }) => (
      await settled(network.setAllowlist(presets, domains)),
      network.allowlist()
    ),
    'proxy:blocked': () => network.blocked.list(),
    'selftest:run': () => selfTest.run(),
    'logs:targets': () => cluster.logs.targets(),
    'logs:open': (input, { client }) => cluster.logs.open(client, input),
    'logs:close': ({ streamId }, { client }) => cluster.logs.close(streamId, client),
    'secrets:list': () => secrets.list(),
    'secrets:set': ({ name, value }) => secrets.set(name, value),
    'secrets:delete': ({ name }) => secrets.delete(name),
    'install:get-state': () => install.view,
    'install:start': input => install.start(input),
    'install:resume': () => install.resume(),
    'install:retry': ({ step }) => install.retry(step),
    'install:cancel': () => install.cancel(),
    'install:dismiss': () => install.dismissOnboarding(),
    'install:vm-defaults': () => install.vmDefaults(),
    'install:control-ui-url': () => install.controlUiUrl(),
    'support:diagnose': () => diagnostics.create(),
    'support:cancel-diagnose': () => diagnostics.cancel(),
    'support:uninstall-plan': () => uninstall.plan(),
    'support:uninstall': async ({ removeOpenclawState, removeOllama }) =>
      uninstall.execute(await uninstall.plan(), { removeOpenclawState, removeOllama }),
  };
}

/** A sandbox operation's failure becomes the call's error (its code and message, as they were). */
async function settled(operation: Promise<ClusterOperation>): Promise<void> {
  const outcome = await operation;
  if (outcome.status === 'failed' && outcome.error) {
    throw new ClawbarError(outcome.error.code, outcome.error.message, outcome.error.issues);
  }
  if (outcome.status === 'cancelled') throw new ClawbarError('cancelled', 'Cancelled.');
}
