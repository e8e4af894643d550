import { describe, expect, it, vi } from 'vitest';

import { ClawbarError } from '../../common/errors';
import type { AppState } from '../../common/state';
import type { VmOperation, VmOperationKind } from '../../common/vm-model';
import { createLogger, MemorySink } from '../services/platform/log';
import { runningState, stoppedState, vmOperation, withComponents } from './test-support/app-states';
import { createTrayActions, openClawUrl, type TrayActionDependencies } from './tray-actions';

function finished(kind: VmOperationKind, status: VmOperation['status']): VmOperation {
  return vmOperation({ kind, status, step: 'ready' });
}

function setup(state: AppState, vmOutcome: VmOperation['status'] = 'succeeded') {
  const sink = new MemorySink();
  const begin = vi.fn((kind: VmOperationKind) => ({
    operationId: `op-${kind}`,
    done: Promise.resolve(finished(kind, vmOutcome)),
  }));
  const deps = {
    state: () => state,
    vm: { begin },
    ollama: { startServer: vi.fn(() => Promise.resolve()), stopServer: vi.fn(() => Promise.resolve()) },
    restartGateway: vi.fn(() => Promise.resolve()),
    setPolicy: vi.fn(() => Promise.resolve()),
    openControlRoom: vi.fn(),
    openExternal: vi.fn(() => Promise.resolve()),
    createDiagnostics: vi.fn(() => Promise.resolve()),
    quit: vi.fn(),
    log: createLogger({ sinks: [sink] }),
  } satisfies TrayActionDependencies;
  return { deps, sink, actions: createTrayActions(deps) };
}

describe('Start all', () => {
  it('starts the VM and Ollama when they are stopped', async () => {
    const { deps, actions } = setup(stoppedState());
    await actions.startAll();
    expect(deps.vm.begin).toHaveBeenCalledWith('start');
    expect(deps.ollama.startServer).toHaveBeenCalledOnce();
  });

  it('leaves alone what already runs, and an Ollama that is not installed', async () => {
    const { deps, actions } = setup(
      withComponents(runningState(), { ollama: 'not-installed', proxy: 'degraded' }),
    );
    await actions.startAll();
    expect(deps.vm.begin).not.toHaveBeenCalled();
    expect(deps.ollama.startServer).not.toHaveBeenCalled();
  });

  it('restarts a crashed Ollama', async () => {
    const { deps, actions } = setup(withComponents(runningState(), { ollama: 'crashed' }));
    await actions.startAll();
    expect(deps.ollama.startServer).toHaveBeenCalledOnce();
  });

  it('a VM start that fails is logged (AppState shows it); a refused one rejects', async () => {
    const failed = setup(stoppedState(), 'failed');
    await failed.actions.startAll();
    expect(failed.sink.text).toContain('VM start from the tray ended failed');
    const busy = setup(stoppedState());
    busy.deps.vm.begin.mockImplementation(() => {
      throw new ClawbarError('vm-busy', 'The VM is busy (stop, stopping)');
    });
    await expect(busy.actions.startAll()).rejects.toMatchObject({ code: 'vm-busy' });
    // Ollama was still started: one failing part does not hold the other back.
    expect(busy.deps.ollama.startServer).toHaveBeenCalledOnce();
  });
});

describe('Stop all', () => {
  it('stops the VM and the Ollama Clawbar started', async () => {
    const state = runningState();
    const { deps, actions } = setup({
      ...state,
      llm: { ...state.llm, ollama: { ...state.llm.ollama, ownership: 'owned' } },
    });
    await actions.stopAll();
    expect(deps.vm.begin).toHaveBeenCalledWith('stop');
    expect(deps.ollama.stopServer).toHaveBeenCalledOnce();
  });

  it('never stops an Ollama someone else started', async () => {
    const state = runningState();
    const { deps, actions } = setup({
      ...state,
      llm: { ...state.llm, ollama: { ...state.llm.ollama, ownership: 'adopted' } },
    });
    await actions.stopAll();
    expect(deps.ollama.stopServer).not.toHaveBeenCalled();
  });
});

describe('the other items', () => {
  it('pass through to their service', async () => {
    const { deps, actions } = setup(runningState());
    await actions.restartGateway();
    await actions.setPolicy('local-models', false);
    actions.openControlRoom({ x: 1, y: 0, width: 24, height: 24 });
    actions.quit();
    expect(deps.restartGateway).toHaveBeenCalledOnce();
    expect(deps.setPolicy).toHaveBeenCalledWith('local-models', false);
    expect(deps.openControlRoom).toHaveBeenCalledWith({ x: 1, y: 0, width: 24, height: 24 });
    expect(deps.quit).toHaveBeenCalledOnce();
  });

  it('Open OpenClaw opens the loopback port-forward in the browser', async () => {
    const { deps, actions } = setup(runningState());
    await actions.openOpenClaw();
    expect(deps.openExternal).toHaveBeenCalledWith('http://127.0.0.1:18789/');
  });

  it('refuses to open a port-forward address that is not loopback', () => {
    const state = runningState();
    expect(() =>
      openClawUrl({
        ...state,
        cluster: {
          ...state.cluster,
          portForward: { ...state.cluster.portForward, address: '0.0.0.0:18789' },
        },
      }),
    ).toThrow(/not on loopback/);
  });

  it('Run self-test says so when there is no self-test yet, and runs it once there is', async () => {
    const { actions } = setup(runningState());
    await expect(actions.runSelfTest()).rejects.toThrow(/not available/);
    const { deps } = setup(runningState());
    const runSelfTest = vi.fn(() => Promise.resolve());
    await createTrayActions({ ...deps, runSelfTest }).runSelfTest();
    expect(runSelfTest).toHaveBeenCalledOnce();
  });
});
