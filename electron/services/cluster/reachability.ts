import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';

import { gatewayPort } from '../../../common/sandbox';
import { sandboxNamespace } from './kube-connection';
import { limaHostAddress, sandboxPodLabels } from './sandbox-params';
import { squidPort } from './squid-config';

/**
 * Which connections a set of NetworkPolicies allows, by Kubernetes' rules (networking.k8s.io/v1):
 * a pod is isolated for a direction only when some policy selects it with that policy type, and
 * then a connection passes only when a rule of one of those policies allows it (policies add up;
 * nothing can deny what another allows). A connection between two pods needs both the source's
 * egress and the destination's ingress. Pure: the demo simulates the sandbox's network with it,
 * the self-test shows what each probe should find, and the tests hold the matrix of SANDBOX.md.
 * IPv4 only, numeric ports only (the sandbox's policies use neither IPv6 nor named ports).
 */

export type Labels = Record<string, string>;
type LabelSelector = NonNullable<INetworkPolicy['spec']>['podSelector'];

export type Endpoint =
  | { kind: 'pod'; name: string; namespace: string; labels: Labels; namespaceLabels: Labels; ip: string }
  | { kind: 'external'; name: string; ip: string };

export interface Flow {
  from: Endpoint;
  to: Endpoint;
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
}

export interface DirectionVerdict {
  allowed: boolean;
  /** The policies that isolate the pod for this direction; none means everything passes. */
  selectedBy: string[];
  /** Those of them with a rule that allows the flow. */
  allowedBy: string[];
}

export interface FlowVerdict {
  allowed: boolean;
  /** Every policy that let the flow through (egress of the source, then ingress of the destination). */
  by: string[];
  /** Null when the source is not a pod (nothing outside the cluster has egress policies). */
  egress: DirectionVerdict | null;
  /** Null when the destination is not a pod. */
  ingress: DirectionVerdict | null;
  /** Why the flow fails, in English for logs and tests; null when it is allowed. */
  reason: string | null;
}

export function evaluateFlow(policies: readonly INetworkPolicy[], flow: Flow): FlowVerdict {
  checkPort(flow.port);
  ipv4Number(flow.from.ip);
  ipv4Number(flow.to.ip);
  const egress = flow.from.kind === 'pod' ? direction(policies, 'Egress', flow.from, flow.to, flow) : null;
  const ingress = flow.to.kind === 'pod' ? direction(policies, 'Ingress', flow.to, flow.from, flow) : null;
  const allowed = (egress?.allowed ?? true) && (ingress?.allowed ?? true);
  const target = `${flow.to.name} (${flow.to.ip}) port ${flow.port}/${flow.protocol}`;
  const reason = allowed
    ? null
    : egress && !egress.allowed
      ? `egress of ${flow.from.name}: isolated by ${egress.selectedBy.join(', ')}, and none of them allows ${target}`
      : `ingress of ${flow.to.name}: isolated by ${ingress?.selectedBy.join(', ') ?? ''}, and none of them allows ${flow.from.name} (${flow.from.ip}) on port ${flow.port}/${flow.protocol}`;
  return {
    allowed,
    by: allowed ? [...(egress?.allowedBy ?? []), ...(ingress?.allowedBy ?? [])] : [],
    egress,
    ingress,
    reason,
  };
}

function direction(
  policies: readonly INetworkPolicy[],
  type: 'Ingress' | 'Egress',
  pod: Extract<Endpoint, { kind: 'pod' }>,
  peer: Endpoint,
  flow: Flow,
): DirectionVerdict {
  const selecting = policies.filter(
    policy =>
      (policy.metadata?.namespace ?? 'default') === pod.namespace &&
      policyTypesOf(policy).includes(type) &&
      selectorMatches(policy.spec?.podSelector ?? {}, pod.labels),
  );
  const allowing = selecting.filter(policy => {
    const rules = type === 'Egress' ? (policy.spec?.egress ?? []) : (policy.spec?.ingress ?? []);
    return rules.some(rule => {
      const peers =
        type === 'Egress'
          ? (rule as { to?: INetworkPolicyPeer[] }).to
          : (rule as { from?: INetworkPolicyPeer[] }).from;
      const peerMatches =
        !peers ||
        peers.length === 0 ||
        peers.some(candidate => peerMatchesEndpoint(candidate, peer, pod.namespace));
      const portMatches =
        !rule.ports || rule.ports.length === 0 || rule.ports.some(port => portMatchesFlow(port, flow));
      return peerMatches && portMatches;
    });
  });
  const name = (policy: INetworkPolicy) => policy.metadata?.name ?? '';
  return {
    allowed: selecting.length === 0 || allowing.length > 0,
    selectedBy: selecting.map(name),
    allowedBy: allowing.map(name),
  };
}

