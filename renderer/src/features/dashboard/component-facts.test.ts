import { describe, expect, it } from 'vitest';

import { sampleAppState } from '../../test-support/fake-bridge';
import { componentFacts, logsTargetFor, sandboxPod } from './component-facts';
import { pod, runningSandbox } from './test-pods';

describe('componentFacts', () => {
  it('takes a pod’s uptime from when the pod started, and its restarts', () => {
    const state = runningSandbox({
      pods: [
        pod({ name: 'egress-proxy-1', role: 'proxy', restarts: 4, startedAt: '2026-12-03T09:00:00.000Z' }),
      ],
    });
    expect(componentFacts('proxy', state)).toEqual({ upSince: '2026-12-03T09:00:00.000Z', restarts: 4 });
  });

  it('has no uptime for a pod that does not run, but still counts its restarts', () => {
    const state = runningSandbox({
      pods: [pod({ name: 'openclaw-gateway-1', role: 'gateway', ready: false, restarts: 7 })],
    });
    state.components.gateway = { state: 'crashed' };
    expect(componentFacts('gateway', state)).toEqual({ upSince: null, restarts: 7 });
  });

  it('knows no restarts of a pod that does not exist', () => {
    expect(componentFacts('gateway', sampleAppState())).toEqual({ upSince: null, restarts: null });
  });

  it('prefers the ready pod during a rollout, and ignores one being deleted', () => {
    const state = runningSandbox({
      pods: [
        pod({ name: 'openclaw-gateway-old', role: 'gateway', deleting: true }),
        pod({ name: 'openclaw-gateway-new', role: 'gateway', ready: true }),
        pod({ name: 'openclaw-gateway-next', role: 'gateway', ready: false }),
      ],
    });
    expect(sandboxPod(state, 'gateway')?.name).toBe('openclaw-gateway-new');
  });

  it('counts Ollama’s restarts only for the server Clawbar runs', () => {
    const adopted = sampleAppState();
    expect(componentFacts('ollama', adopted)).toEqual({
      upSince: '2026-12-03T09:58:00.000Z',
      restarts: null,
    });
    const owned = sampleAppState();
    owned.llm.ollama = { ...owned.llm.ollama, ownership: 'owned', restarts: 2 };
    expect(componentFacts('ollama', owned).restarts).toBe(2);
  });

  it('gives the VM and k3s their uptime from their last state change, while running', () => {
    const state = runningSandbox();
    expect(componentFacts('vm', state)).toEqual({ upSince: '2026-12-03T06:00:00.000Z', restarts: null });
    expect(componentFacts('lmstudio', state)).toEqual({ upSince: null, restarts: null });
  });
});

describe('logsTargetFor', () => {
  it('points at the gateway’s main container, not its init container', () => {
    expect(logsTargetFor(runningSandbox(), 'gateway')).toEqual({
      pod: 'openclaw-gateway-7d9f-abcde',
      container: 'gateway',
    });
    expect(logsTargetFor(runningSandbox(), 'proxy')).toEqual({
      pod: 'egress-proxy-5c4b-fghij',
      container: 'squid',
    });
  });

  it('has nowhere to point without a pod', () => {
    expect(logsTargetFor(sampleAppState(), 'proxy')).toBeNull();
  });
});
