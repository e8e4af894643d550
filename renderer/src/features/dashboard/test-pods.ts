import type { PodView } from '../../../../common/sandbox';
import type { AppState } from '../../../../common/state';
import { sampleAppState } from '../../test-support/fake-bridge';

/** Pods as services/cluster reports them, for the Dashboard's tests. */
export function pod(overrides: Partial<PodView> & Pick<PodView, 'name' | 'role'>): PodView {
  return {
    phase: 'Running',
    ready: true,
    restarts: 0,
    startedAt: '2026-12-03T07:00:00.000Z',
    podIp: '10.42.0.12',
    deleting: false,
    containers: [
      {
        name: overrides.role === 'gateway' ? 'gateway' : 'squid',
        init: false,
        image: 'ghcr.io/openclaw/openclaw:2026.11.2',
        ready: true,
        restarts: overrides.restarts ?? 0,
        state: 'running',
        reason: null,
        lastTermination: null,
      },
    ],
    ...overrides,
  };
}

/** A VM, k3s and both pods up: the state of a Mac where everything works. */
export function runningSandbox(overrides: { pods?: PodView[] } = {}): AppState {
  const base = sampleAppState();
  const since = '2026-12-03T06:00:00.000Z';
  const gatewayPod = pod({
    name: 'openclaw-gateway-7d9f-abcde',
    role: 'gateway',
    containers: [
      {
        name: 'seed-config',
        init: true,
        image: 'busybox:1.37',
        ready: false,
        restarts: 0,
        state: 'terminated',
        reason: 'Completed',
        lastTermination: null,
      },
      {
        name: 'gateway',
        init: false,
        image: 'ghcr.io/openclaw/openclaw:2026.11.2',
        ready: true,
        restarts: 0,
        state: 'running',
        reason: null,
        lastTermination: null,
      },
    ],
  });
  const proxyPod = pod({
    name: 'egress-proxy-5c4b-fghij',
    role: 'proxy',
    startedAt: '2026-12-03T07:30:00.000Z',
  });
  return {
    ...base,
    cluster: {
      ...base.cluster,
      connected: true,
      installed: true,
      pods: overrides.pods ?? [gatewayPod, proxyPod],
      policies: base.cluster.policies.map(policy => ({ ...policy, server: 'on', enforcement: 'enforced' })),
      portForward: { ...base.cluster.portForward, state: 'on' },
    },
    components: {
      ...base.components,
      vm: { state: 'running', since, reason: { code: 'vm-running', message: 'up' } },
      k3s: {
        state: 'running',
        since,
        version: 'v1.33.5+k3s1',
        reason: { code: 'k3s-ready', message: 'ready' },
      },
      gateway: {
        state: 'running',
        since,
        version: '2026.11.2',
        reason: { code: 'pod-running', message: 'ready', params: { pod: gatewayPod.name } },
      },
      proxy: {
        state: 'running',
        since,
        version: '6.13',
        reason: { code: 'pod-running', message: 'ready', params: { pod: proxyPod.name } },
      },
    },
  };
}
