import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';

import { contains, toggleStates, type ToggleDefinition } from './policy-state';

function policy(name: string, spec: unknown): KubernetesObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name },
    spec,
  } as KubernetesObject;
}

const toProxy = policy('gateway-to-proxy', {
  podSelector: { matchLabels: { 'app.kubernetes.io/name': 'openclaw-gateway' } },
  policyTypes: ['Egress'],
  egress: [
    {
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'egress-proxy' } } }],
      ports: [{ port: 3128, protocol: 'TCP' }],
    },
  ],
});
const toInternet = policy('proxy-to-internet', {
  podSelector: { matchLabels: { 'app.kubernetes.io/name': 'egress-proxy' } },
  policyTypes: ['Egress'],
  egress: [
    {
      to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }],
      ports: [{ port: 443, protocol: 'TCP' }],
    },
  ],
});
const internet: ToggleDefinition = { id: 'internet', desired: true, whenOn: [toProxy, toInternet] };

/** What the server hands back: our spec plus its own defaults and metadata. */
function onServer(object: KubernetesObject): KubernetesObject {
  const copy = structuredClone(object) as KubernetesObject & { spec: { ingress?: unknown[] } };
  Object.assign(copy.metadata ?? {}, { uid: 'u', resourceVersion: '7', generation: 1 });
  return copy;
}

describe('toggleStates', () => {
  it('is on when every policy exists and says what we render, server additions aside', () => {
    const [state] = toggleStates([internet], [onServer(toProxy), onServer(toInternet)]);
    expect(state).toMatchObject({
      id: 'internet',
      server: 'on',
      drift: [],
      policies: ['gateway-to-proxy', 'proxy-to-internet'],
    });
  });

  it('is off when none exists, unknown when the server is not known', () => {
    expect(toggleStates([internet], [])[0]?.server).toBe('off');
    expect(toggleStates([internet], null)[0]?.server).toBe('unknown');
  });

  it('has drifted when one was deleted behind our back', () => {
    const [state] = toggleStates([internet], [onServer(toProxy)]);
    expect(state).toMatchObject({
      server: 'drifted',
      drift: [{ policy: 'proxy-to-internet', problem: 'missing' }],
    });
  });

  it('has drifted when one was edited: a port changed, or a rule added', () => {
    const portChanged = structuredClone(toInternet) as KubernetesObject & {
      spec: { egress: { ports: { port: number }[] }[] };
    };
    portChanged.spec.egress[0]!.ports[0]!.port = 8443;
    expect(toggleStates([internet], [onServer(toProxy), portChanged])[0]?.drift).toEqual([
      { policy: 'proxy-to-internet', problem: 'changed' },
    ]);
    const widened = structuredClone(toProxy) as KubernetesObject & { spec: { egress: unknown[] } };
    widened.spec.egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] });
    expect(toggleStates([internet], [widened, onServer(toInternet)])[0]).toMatchObject({
      server: 'drifted',
      drift: [{ policy: 'gateway-to-proxy', problem: 'changed' }],
    });
  });

  it('carries what the self-test found', () => {
    expect(toggleStates([internet], [], { internet: 'not-enforced' })[0]?.enforcement).toBe('not-enforced');
  });
});

describe('contains', () => {
  it('allows extra keys in objects but not extra items in arrays', () => {
    expect(contains({ a: 1, b: 2 }, { a: 1 })).toBe(true);
    expect(contains([1, 2], [1])).toBe(false);
    expect(contains({ a: [{ x: 1, y: 2 }] }, { a: [{ x: 1 }] })).toBe(true);
    expect(contains({ a: '1' }, { a: 1 })).toBe(false);
    expect(contains(null, {})).toBe(false);
  });
});
