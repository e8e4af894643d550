import { mergeAllowlist } from '../../../common/allowlist';
import { ClawbarError } from '../../../common/errors';
import { gatewayTokenKey, providerSecretKeys, type ProviderSecretKey } from '../../../common/secrets';
import type { Settings } from '../../../common/settings';
import { limaHostAlias, type OpenClawModelWiring } from '../llm/openclaw-providers';
import { vmInstanceName } from '../vm/vm-presence';
import { guestOpenclawDir, k3sNodeName } from '../vm/vm-template';
import { sandboxNamespace } from './kube-connection';
import { squidPort } from './squid-config';

/**
 * The typed parameters the sandbox's manifests are rendered with (SANDBOX.md): pinned images,
 * the gateway's resources and the namespace caps derived from the VM, the user's toggles and
 * allowlist, the model providers OpenClaw is seeded with, and the names (never the values) of the
 * provider keys the user entered.
 */

/**
 * Exact versions, never a moving tag. OpenClaw: the slim image its own Kubernetes guide pins.
 * Squid: Canonical's Ubuntu 24.04 LTS build. busybox: the init container that seeds the config.
 */
export const sandboxImages = {
  openclaw: 'ghcr.io/openclaw/openclaw:2026.7.1-2-slim',
  squid: 'docker.io/ubuntu/squid:6.6-24.04_beta',
  busybox: 'docker.io/library/busybox:1.37.0',
} as const;

/** The Mac as pods see it: Lima maps this address to the Mac's 127.0.0.1 (runtime-facts §1.4). */
export const limaHostAddress = '192.168.5.2';

export const gatewayName = 'openclaw-gateway';
export const proxyName = 'egress-proxy';
export const proxyUrl = `http://${proxyName}.${sandboxNamespace}.svc.cluster.local:${squidPort}`;

/** On every object Clawbar creates: uninstall and prune select exactly these. */
export const clawbarLabels = {
  'app.kubernetes.io/managed-by': 'clawbar',
  'app.kubernetes.io/part-of': 'clawbar',
} as const;
export const clawbarSelector = 'app.kubernetes.io/managed-by=clawbar';

/**
 * Pod labels. The network policies select on `app.kubernetes.io/name`, so the self-test probe
 * carries the gateway's name and meets exactly the gateway's policies; `component` tells them
 * apart, and the gateway Deployment selects on both so its ReplicaSet never adopts a probe.
 */
export type SandboxPodRole = 'gateway' | 'proxy' | 'probe';
export function sandboxPodLabels(role: SandboxPodRole): Record<string, string> {
  const name = role === 'proxy' ? proxyName : gatewayName;
  const component = { gateway: 'gateway', proxy: 'egress-proxy', probe: 'selftest' }[role];
  return { ...clawbarLabels, 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': component };
}

// The secret names live in common/secrets.ts (the Keychain, the contract and the UI share them).
export { gatewayTokenKey, providerSecretKeys, type ProviderSecretKey };

export interface ResourceAmounts {
  cpu: string;
  memory: string;
}
export interface Resources {
  requests: ResourceAmounts;
  limits: ResourceAmounts;
}

/** The proxy and the self-test probe: small and fixed (the probe's, for the ClusterService to use). */
export const proxyResources: Resources = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { cpu: '250m', memory: '256Mi' },
};
export const probeResources: Resources = {
  requests: { cpu: '10m', memory: '16Mi' },
  limits: { cpu: '100m', memory: '64Mi' },
};

/** What k3s, CoreDNS and the guest OS keep for themselves; the namespace gets the rest. */
const systemReserve = { cpuMillis: 500, memoryMiB: 1024 };
/** Gateway + a proxy rollout (two proxies for a moment) + the self-test probe, with room to spare. */
const podBudget = 8;

export interface SandboxParams {
  images: { openclaw: string; squid: string; busybox: string };
  /** The k3s node the state volume lives on (`lima-clawbar`). */
  nodeName: string;
  /** The Mac as an IP address (hostAliases, network policies, Squid). */
  hostAddress: string;
  /** Where the Mac's ~/.openclaw is mounted in the VM: the static PV's path. */
  stateDir: string;
  gateway: { resources: Resources; heapMiB: number };
  /** The namespace's ResourceQuota (and the LimitRange's per-container maximum). */
  quota: Resources & { pods: number };
  policies: { internet: boolean; localModels: boolean };
  /** The effective proxy allowlist (presets plus the user's domains, merged). */
  allowlist: string[];
  localModels: { ollamaPort: number; lmStudioPort: number | null };
  /** The model providers and default model OpenClaw's seed config names. */
  openclaw: OpenClawModelWiring;
  /** The provider keys the user entered (names only): the Secret's keys besides the token. */
  secretKeys: ProviderSecretKey[];
}

export interface ProviderInput {
  wiring: OpenClawModelWiring;
  /** Names of the provider keys present in the Keychain; values never come through here. */
  secretKeys: readonly string[];
}

