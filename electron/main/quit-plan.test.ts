import { describe, expect, it, vi } from 'vitest';

import type { VmOperation } from '../../common/vm-model';
import { createLogger, MemorySink } from '../services/platform/log';
import { planQuit, quitDeadlines, stopForQuit, type QuittableServices } from './quit-plan';
import {
  notInstalledState,
  runningState,
  stoppedState,
  vmOperation,
  withComponents,
  withVmOperation,
} from './test-support/app-states';

const keep = { stopEverythingOnQuit: false };
const stopAll = { stopEverythingOnQuit: true };

function operation(status: VmOperation['status']): VmOperation {
  return vmOperation({ kind: 'stop', status, step: 'stopping', done: 1, total: 1 });
}

/** The services as Quit sees them; every call lands in `calls`, in order. */
function fakeServices(stopOutcome: VmOperation['status'] | Error = 'succeeded') {
  const calls: string[] = [];
  const services: QuittableServices = {
    vm: {
      shutdown: vi.fn((deadline?: number) => {
        calls.push(`vm.shutdown ${deadline}`);
        return Promise.resolve();
      }),
      perform: vi.fn((kind: 'stop') => {
        calls.push(`vm.${kind}`);
        return stopOutcome instanceof Error
          ? Promise.reject(stopOutcome)
          : Promise.resolve(operation(stopOutcome));
      }),
    },
    dispose: vi.fn(() => {
      calls.push('dispose');
      return Promise.resolve();
    }),
  };
  return { services, calls };
}

describe('planQuit', () => {
  it('keeps the VM running unless the user chose to stop everything', () => {
    expect(planQuit(keep, runningState())).toEqual({ stopVm: false, deadlineMs: quitDeadlines.services });
    expect(planQuit(stopAll, runningState())).toEqual({
      stopVm: true,
      deadlineMs: quitDeadlines.stopVm + quitDeadlines.cancelOperation,
    });
  });

  it('stops a VM that is still starting, or degraded', () => {
    const starting = withVmOperation(withComponents(stoppedState(), { vm: 'starting' }), { kind: 'start' });
    expect(planQuit(stopAll, starting).stopVm).toBe(true);
    expect(planQuit(stopAll, withComponents(runningState(), { vm: 'degraded' })).stopVm).toBe(true);
  });

  it('has nothing to stop when the VM is stopped, stopping, or does not exist', () => {
    expect(planQuit(stopAll, stoppedState()).stopVm).toBe(false);
    expect(planQuit(stopAll, notInstalledState()).stopVm).toBe(false);
    const stopping = withVmOperation(withComponents(stoppedState(), { vm: 'stopping' }), { kind: 'stop' });
    expect(planQuit(stopAll, stopping)).toEqual({ stopVm: false, deadlineMs: quitDeadlines.services });
  });
});

describe('stopForQuit', () => {
  it('without stopping the VM: only the services stop (our own Ollama with them)', async () => {
    const { services, calls } = fakeServices();
    await stopForQuit(services, planQuit(keep, runningState()), createLogger({ sinks: [] }));
    expect(calls).toEqual(['dispose']);
  });

  it('stopping everything: cancels what runs, stops the VM, then the services', async () => {
    const { services, calls } = fakeServices();
    const sink = new MemorySink();
    await stopForQuit(services, planQuit(stopAll, runningState()), createLogger({ sinks: [sink] }));
    expect(calls).toEqual([`vm.shutdown ${quitDeadlines.cancelOperation}`, 'vm.stop', 'dispose']);
    expect(sink.text).toContain('VM stopped on quit');
  });

  it('a VM stop that fails or is refused still lets the services stop', async () => {
    for (const outcome of ['failed', new Error('The VM is busy (start, booting)')] as const) {
      const { services, calls } = fakeServices(outcome);
      const sink = new MemorySink();
      await stopForQuit(services, planQuit(stopAll, runningState()), createLogger({ sinks: [sink] }));
      expect(calls.at(-1)).toBe('dispose');
      expect(sink.records.some(record => record.level === 'warn')).toBe(true);
    }
  });
});
