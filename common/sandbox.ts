import { z } from 'zod';

import { ipcErrorSchema } from './errors';
import { progressSchema } from './progress';

/**
 * The sandbox inside k3s as the app, the tray and the CLI see it: the user's network toggles, the
 * pods of the gateway and the proxy, the gateway's port-forward and the proxy's blocked requests.
 * Pure schemas; services/cluster fills them in from what is on the server.
 */

/** The user's network toggles (SANDBOX.md "Network policies"); default-deny and DNS are always on. */
export const policyToggleIds = ['internet', 'local-models'] as const;
export type PolicyToggleId = (typeof policyToggleIds)[number];

/**
 * What the server has for a toggle: `on` (every policy object exists and matches what we render),
 * `off` (none exists), `drifted` (some exist but were edited or deleted behind our back), or
 * `unknown` (not connected to the cluster).
 */
export const policyServerStates = ['on', 'off', 'drifted', 'unknown'] as const;
export type PolicyServerState = (typeof policyServerStates)[number];

/** What the last sandbox self-test says of the toggle: `not-enforced` is shown loudly. */
export const policyEnforcements = ['unknown', 'enforced', 'not-enforced'] as const;
export type PolicyEnforcement = (typeof policyEnforcements)[number];

export const policyToggleSchema = z.object({
  id: z.enum(policyToggleIds),
  /** What the user asked for (settings.sandbox.policies). */
  desired: z.boolean(),
  server: z.enum(policyServerStates),
  enforcement: z.enum(policyEnforcements),
  /** The NetworkPolicy objects behind the toggle. */
  policies: z.array(z.string()),
  /** Drifted policies: which object, and what is wrong with it (`missing` or `changed`). */
  drift: z.array(z.object({ policy: z.string(), problem: z.enum(['missing', 'changed']) })),
});
export type PolicyToggle = z.infer<typeof policyToggleSchema>;

/** Which part of the sandbox a pod belongs to, from its `app.kubernetes.io/name` label. */
export const sandboxPodRoles = ['gateway', 'proxy', 'probe', 'other'] as const;
export type SandboxPodRole = (typeof sandboxPodRoles)[number];

export const containerViewSchema = z.object({
  name: z.string(),
  /** Init containers run before the others (the gateway's config seeding). */
  init: z.boolean(),
  image: z.string(),
  ready: z.boolean(),
  restarts: z.int().nonnegative(),
  state: z.enum(['waiting', 'running', 'terminated', 'unknown']),
  /** Why it waits or ended (`CrashLoopBackOff`, `Completed`, `OOMKilled`…). */
  reason: z.string().nullable(),
  lastTermination: z
    .object({
      reason: z.string().nullable(),
      exitCode: z.int().nullable(),
      finishedAt: z.string().nullable(),
    })
    .nullable(),
});
export type ContainerView = z.infer<typeof containerViewSchema>;

export const podViewSchema = z.object({
  name: z.string(),
  role: z.enum(sandboxPodRoles),
  phase: z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']),
  ready: z.boolean(),
  restarts: z.int().nonnegative(),
  /** ISO time the pod started, for uptime. */
  startedAt: z.string().nullable(),
  podIp: z.string().nullable(),
  containers: z.array(containerViewSchema),
  deleting: z.boolean(),
});
export type PodView = z.infer<typeof podViewSchema>;

export const portForwardStates = ['off', 'starting', 'on', 'restarting', 'error'] as const;

export const clusterOperationKinds = [
  'apply',
  'restart',
  'rollback',
  'allowlist',
  'policies',
  'repair',
  'secrets',
] as const;
export type ClusterOperationKind = (typeof clusterOperationKinds)[number];

/** The sandbox's Deployments: what restart, rollback and the logs' "open" act on. */
export const sandboxDeployments = ['gateway', 'proxy'] as const;
export type SandboxDeployment = (typeof sandboxDeployments)[number];

export const clusterOperationSchema = z.object({
  id: z.string(),
  kind: z.enum(clusterOperationKinds),
  /** The Deployment a restart or rollback acts on. */
  target: z.enum(sandboxDeployments).nullable(),
  status: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
  progress: progressSchema.nullable(),
  error: ipcErrorSchema.nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ClusterOperation = z.infer<typeof clusterOperationSchema>;

/** One namespace event (`kubectl get events`), warnings first in the UI. */
export const clusterEventSchema = z.object({
  type: z.enum(['Normal', 'Warning']),
  reason: z.string(),
  message: z.string(),
  object: z.string(),
  count: z.int().nonnegative(),
  lastSeen: z.string().nullable(),
});
export type ClusterEvent = z.infer<typeof clusterEventSchema>;

/** The proxy allowlist as saved (presets + the user's domains), as merged, and as on the server. */
export const allowlistViewSchema = z.object({
  presets: z.array(z.string()),
  domains: z.array(z.string()),
  /** What Squid gets: presets and domains merged, sorted, without overlaps. */
  effective: z.array(z.string()),
  /** User domains dropped because a preset already covers them. */
  covered: z.array(z.object({ domain: z.string(), by: z.string() })),
  /** The allowlist in the proxy's ConfigMap on the server; null when not known. */
  applied: z.array(z.string()).nullable(),
});
export type AllowlistView = z.infer<typeof allowlistViewSchema>;

export const clusterViewSchema = z.object({
  /** The cluster services talk to the k3s API (k3s is ready and the kubeconfig works). */
  connected: z.boolean(),
  /** Whether the sandbox's objects are on the server (the namespace and both Deployments exist). */
  installed: z.boolean(),
  pods: z.array(podViewSchema),
  policies: z.array(policyToggleSchema),
  /** The allowlist in the proxy's ConfigMap on the server; null when not known. */
  allowlist: z.array(z.string()).nullable(),
  /** The running or last apply / restart / rollback, so a failure stays visible. */
  operation: clusterOperationSchema.nullable(),
  portForward: z.object({
    state: z.enum(portForwardStates),
    /** Always 127.0.0.1:18789 (or the port the user's Mac had free). */
    address: z.string(),
    restarts: z.int().nonnegative(),
    error: z.string().nullable(),
  }),
  /** Namespace events of the last hour that are warnings (newest first, at most 50). */
  warnings: z.array(
    z.object({
      reason: z.string(),
      message: z.string(),
      object: z.string(),
      count: z.int().nonnegative(),
      lastSeen: z.string().nullable(),
    }),
  ),
});
export type ClusterView = z.infer<typeof clusterViewSchema>;

export const gatewayPort = 18789;

export function initialClusterView(): ClusterView {
  return {
    connected: false,
    installed: false,
    pods: [],
    policies: policyToggleIds.map(id => ({
      id,
      desired: true,
      server: 'unknown',
      enforcement: 'unknown',
      policies: [],
      drift: [],
    })),
    allowlist: null,
    operation: null,
    portForward: { state: 'off', address: `127.0.0.1:${gatewayPort}`, restarts: 0, error: null },
    warnings: [],
  };
}