export function sandboxParamsFromSettings(
  settings: Pick<Settings, 'vm' | 'sandbox' | 'ollama' | 'lmStudio'>,
  providers: ProviderInput,
): SandboxParams {
  const { gateway } = settings.sandbox;
  const gatewayResources: Resources = {
    requests: { cpu: gateway.cpuRequest, memory: gateway.memoryRequest },
    limits: { cpu: gateway.cpuLimit, memory: gateway.memoryLimit },
  };
  // Memory and CPU requests stay below what the VM has once k3s is served. CPU limits may reach
  // the VM's CPUs: a limit only caps bursts, it reserves nothing.
  const vmCpu = settings.vm.cpus * 1000;
  const quotaMemory = Math.floor(settings.vm.memoryGiB * 1024) - systemReserve.memoryMiB;
  const quota = {
    requests: { cpu: `${vmCpu - systemReserve.cpuMillis}m`, memory: `${quotaMemory}Mi` },
    limits: { cpu: `${vmCpu}m`, memory: `${quotaMemory}Mi` },
    pods: podBudget,
  };
  checkResources(gatewayResources, quota, settings.vm);
  return {
    images: { ...sandboxImages },
    nodeName: k3sNodeName(vmInstanceName),
    hostAddress: limaHostAddress,
    stateDir: guestOpenclawDir,
    gateway: { resources: gatewayResources, heapMiB: heapFor(gatewayResources.limits.memory) },
    quota,
    policies: { ...settings.sandbox.policies },
    allowlist: mergeAllowlist(settings.sandbox.allowlist.presets, settings.sandbox.allowlist.domains).entries,
    localModels: {
      ollamaPort: settings.ollama.port,
      lmStudioPort: settings.lmStudio.enabled ? settings.lmStudio.port : null,
    },
    openclaw: providers.wiring,
    secretKeys: checkedSecretKeys(providers.secretKeys),
  };
}

/** The Squid option for the Mac's model servers, or null when "Local models" is off. */
export function localModelsAccess(
  params: SandboxParams,
): { host: string; ip: string; ports: number[] } | null {
  if (!params.policies.localModels) return null;
  return { host: limaHostAlias, ip: params.hostAddress, ports: localModelPorts(params) };
}

export function localModelPorts(params: Pick<SandboxParams, 'localModels'>): number[] {
  const { ollamaPort, lmStudioPort } = params.localModels;
  return lmStudioPort === null || lmStudioPort === ollamaPort ? [ollamaPort] : [ollamaPort, lmStudioPort];
}

/**
 * V8 ignores the cgroup limit: without a heap cap the gateway grows until the kernel kills it.
 * Three quarters of the limit leaves room for buffers and native memory (the official manifest's
 * 1536 for 2Gi).
 */
function heapFor(memoryLimit: string): number {
  return Math.floor(memoryMiB(memoryLimit) * 0.75);
}

function checkResources(gateway: Resources, quota: SandboxParams['quota'], vm: Settings['vm']): void {
  const problems: { path: string; message: string }[] = [];
  for (const key of ['cpu', 'memory'] as const) {
    const toNumber = key === 'cpu' ? cpuMillis : memoryMiB;
    if (toNumber(gateway.requests[key]) > toNumber(gateway.limits[key])) {
      problems.push({
        path: `sandbox.gateway.${key}Request`,
        message: `The gateway's ${key} request (${gateway.requests[key]}) is above its limit (${gateway.limits[key]}).`,
      });
    }
  }
  // What the namespace must hold at the busiest moment: the gateway, two proxies during a
  // proxy rollout, and the self-test probe.
  const workloads = [gateway, proxyResources, proxyResources, probeResources];
  for (const [kind, key] of [
    ['requests', 'cpu'],
    ['limits', 'cpu'],
    ['requests', 'memory'],
    ['limits', 'memory'],
  ] as const) {
    const toNumber = key === 'cpu' ? cpuMillis : memoryMiB;
    const needed = workloads.reduce((sum, workload) => sum + toNumber(workload[kind][key]), 0);
    const available = toNumber(quota[kind][key]);
    if (needed > available) {
      const unit = key === 'cpu' ? 'm CPU' : 'Mi';
      problems.push({
        path: `sandbox.gateway.${key}${kind === 'requests' ? 'Request' : 'Limit'}`,
        message: `The sandbox needs ${needed}${unit} of ${kind} ${key} (the gateway's ${gateway[kind][key]} plus the proxy and the self-test), but a VM of ${vm.cpus} CPUs and ${vm.memoryGiB} GiB leaves it ${available}${unit}.`,
      });
    }
  }
  if (problems.length > 0) {
    throw new ClawbarError(
      'sandbox-resources-invalid',
      problems.map(problem => problem.message).join(' '),
      problems,
    );
  }
}

function checkedSecretKeys(names: readonly string[]): ProviderSecretKey[] {
  const known = new Set<string>(providerSecretKeys);
  const unknown = names.filter(name => !known.has(name));
  if (unknown.length > 0) {
    throw new ClawbarError(
      'invalid-input',
      `Unknown provider key names: ${unknown.map(name => name.slice(0, 40)).join(', ')}.`,
    );
  }
  return providerSecretKeys.filter(name => names.includes(name));
}

/** `500m` → 500, `2` → 2000, `1.5` → 1500 (the CPU quantities settings accept). */
export function cpuMillis(quantity: string): number {
  const match = /^(\d+)m$|^(\d+(?:\.\d+)?)$/.exec(quantity);
  if (!match)
    throw new ClawbarError('sandbox-resources-invalid', `Not a CPU quantity: ${quantity.slice(0, 20)}`);
  return match[1] !== undefined ? Number(match[1]) : Math.round(Number(match[2]) * 1000);
}

/** `512Mi` → 512, `2Gi` → 2048 (the memory quantities settings accept). */
export function memoryMiB(quantity: string): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match)
    throw new ClawbarError('sandbox-resources-invalid', `Not a memory quantity: ${quantity.slice(0, 20)}`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}
