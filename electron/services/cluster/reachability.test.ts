import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { describe, expect, it } from 'vitest';

import { evaluateFlow, inCidr, sandboxEndpoints, sandboxFlows, type Flow } from './reachability';
import { renderManifests } from './render-manifests';
import {
  describeToggles,
  manifestsDir,
  paramsFor,
  toggleCombinations,
  type Toggles,
} from './test-support/sandbox-fixtures';

const { gateway, proxy, internet, mac } = sandboxEndpoints;

function policy(name: string, spec: INetworkPolicy['spec']): INetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: 'openclaw' },
    spec,
  };
}

const denyAll = policy('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
const tcp = (from: Flow['from'], to: Flow['to'], port: number): Flow => ({ from, to, port, protocol: 'TCP' });

describe('NetworkPolicy semantics', () => {
  it('allows everything when no policy selects the pod, and nothing under a deny-all', () => {
    expect(evaluateFlow([], tcp(gateway, internet, 443))).toMatchObject({ allowed: true, by: [] });
    const denied = evaluateFlow([denyAll], tcp(gateway, internet, 443));
    expect(denied).toMatchObject({ allowed: false, egress: { selectedBy: ['deny'], allowedBy: [] } });
    expect(denied.reason).toContain('egress of openclaw-gateway: isolated by deny');
  });

  it('isolates a direction only for the policy types a policy names', () => {
    const ingressOnly = policy('ingress-only', { podSelector: {}, policyTypes: ['Ingress'] });
    expect(evaluateFlow([ingressOnly], tcp(gateway, internet, 443)).allowed).toBe(true);
    // No policyTypes: Ingress, plus Egress because the policy has egress rules.
    const implicit = policy('implicit', {
      podSelector: {},
      egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }],
    });
    expect(evaluateFlow([implicit], tcp(gateway, internet, 443)).allowed).toBe(false);
    expect(evaluateFlow([implicit], tcp(proxy, gateway, 18789)).ingress?.allowed).toBe(false);
  });

  it('adds policies up: one allowing rule is enough, whatever else selects the pod', () => {
    const web = policy('web', {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'openclaw-gateway' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] }],
    });
    expect(evaluateFlow([denyAll, web], tcp(gateway, internet, 443))).toMatchObject({
      allowed: true,
      by: ['web'],
    });
    expect(evaluateFlow([denyAll, web], tcp(gateway, internet, 80)).allowed).toBe(false);
    expect(evaluateFlow([denyAll, web], tcp(proxy, internet, 443)).allowed).toBe(false);
  });

  it('matches ipBlock with its exceptions, and port ranges with endPort', () => {
    const ranged = policy('ranged', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }],
          ports: [{ protocol: 'TCP', port: 8000, endPort: 8100 }],
        },
      ],
    });
    const to = (ip: string) => ({ kind: 'external' as const, name: ip, ip });
    expect(evaluateFlow([ranged], tcp(gateway, to('1.1.1.1'), 8050)).allowed).toBe(true);
    expect(evaluateFlow([ranged], tcp(gateway, to('1.1.1.1'), 8101)).allowed).toBe(false);
    expect(evaluateFlow([ranged], tcp(gateway, to('10.9.9.9'), 8050)).allowed).toBe(false);
    expect(evaluateFlow([ranged], { ...tcp(gateway, to('1.1.1.1'), 8050), protocol: 'UDP' }).allowed).toBe(
      false,
    );
    expect(inCidr('172.31.255.255', '172.16.0.0/12')).toBe(true);
    expect(inCidr('172.32.0.0', '172.16.0.0/12')).toBe(false);
    expect(inCidr('8.8.8.8', '0.0.0.0/0')).toBe(true);
  });

  it('needs the destination’s ingress too when both ends are pods', () => {
    const out = policy('out', {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'openclaw-gateway' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'egress-proxy' } } }] }],
    });
    const verdict = evaluateFlow([denyAll, out], tcp(gateway, proxy, 3128));
    expect(verdict).toMatchObject({ allowed: false, egress: { allowed: true }, ingress: { allowed: false } });
    expect(verdict.reason).toContain('ingress of egress-proxy');
  });

  it('reads podSelector alone as the policy’s namespace, and namespaceSelector with podSelector as both', () => {
    const fromKubeSystemDns = policy('dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns'] }] },
            },
          ],
        },
      ],
    });
    const dns = sandboxEndpoints.dns;
    expect(evaluateFlow([fromKubeSystemDns], { ...tcp(gateway, dns, 53), protocol: 'UDP' }).allowed).toBe(
      true,
    );
    const sameLabelsElsewhere = { ...sandboxEndpoints.otherNamespacePod, labels: { 'k8s-app': 'kube-dns' } };
    expect(evaluateFlow([fromKubeSystemDns], tcp(gateway, sameLabelsElsewhere, 53)).allowed).toBe(false);
    const podOnly = policy('pod-only', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }] }],
    });
    expect(evaluateFlow([podOnly], tcp(gateway, dns, 53)).allowed).toBe(false);
  });

  it('refuses what it cannot judge rather than guessing', () => {
    const named = policy('named', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ ports: [{ port: 'https' }] }],
    });
    expect(() => evaluateFlow([named], tcp(gateway, internet, 443))).toThrow(/Named ports/);
    expect(() =>
      evaluateFlow([denyAll], tcp(gateway, { kind: 'external', name: 'v6', ip: '::1' }, 443)),
    ).toThrow(/IPv4/);
    expect(() => evaluateFlow([], tcp(gateway, mac, 0))).toThrow(/port/);
  });
});

