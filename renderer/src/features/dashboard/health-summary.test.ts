import { describe, expect, it } from 'vitest';

import { translate } from '../../../../common/i18n';
import type { AppState, ComponentState } from '../../../../common/state';
import { sampleAppState } from '../../test-support/fake-bridge';
import { healthProblems, problemSentence, type HealthProblem } from './health-summary';
import { runningSandbox } from './test-pods';

function withStates(
  state: AppState,
  states: Partial<Record<'vm' | 'k3s' | 'gateway' | 'proxy', ComponentState>>,
) {
  const components = { ...state.components };
  for (const [id, value] of Object.entries(states) as ['vm' | 'k3s' | 'gateway' | 'proxy', ComponentState][])
    components[id] = { state: value };
  return { ...state, components };
}

const english = (problems: HealthProblem[]) =>
  problems.map(problem => problemSentence(problem, (key, values) => translate('en', key, values)));
const french = (problems: HealthProblem[]) =>
  problems.map(problem => problemSentence(problem, (key, values) => translate('fr', key, values)));

describe('healthProblems', () => {
  it('finds nothing wrong when everything runs', () => {
    expect(healthProblems(runningSandbox())).toEqual([]);
  });

  it('says the gateway keeps crashing, in both languages', () => {
    const problems = healthProblems(withStates(runningSandbox(), { gateway: 'crashed' }));
    expect(problems).toEqual([{ kind: 'crashed', part: 'gateway' }]);
    expect(english(problems)).toEqual(['The OpenClaw gateway keeps crashing.']);
    expect(french(problems)).toEqual(['La passerelle OpenClaw plante sans cesse.']);
  });

  it('names only the root cause of a chain: a stopped VM, not the k3s and pods it took down', () => {
    const state = withStates(runningSandbox(), {
      vm: 'stopped',
      k3s: 'stopped',
      gateway: 'error',
      proxy: 'error',
    });
    expect(english(healthProblems(state))).toEqual(['The virtual machine is not running.']);
    const k3sDown = withStates(runningSandbox(), { k3s: 'degraded', gateway: 'unknown' });
    expect(english(healthProblems(k3sDown))).toEqual(['Kubernetes (k3s) is not working properly.']);
  });

  it('asks for the VM first when nothing is installed', () => {
    expect(english(healthProblems(sampleAppState()))).toEqual([
      'Create the virtual machine to install OpenClaw.',
    ]);
  });

  it('says once that the sandbox is not installed when both of its pods are missing', () => {
    const state = withStates(runningSandbox(), { gateway: 'not-installed', proxy: 'not-installed' });
    expect(english(healthProblems(state))).toEqual(['OpenClaw is not installed in the virtual machine yet.']);
  });

  it('lists a problem of each pod', () => {
    const state = withStates(runningSandbox(), { gateway: 'starting', proxy: 'error' });
    expect(english(healthProblems(state))).toEqual([
      'The OpenClaw gateway is starting.',
      'The egress proxy has failed: its card below says why.',
    ]);
  });

  it('warns of a failed port-forward while the gateway runs', () => {
    const state = runningSandbox();
    state.cluster.portForward = { ...state.cluster.portForward, state: 'error', error: 'EADDRINUSE' };
    expect(english(healthProblems(state))).toEqual([
      'The OpenClaw UI cannot be reached: forwarding 127.0.0.1:18789 failed.',
    ]);
  });

  it('warns of network limits that are not enforced, or were changed behind Clawbar’s back', () => {
    const notEnforced = runningSandbox();
    notEnforced.cluster.policies = notEnforced.cluster.policies.map(policy => ({
      ...policy,
      enforcement: 'not-enforced',
    }));
    expect(english(healthProblems(notEnforced))).toEqual([
      'The network limits are not enforced: see Network.',
    ]);
    const drifted = runningSandbox();
    drifted.cluster.policies = drifted.cluster.policies.map((policy, index) =>
      index === 0 ? { ...policy, server: 'drifted' } : policy,
    );
    expect(english(healthProblems(drifted))).toEqual([
      'A network policy was changed outside Clawbar: see Network.',
    ]);
  });

  it('ignores the policies while not connected to the cluster (nothing is known of them)', () => {
    const state = runningSandbox();
    state.cluster = {
      ...state.cluster,
      connected: false,
      policies: state.cluster.policies.map(policy => ({ ...policy, server: 'drifted' })),
    };
    expect(healthProblems(state)).toEqual([]);
  });
});
