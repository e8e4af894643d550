import type { KubernetesObject } from '@kubernetes/client-node';

import type { PolicyEnforcement, PolicyToggle, PolicyToggleId } from '../../../common/sandbox';

export interface ToggleDefinition {
  id: PolicyToggleId;
  desired: boolean;
  /** The NetworkPolicies this toggle renders when it is on (with the current settings). */
  whenOn: readonly KubernetesObject[];
}

/**
 * A toggle's state is what is on the server: `on` when every policy it renders exists and still
 * says what we render, `off` when none exists, `drifted` otherwise (one missing, or edited behind
 * our back: a rule added, a port changed). Pure: the ClusterService feeds it the watched policies.
 */
export function toggleStates(
  toggles: readonly ToggleDefinition[],
  server: readonly KubernetesObject[] | null,
  enforcement: Partial<Record<PolicyToggleId, PolicyEnforcement>> = {},
): PolicyToggle[] {
  return toggles.map(toggle => {
    const names = toggle.whenOn.map(policy => policy.metadata?.name ?? '');
    const base = {
      id: toggle.id,
      desired: toggle.desired,
      policies: names,
      enforcement: enforcement[toggle.id] ?? 'unknown',
    } as const;
    if (!server) return { ...base, server: 'unknown', drift: [] };
    const drift: PolicyToggle['drift'] = [];
    let present = 0;
    for (const wanted of toggle.whenOn) {
      const found = server.find(policy => policy.metadata?.name === wanted.metadata?.name);
      if (!found) {
        drift.push({ policy: wanted.metadata?.name ?? '', problem: 'missing' });
        continue;
      }
      present += 1;
      if (!contains(specOf(found), specOf(wanted))) {
        drift.push({ policy: wanted.metadata?.name ?? '', problem: 'changed' });
      }
    }
    if (present === 0) return { ...base, server: 'off', drift: [] };
    if (drift.length === 0) return { ...base, server: 'on', drift: [] };
    return { ...base, server: 'drifted', drift };
  });
}

function specOf(object: KubernetesObject): unknown {
  return (object as { spec?: unknown }).spec ?? {};
}

/**
 * Whether `actual` says everything `expected` says: objects may carry more keys (server defaults
 * such as `protocol: TCP`), arrays must have the same length (an added rule is a change).
 */
export function contains(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, index) => contains(actual[index], item))
    );
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const record = actual as Record<string, unknown>;
    return Object.entries(expected as Record<string, unknown>).every(([key, value]) =>
      contains(record[key], value),
    );
  }
  return actual === expected;
}