/**
 * SANDBOX.md's promises, independently of the policy files: what each flow must do for a
 * combination of toggles. "Internet through the proxy" opens gateway → proxy → internet on
 * 80/443; "Local models" opens the Mac's model ports, directly and through the proxy (OpenClaw
 * proxies its model calls too); nothing ever reaches the gateway, the internet directly, the Mac's
 * other ports, or a private range.
 */
function expected(id: string, { internet, localModels, lmStudio }: Toggles): boolean {
  switch (id) {
    case 'gateway-dns':
    case 'proxy-dns':
    case 'proxy-dns-tcp':
      return true;
    case 'gateway-proxy':
    case 'probe-proxy':
      return internet || localModels;
    case 'proxy-internet-https':
    case 'proxy-internet-http':
      return internet;
    case 'gateway-ollama':
    case 'probe-ollama':
    case 'proxy-ollama':
      return localModels;
    case 'gateway-lmstudio':
    case 'proxy-lmstudio':
      return localModels && lmStudio;
    default:
      return false;
  }
}

describe('the sandbox’s reachability matrix', () => {
  it('has a flow for every promise', () => {
    const ids = sandboxFlows().map(flow => flow.id);
    for (const id of [
      'gateway-internet-direct',
      'gateway-proxy',
      'proxy-internet-http',
      'proxy-internet-https',
      'proxy-private-10',
      'proxy-private-172',
      'proxy-private-192',
      'proxy-link-local',
      'proxy-cgnat',
      'gateway-ollama',
      'gateway-lmstudio',
      'gateway-host-ssh',
      'probe-host-ssh',
      'other-namespace-to-gateway',
      'lan-to-gateway',
      'proxy-to-gateway',
      'gateway-dns',
    ]) {
      expect(ids).toContain(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  for (const toggles of toggleCombinations) {
    it(`holds with ${describeToggles(toggles)}`, async () => {
      const objects = await renderManifests(manifestsDir, paramsFor(toggles));
      const policies = objects.filter(
        object => object.kind === 'NetworkPolicy',
      ) as unknown as INetworkPolicy[];
      const results = sandboxFlows().map(({ id, flow }) => {
        const verdict = evaluateFlow(policies, flow);
        return { id, allowed: verdict.allowed, by: verdict.by };
      });
      expect(results.map(({ id, allowed }) => [id, allowed])).toEqual(
        results.map(({ id }) => [id, expected(id, toggles)]),
      );
      // Every allowed flow names the policies that allow it, and default-deny never allows anything.
      for (const result of results.filter(candidate => candidate.allowed)) {
        expect(result.by.length, result.id).toBeGreaterThan(0);
        expect(result.by).not.toContain('default-deny');
      }
    });
  }

  it('follows the configured model ports', async () => {
    const params = paramsFor({
      lmStudio: true,
      settings: settings => ({
        ...settings,
        ollama: { ...settings.ollama, port: 11500 },
        lmStudio: { enabled: true, port: 1240 },
      }),
    });
    const policies = (await renderManifests(manifestsDir, params)).filter(
      object => object.kind === 'NetworkPolicy',
    ) as unknown as INetworkPolicy[];
    const flows = new Map(
      sandboxFlows({ ollama: 11500, lmStudio: 1240 }).map(entry => [entry.id, entry.flow]),
    );
    expect(evaluateFlow(policies, flows.get('gateway-ollama')!).allowed).toBe(true);
    expect(evaluateFlow(policies, flows.get('proxy-lmstudio')!).allowed).toBe(true);
    expect(evaluateFlow(policies, tcp(gateway, mac, 11434)).allowed).toBe(false);
  });
});
