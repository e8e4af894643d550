import { initialClusterView, type PodView, type PolicyToggle } from '../../../common/sandbox';
import { initialAppState, type AppState, type ComponentId, type ComponentState } from '../../../common/state';
import { initialVmView, type VmOperation } from '../../../common/vm-model';

/**
 * AppState snapshots for the tray, notification and lifecycle tests: everything running by
 * default (VM up, sandbox installed and connected, port-forward on), then shaped per test.
 */
export function runningState(): AppState {
  const cluster = initialClusterView();
  const initial = initialAppState(
    { version: '0.1.0', mode: 'app', startedAt: '2026-01-01T00:00:00.000Z' },
    { ollama: 'http://127.0.0.1:11434', lmStudio: '127.0.0.1:1234' },
  );
  return {
    ...initial,
    revision: 1,
    vm: {
      ...initialVmView(),
      limactl: {
        path: '/Applications/Clawbar.app/Contents/Resources/lima/bin/limactl',
        version: '2.0.3',
        source: 'bundled',
      },
      instance: { status: 'Running', cpus: 4, memoryGiB: 8, diskGiB: 60, apiPort: 6443 },
    },
    cluster: {
      ...cluster,
      connected: true,
      installed: true,
      policies: cluster.policies.map(policy => ({
        ...policy,
        server: 'on',
        enforcement: 'enforced',
        policies: [`allow-${policy.id}`],
      })),
      portForward: { ...cluster.portForward, state: 'on' },
    },
    components: {
      vm: { state: 'running' },
      k3s: { state: 'running' },
      gateway: { state: 'running' },
      proxy: { state: 'running' },
      ollama: { state: 'running' },
      lmstudio: { state: 'not-installed' },
    },
    install: {
      status: 'succeeded',
      step: null,
      percent: 100,
      completedAt: '2026-01-01T00:00:00.000Z',
      onboardingDismissed: false,
    },
  };
}

export function withComponents(
  state: AppState,
  states: Partial<Record<ComponentId, ComponentState>>,
): AppState {
  const components = { ...state.components };
  for (const [id, value] of Object.entries(states) as [ComponentId, ComponentState][]) {
    components[id] = { state: value };
  }
  return { ...state, components };
}

/** Everything stopped: the VM exists but does not run, so nothing inside it does either. */
export function stoppedState(): AppState {
  const state = withComponents(runningState(), {
    vm: 'stopped',
    k3s: 'stopped',
    gateway: 'stopped',
    proxy: 'stopped',
    ollama: 'stopped',
  });
  return {
    ...state,
    vm: { ...state.vm, instance: { status: 'Stopped' } },
    cluster: {
      ...initialClusterView(),
      portForward: { ...initialClusterView().portForward, state: 'off' },
    },
  };
}

/** A first run: no VM yet. */
export function notInstalledState(): AppState {
  const state = withComponents(stoppedState(), {
    vm: 'not-created',
    k3s: 'not-created',
    gateway: 'not-created',
    proxy: 'not-created',
  });
  return { ...state, vm: { ...state.vm, instance: null } };
}

/** A VM operation: a start in its booting stage unless told otherwise. */
export function vmOperation(change: Partial<VmOperation> = {}): VmOperation {
  return {
    id: 'op-1',
    kind: 'start',
    status: 'running',
    step: 'booting',
    done: 2,
    total: 5,
    detail: 'booting',
    seq: 3,
    startedAt: '2026-01-01T00:00:00.000Z',
    stepStartedAt: '2026-01-01T00:00:10.000Z',
    ...change,
  };
}

export function withVmOperation(state: AppState, change: Partial<VmOperation>): AppState {
  return { ...state, vm: { ...state.vm, operation: vmOperation(change) } };
}

export function withPolicy(state: AppState, id: PolicyToggle['id'], change: Partial<PolicyToggle>): AppState {
  return {
    ...state,
    cluster: {
      ...state.cluster,
      policies: state.cluster.policies.map(policy => (policy.id === id ? { ...policy, ...change } : policy)),
    },
  };
}

export function gatewayPod(change: Partial<PodView> = {}, reason: string | null = null): PodView {
  return {
    name: 'openclaw-gateway-7d9f-abcde',
    role: 'gateway',
    phase: 'Running',
    ready: reason === null,
    restarts: 0,
    startedAt: '2026-01-01T00:00:00.000Z',
    podIp: '10.42.0.12',
    containers: [
      {
        name: 'gateway',
        init: false,
        image: 'ghcr.io/openclaw/openclaw:2026.1.0',
        ready: reason === null,
        restarts: change.restarts ?? 0,
        state: reason === null ? 'running' : 'waiting',
        reason,
        lastTermination: null,
      },
    ],
    deleting: false,
    ...change,
  };
}

export function withPods(state: AppState, pods: PodView[]): AppState {
  return { ...state, cluster: { ...state.cluster, pods } };
}