/** Kubernetes' default: Ingress always, Egress when the policy has egress rules. */
function policyTypesOf(policy: INetworkPolicy): string[] {
  if (policy.spec?.policyTypes && policy.spec.policyTypes.length > 0) return policy.spec.policyTypes;
  return ['Ingress', ...(policy.spec?.egress ? ['Egress'] : [])];
}

function peerMatchesEndpoint(peer: INetworkPolicyPeer, endpoint: Endpoint, policyNamespace: string): boolean {
  if (peer.ipBlock) {
    const { cidr, except = [] } = peer.ipBlock;
    return inCidr(endpoint.ip, cidr) && !except.some(excluded => inCidr(endpoint.ip, excluded));
  }
  if (endpoint.kind !== 'pod') return false;
  if (peer.namespaceSelector) {
    if (!selectorMatches(peer.namespaceSelector, endpoint.namespaceLabels)) return false;
  } else if (endpoint.namespace !== policyNamespace) {
    return false;
  }
  return selectorMatches(peer.podSelector ?? {}, endpoint.labels);
}

function portMatchesFlow(port: INetworkPolicyPort, flow: Flow): boolean {
  if ((port.protocol ?? 'TCP') !== flow.protocol) return false;
  if (port.port === undefined) return true;
  if (typeof port.port === 'string') {
    throw new RangeError(`Named ports are not supported: "${port.port}"`);
  }
  const end = port.endPort ?? port.port;
  return flow.port >= port.port && flow.port <= end;
}

export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  const matchLabels = Object.entries(selector.matchLabels ?? {}).every(
    ([key, value]) => labels[key] === value,
  );
  const matchExpressions = (selector.matchExpressions ?? []).every(expression => {
    const value = labels[expression.key];
    switch (expression.operator) {
      case 'In':
        return value !== undefined && (expression.values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(expression.values ?? []).includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        throw new RangeError(`Unknown label selector operator: ${expression.operator}`);
    }
  });
  return matchLabels && matchExpressions;
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base = '', bitsText = ''] = cidr.split('/');
  const bits = Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) throw new RangeError(`Not an IPv4 CIDR: ${cidr}`);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (ipv4Number(ip) & mask) >>> 0 === (ipv4Number(base) & mask) >>> 0;
}

function ipv4Number(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every(part => /^\d{1,3}$/.test(part) && Number(part) <= 255)) {
    throw new RangeError(`Not an IPv4 address: ${ip}`);
  }
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`Not a port: ${port}`);
}

// The sandbox's endpoints as the policies see them. Pod IPs are in k3s's default pod network.

const sandboxNamespaceLabels: Labels = { 'kubernetes.io/metadata.name': sandboxNamespace };

export const sandboxEndpoints = {
  gateway: pod('openclaw-gateway', sandboxPodLabels('gateway'), '10.42.0.20'),
  proxy: pod('egress-proxy', sandboxPodLabels('proxy'), '10.42.0.21'),
  probe: pod('sandbox-selftest', sandboxPodLabels('probe'), '10.42.0.22'),
  dns: {
    kind: 'pod',
    name: 'coredns',
    namespace: 'kube-system',
    labels: { 'k8s-app': 'kube-dns' },
    namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
    ip: '10.42.0.2',
  },
  otherNamespacePod: {
    kind: 'pod',
    name: 'a pod in another namespace',
    namespace: 'default',
    labels: { app: 'other' },
    namespaceLabels: { 'kubernetes.io/metadata.name': 'default' },
    ip: '10.42.0.30',
  },
  mac: { kind: 'external', name: 'the Mac (host.lima.internal)', ip: limaHostAddress },
  lanDevice: { kind: 'external', name: 'a device on the LAN', ip: '192.168.1.20' },
  internet: { kind: 'external', name: 'an internet host', ip: '1.1.1.1' },
} as const satisfies Record<string, Endpoint>;

function pod(name: string, labels: Labels, ip: string): Endpoint {
  return {
    kind: 'pod',
    name,
    namespace: sandboxNamespace,
    labels,
    namespaceLabels: sandboxNamespaceLabels,
    ip,
  };
}

export interface SandboxFlow {
  id: string;
  description: string;
  flow: Flow;
}

/**
 * The flows SANDBOX.md makes promises about: DNS, the way out through the proxy, the private
 * ranges the proxy may not reach, the Mac's model servers and its other services, and every way
 * into the gateway. The probe carries the gateway's labels, so its flows are the self-test's.
 */
