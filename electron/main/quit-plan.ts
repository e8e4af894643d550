import type { Settings } from '../../common/settings';
import type { AppState } from '../../common/state';
import type { VmOperation } from '../../common/vm-model';
import type { Logger } from '../services/platform/log';

/**
 * What Quit does. Always: the services stop (log streams and port-forwards close, the Ollama
 * server Clawbar started stops; one it adopted keeps running). The VM keeps running unless the
 * user chose "stop everything on quit": then it is stopped first, and quitting may take longer.
 */
export interface QuitPlan {
  stopVm: boolean;
  /** How long the quit waits for all of it before the app exits anyway. */
  deadlineMs: number;
}

export const quitDeadlines = {
  services: 10_000,
  /** A graceful Lima stop of a busy guest takes tens of seconds. */
  stopVm: 90_000,
  /** How long a VM operation in flight (a start) gets to cancel before the stop. */
  cancelOperation: 15_000,
};

export function planQuit(settings: Pick<Settings, 'stopEverythingOnQuit'>, state: AppState): QuitPlan {
  const vm = state.components.vm.state;
  const operation = state.vm.operation;
  const vmUp =
    vm === 'running' ||
    vm === 'degraded' ||
    vm === 'starting' ||
    state.vm.instance?.status === 'Running' ||
    (operation?.status === 'running' && operation.kind !== 'stop' && operation.kind !== 'delete');
  const stopVm = settings.stopEverythingOnQuit && vmUp;
  return {
    stopVm,
    deadlineMs: stopVm ? quitDeadlines.stopVm + quitDeadlines.cancelOperation : quitDeadlines.services,
  };
}

/** The part of the services Quit drives (Services from electron/services/services.ts). */
export interface QuittableServices {
  vm: {
    shutdown(deadlineMs?: number): Promise<void>;
    perform(kind: 'stop'): Promise<VmOperation>;
  };
  dispose(): Promise<void>;
}

/** Carries the plan out; never throws, so the remaining steps always run. */
export async function stopForQuit(services: QuittableServices, plan: QuitPlan, log: Logger): Promise<void> {
  if (plan.stopVm) {
    try {
      // A start still running is cancelled first: the VM service runs one operation at a time.
      await services.vm.shutdown(quitDeadlines.cancelOperation);
      const outcome = await services.vm.perform('stop');
      if (outcome.status === 'succeeded') log.info('VM stopped on quit');
      else
        log.warn('Stopping the VM on quit did not succeed', { status: outcome.status, step: outcome.step });
    } catch (error) {
      log.warn('Could not stop the VM on quit', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  await services.dispose();
}
