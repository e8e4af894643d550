import type { AppState, ComponentState } from '../../../../common/state';

/**
 * What is wrong, in a sentence or two under the overall health word. Only the root cause of a
 * chain is named: a stopped VM also stops k3s and the pods, so "the VM is not running" says it all.
 */
export type SandboxPart = 'vm' | 'k3s' | 'gateway' | 'proxy';

export type HealthProblem =
  | { kind: 'crashed' | 'error' | 'degraded' | 'stopped' | 'starting' | 'stopping'; part: SandboxPart }
  | { kind: 'missing'; part: 'vm' | 'sandbox' }
  | { kind: 'port-forward'; address: string }
  | { kind: 'policy-not-enforced' | 'policy-drifted' };

type StateProblem = Exclude<HealthProblem['kind'], 'port-forward' | 'policy-not-enforced' | 'policy-drifted'>;

const problemOfState: Record<ComponentState, StateProblem | null> = {
  running: null,
  crashed: 'crashed',
  error: 'error',
  degraded: 'degraded',
  unknown: 'degraded',
  stopped: 'stopped',
  'not-created': 'missing',
  'not-installed': 'missing',
  starting: 'starting',
  stopping: 'stopping',
};

function problemOf(part: SandboxPart, state: ComponentState): HealthProblem | null {
  const kind = problemOfState[state];
  if (!kind) return null;
  if (kind === 'missing') return { kind, part: part === 'vm' ? 'vm' : 'sandbox' };
  return { kind, part };
}

export function healthProblems(state: AppState): HealthProblem[] {
  const { components, cluster } = state;
  // The chain: VM, then k3s in it, then the pods on k3s. A broken link hides what depends on it.
  for (const part of ['vm', 'k3s'] as const) {
    const problem = problemOf(part, components[part].state);
    if (problem) return [problem];
  }
  const problems: HealthProblem[] = [];
  for (const part of ['gateway', 'proxy'] as const) {
    const problem = problemOf(part, components[part].state);
    // Both pods missing is one problem: the sandbox is not installed.
    if (problem && !problems.some(known => sameProblem(known, problem))) problems.push(problem);
  }
  if (components.gateway.state === 'running' && cluster.portForward.state === 'error')
    problems.push({ kind: 'port-forward', address: cluster.portForward.address });
  if (cluster.connected) {
    if (cluster.policies.some(policy => policy.enforcement === 'not-enforced'))
      problems.push({ kind: 'policy-not-enforced' });
    else if (cluster.policies.some(policy => policy.server === 'drifted'))
      problems.push({ kind: 'policy-drifted' });
  }
  return problems;
}

function sameProblem(a: HealthProblem, b: HealthProblem): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

type Translate = (key: string, values?: Record<string, string>) => string;

/** A problem as a sentence in the UI language; `t` is i18next's (or common/i18n's translate). */
export function problemSentence(problem: HealthProblem, t: Translate): string {
  switch (problem.kind) {
    case 'missing':
      return t(`dashboardView.problems.missing.${problem.part}`);
    case 'port-forward':
      return t('dashboardView.problems.portForward', { address: problem.address });
    case 'policy-not-enforced':
      return t('dashboardView.problems.policyNotEnforced');
    case 'policy-drifted':
      return t('dashboardView.problems.policyDrifted');
    default:
      return t(`dashboardView.problems.${problem.kind}`, {
        subject: t(`dashboardView.subjects.${problem.part}`),
      });
  }
}