export function sandboxFlows(ports: { ollama?: number; lmStudio?: number } = {}): SandboxFlow[] {
  const ollama = ports.ollama ?? 11434;
  const lmStudio = ports.lmStudio ?? 1234;
  const { gateway, proxy, probe, dns, otherNamespacePod, mac, lanDevice, internet } = sandboxEndpoints;
  const flow = (
    id: string,
    description: string,
    from: Endpoint,
    to: Endpoint,
    port: number,
    protocol: Flow['protocol'] = 'TCP',
  ): SandboxFlow => ({ id, description, flow: { from, to, port, protocol } });
  const external = (name: string, ip: string): Endpoint => ({ kind: 'external', name, ip });
  return [
    flow('gateway-dns', 'gateway → cluster DNS', gateway, dns, 53, 'UDP'),
    flow('proxy-dns', 'proxy → cluster DNS', proxy, dns, 53, 'UDP'),
    flow('proxy-dns-tcp', 'proxy → cluster DNS over TCP', proxy, dns, 53, 'TCP'),
    flow(
      'gateway-public-dns',
      'gateway → a public resolver',
      gateway,
      external('8.8.8.8', '8.8.8.8'),
      53,
      'UDP',
    ),
    flow('proxy-public-dns', 'proxy → a public resolver', proxy, external('8.8.8.8', '8.8.8.8'), 53, 'UDP'),
    flow('gateway-internet-direct', 'gateway → the internet directly (HTTPS)', gateway, internet, 443),
    flow('gateway-internet-direct-http', 'gateway → the internet directly (HTTP)', gateway, internet, 80),
    flow('probe-internet-direct', 'self-test probe → the internet directly', probe, internet, 443),
    flow('gateway-proxy', 'gateway → egress proxy', gateway, proxy, squidPort),
    flow('probe-proxy', 'self-test probe → egress proxy', probe, proxy, squidPort),
    flow('proxy-internet-https', 'proxy → the internet (HTTPS)', proxy, internet, 443),
    flow('proxy-internet-http', 'proxy → the internet (HTTP)', proxy, internet, 80),
    flow('proxy-internet-other-port', 'proxy → the internet on another port', proxy, internet, 22),
    flow('proxy-private-10', 'proxy → 10.0.0.0/8', proxy, external('10.1.2.3', '10.1.2.3'), 443),
    flow('proxy-private-172', 'proxy → 172.16.0.0/12', proxy, external('172.16.5.4', '172.16.5.4'), 443),
    flow('proxy-private-192', 'proxy → 192.168.0.0/16', proxy, lanDevice, 443),
    flow(
      'proxy-link-local',
      'proxy → cloud metadata (169.254.169.254)',
      proxy,
      external('169.254.169.254', '169.254.169.254'),
      80,
    ),
    flow('proxy-cgnat', 'proxy → 100.64.0.0/10', proxy, external('100.64.1.1', '100.64.1.1'), 443),
    flow('proxy-cluster-pod', 'proxy → a pod of the cluster', proxy, otherNamespacePod, 80),
    flow('gateway-ollama', 'gateway → Ollama on the Mac', gateway, mac, ollama),
    flow('probe-ollama', 'self-test probe → Ollama on the Mac', probe, mac, ollama),
    flow('gateway-lmstudio', 'gateway → LM Studio on the Mac', gateway, mac, lmStudio),
    flow('proxy-ollama', 'proxy → Ollama on the Mac', proxy, mac, ollama),
    flow('proxy-lmstudio', 'proxy → LM Studio on the Mac', proxy, mac, lmStudio),
    flow('gateway-host-ssh', 'gateway → the Mac’s SSH', gateway, mac, 22),
    flow('probe-host-ssh', 'self-test probe → the Mac’s SSH', probe, mac, 22),
    flow('proxy-host-ssh', 'proxy → the Mac’s SSH', proxy, mac, 22),
    flow('gateway-host-other', 'gateway → another service on the Mac', gateway, mac, 5000),
    flow('proxy-to-gateway', 'proxy → gateway', proxy, gateway, gatewayPort),
    flow('probe-to-gateway', 'self-test probe → gateway', probe, gateway, gatewayPort),
    flow(
      'other-namespace-to-gateway',
      'a pod in another namespace → gateway',
      otherNamespacePod,
      gateway,
      gatewayPort,
    ),
    flow('lan-to-gateway', 'a device on the LAN → gateway', lanDevice, gateway, gatewayPort),
    flow('internet-to-gateway', 'the internet → gateway', internet, gateway, gatewayPort),
    flow('mac-to-gateway', 'the Mac’s network → gateway', mac, gateway, gatewayPort),
    flow(
      'other-namespace-to-proxy',
      'a pod in another namespace → egress proxy',
      otherNamespacePod,
      proxy,
      squidPort,
    ),
  ];
}
