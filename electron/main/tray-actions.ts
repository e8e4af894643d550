import { ClawbarError } from '../../common/errors';
import type { PolicyToggleId } from '../../common/sandbox';
import type { AppState } from '../../common/state';
import type { VmOperation, VmOperationKind } from '../../common/vm-model';
import type { Logger } from '../services/platform/log';
import { vmIsUp } from './tray-menu';
import type { TrayActions } from './tray-reconciler';
import type { Rect } from './window-position';

/**
 * What the tray's items do, mapped onto the services. app.ts gives the real services; tests give
 * fakes. "Start all" and "Stop all" cover the VM (and so everything inside it) and the Ollama
 * server Clawbar runs; a server someone else started is never stopped.
 */
export interface TrayActionDependencies {
  state: () => AppState;
  vm: { begin(kind: VmOperationKind): { operationId: string; done: Promise<VmOperation> } };
  ollama: { startServer(): Promise<unknown>; stopServer(): Promise<unknown> };
  /** `cluster:restart` of the gateway Deployment. */
  restartGateway: () => Promise<unknown>;
  /** Records the user's wish for a network toggle; the cluster service applies it. */
  setPolicy: (id: PolicyToggleId, on: boolean) => Promise<unknown>;
  /** The sandbox self-test (issue 7); absent until it exists, and the item stays disabled. */
  runSelfTest?: () => Promise<unknown>;
  /** Writes a diagnostics bundle and shows it in the Finder. */
  createDiagnostics: () => Promise<void>;
  /** The gateway's Control UI with its token (`install:control-ui-url`). */
  controlUiUrl?: () => Promise<string>;
  openControlRoom: (near?: Rect) => void;
  openExternal: (url: string) => Promise<void>;
  quit: () => void;
  log: Logger;
}

/** Ollama states from which "Start all" (re)starts it: not while it runs, nor when it is not installed. */
const ollamaStartable = new Set(['stopped', 'crashed', 'error']);

/** The OpenClaw Control UI through Clawbar's port-forward, which only ever listens on loopback. */
export function openClawUrl(state: AppState): string {
  const address = state.cluster.portForward.address;
  if (!/^127\.0\.0\.1:\d{1,5}$/.test(address)) {
    throw new ClawbarError('invalid-input', `The gateway's port-forward is not on loopback (${address}).`);
  }
  return `http://${address}/`;
}

export function createTrayActions(deps: TrayActionDependencies): TrayActions {
  /** Waits for a VM operation; a failure stays visible in AppState (vm.operation), and is logged. */
  const runVm = async (kind: VmOperationKind): Promise<void> => {
    const outcome = await deps.vm.begin(kind).done;
    if (outcome.status !== 'succeeded') {
      deps.log.warn(`VM ${kind} from the tray ended ${outcome.status}`, {
        step: outcome.step,
        code: outcome.error?.code ?? null,
      });
    }
  };
  const all = async (tasks: Promise<void>[]): Promise<void> => {
    const failures = (await Promise.allSettled(tasks)).filter(
      (result): result is PromiseRejectedResult => result.status === 'rejected',
    );
    if (failures[0]) throw failures[0].reason;
  };
  return {
    startAll: () => {
      const state = deps.state();
      const tasks: Promise<void>[] = [];
      if (!vmIsUp(state)) tasks.push(runVm('start'));
      if (ollamaStartable.has(state.components.ollama.state)) {
        tasks.push(deps.ollama.startServer().then(() => undefined));
      }
      return all(tasks);
    },
    stopAll: () => {
      const state = deps.state();
      const tasks: Promise<void>[] = [runVm('stop')];
      if (state.llm.ollama.ownership === 'owned') tasks.push(deps.ollama.stopServer().then(() => undefined));
      return all(tasks);
    },
    restartGateway: async () => {
      await deps.restartGateway();
    },
    setPolicy: async (id, on) => {
      await deps.setPolicy(id, on);
    },
    openControlRoom: near => {
      deps.openControlRoom(near);
    },
    openOpenClaw: async () =>
      deps.openExternal(deps.controlUiUrl ? await deps.controlUiUrl() : openClawUrl(deps.state())),
    createDiagnostics: () => deps.createDiagnostics(),
    runSelfTest: async () => {
      if (!deps.runSelfTest)
        throw new ClawbarError('invalid-input', 'The sandbox self-test is not available yet.');
      await deps.runSelfTest();
    },
    quit: () => {
      deps.quit();
    },
  };
}
