import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';

import { allowlistEntryMatches } from '../../common/allowlist';
import { evaluateFlow, type Endpoint } from '../../electron/services/cluster/reachability';
import { allowlistOf } from '../../electron/services/cluster/squid-config';
import { probeLinePrefix, type ProbeSpec } from '../../electron/services/install/self-test-probes';
import { squidAccessLine } from '../fake-kube-api/behaviours';
import type { FakeKubeApi } from '../fake-kube-api/server';
import type { KubeObject } from '../fake-kube-api/store';

/**
 * The demo's network, for the self-test's probe pod: each probe's flow is decided by the
 * NetworkPolicies actually stored in the fake API (through the same reachability evaluator the
 * app's tests hold to SANDBOX.md), the proxy by the allowlist in its stored ConfigMap, and the
 * Mac by what really listens: the demo's Ollama answers for real when the policies let the probe
 * through. There is no internet: an allowed CONNECT gets Squid's 503, which reads "not testable".
 */
export interface SimulatedNetworkOptions {
  /** The demo's Ollama (its port differs from 11434, which the probe asks for). */
  ollamaUrl: string;
}

const policiesRef = { group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies' };
const podsRef = { group: '', version: 'v1', resource: 'pods' };
const namespacesRef = { group: '', version: 'v1', resource: 'namespaces' };
const configMapsRef = { group: '', version: 'v1', resource: 'configmaps' };

const hostIp = '192.168.5.2';

export function registerSimulatedNetwork(api: FakeKubeApi, options: SimulatedNetworkOptions): () => void {
  return api.kubelet.registerBehaviour(pod => labelsOf(pod)['app.kubernetes.io/component'] === 'selftest', {
    start: context => {
      const specs = JSON.parse(context.env.CLAWBAR_PROBES ?? '[]') as ProbeSpec[];
      void (async () => {
        for (const spec of specs) {
          const { code, output } = await simulate(api, context.pod, spec, options);
          context.log(`${probeLinePrefix} ${spec.id} ${code} ${output}`);
        }
        context.exit(0);
      })();
      return undefined;
    },
  });
}

interface Outcome {
  code: number;
  output: string;
}

async function simulate(
  api: FakeKubeApi,
  probe: KubeObject,
  spec: ProbeSpec,
  options: SimulatedNetworkOptions,
): Promise<Outcome> {
  const namespace = probe.metadata.namespace ?? 'default';
  const from = podEndpoint(api, probe);
  const policies = api.store.list(policiesRef, namespace) as unknown as INetworkPolicy[];
  const reaches = (to: Endpoint, port: number) =>
    evaluateFlow(policies, { from, to, port, protocol: 'TCP' }).allowed;
  const timeout: Outcome = { code: 1, output: 'nc: timeout' };
  switch (spec.kind) {
    case 'tcp': {
      const to = external(spec.host);
      if (!reaches(to, spec.port)) return timeout;
      // Reached: the Mac refuses SSH from the VM, the internet host accepts.
      return to.ip === hostIp
        ? { code: 1, output: `nc: can't connect to remote host (${to.ip}): Connection refused` }
        : { code: 0, output: '' };
    }
    case 'connect': {
      const proxyPod = api.store
        .list(podsRef, namespace)
        .find(pod => labelsOf(pod)['app.kubernetes.io/name'] === 'egress-proxy');
      if (!proxyPod || !reaches(podEndpoint(api, proxyPod), spec.proxyPort)) return timeout;
      const configMap = api.store.get(configMapsRef, namespace, 'egress-proxy-config') as
        { data?: Record<string, string> } | undefined;
      const allowlist = allowlistOf(configMap?.data?.['squid.conf'] ?? '');
      const allowed = spec.port === 443 && allowlist.some(entry => allowlistEntryMatches(entry, spec.host));
      // Squid logs the request as it answers it (on the list, but no internet: it cannot tunnel).
      const squidContainer =
        (proxyPod.spec as { containers?: { name: string }[] }).containers?.[0]?.name ?? 'squid';
      api.kubelet.emitLog({ namespace, name: proxyPod.metadata.name ?? '' }, squidContainer, [
        squidAccessLine({
          clientIp: from.kind === 'pod' ? from.ip : '',
          status: allowed ? 'TCP_MISS/503' : 'TCP_DENIED/403',
          method: 'CONNECT',
          target: `${spec.host}:${spec.port}`,
          bytes: allowed ? 0 : 3900,
        }),
      ]);
      return allowed
        ? { code: 0, output: 'HTTP/1.1 503 Service Unavailable' }
        : { code: 0, output: 'HTTP/1.1 403 Forbidden' };
    }
    case 'http': {
      if (!reaches(external(spec.host), spec.port)) return timeout;
      try {
        const response = await fetch(new URL(spec.path, options.ollamaUrl), {
          signal: AbortSignal.timeout(3000),
        });
        return { code: 0, output: `HTTP/1.0 ${response.status} ${response.statusText}` };
      } catch {
        return { code: 1, output: `nc: can't connect to remote host (${hostIp}): Connection refused` };
      }
    }
  }
}

function labelsOf(object: KubeObject): Record<string, string> {
  return (object.metadata as { labels?: Record<string, string> }).labels ?? {};
}

function podEndpoint(api: FakeKubeApi, pod: KubeObject): Endpoint {
  const namespace = pod.metadata.namespace ?? 'default';
  const namespaceObject = api.store.get(namespacesRef, undefined, namespace);
  return {
    kind: 'pod',
    name: pod.metadata.name ?? '',
    namespace,
    labels: labelsOf(pod),
    namespaceLabels: namespaceObject
      ? labelsOf(namespaceObject)
      : { 'kubernetes.io/metadata.name': namespace },
    ip: (pod as { status?: { podIP?: string } }).status?.podIP ?? '10.42.0.250',
  };
}

/** The probe's destinations outside the cluster: the Mac by name or address, or an internet host. */
function external(host: string): Endpoint {
  if (host === 'host.lima.internal' || host === hostIp)
    return { kind: 'external', name: 'the Mac', ip: hostIp };
  return { kind: 'external', name: host, ip: /^\d+\.\d+\.\d+\.\d+$/.test(host) ? host : '203.0.113.10' };
}
