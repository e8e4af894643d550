import { z } from 'zod';

import { ipcErrorSchema } from './errors';

/**
 * The VM as every front sees it: long operations with named stages, the Lima instance, resize
 * semantics and the preflight checks. Pure data, shared by services, the UI and the CLI.
 */
export const vmOperationKinds = ['create', 'start', 'stop', 'restart', 'delete'] as const;
export type VmOperationKind = (typeof vmOperationKinds)[number];

/** Named stages, in the order a cold start walks through them. */
export const vmStages = [
  'checking',
  'recovering',
  'creating',
  'downloading-image',
  'booting',
  'waiting-ssh',
  'provisioning-k3s',
  'forwarding-ports',
  'waiting-k3s',
  'ready',
  'stopping',
  'deleting',
] as const;
export type VmStage = (typeof vmStages)[number];

export const vmOperationStatuses = ['running', 'succeeded', 'failed', 'cancelled'] as const;
export type VmOperationStatus = (typeof vmOperationStatuses)[number];

/** Progress of one operation: `{ step, done, total, detail }` plus what the UI needs to show it. */
export const vmOperationSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(vmOperationKinds),
  status: z.enum(vmOperationStatuses),
  step: z.enum(vmStages),
  /** Stages finished so far; equals `total` once it succeeded. */
  done: z.int().nonnegative(),
  total: z.int().positive(),
  /** Progress within the current stage, when the tools say (e.g. requirement 2 of 3). */
  percent: z.number().min(0).max(100).optional(),
  /** The latest thing the tools said, in English (logs and the CLI). */
  detail: z.string(),
  /** Increases with every update, so a consumer can drop an older copy. */
  seq: z.int().nonnegative(),
  startedAt: z.iso.datetime(),
  stepStartedAt: z.iso.datetime(),
  endedAt: z.iso.datetime().optional(),
  error: ipcErrorSchema.optional(),
  /** The last lines of the relevant logs when it failed, already redacted. */
  logTail: z.string().optional(),
});
export type VmOperation = z.infer<typeof vmOperationSchema>;

/** Overall progress in percent: finished stages plus the known part of the current one. */
export function operationPercent(operation: Pick<VmOperation, 'done' | 'total' | 'percent'>): number {
  const within = (operation.percent ?? 0) / 100;
  return Math.min(100, Math.round(((operation.done + within) / operation.total) * 100));
}

export const limaStatuses = [
  'Running',
  'Stopped',
  'Broken',
  'Uninitialized',
  'Installing',
  'Unknown',
] as const;
export type LimaStatus = (typeof limaStatuses)[number];

export const vmInstanceSchema = z.object({
  status: z.enum(limaStatuses),
  cpus: z.int().positive().optional(),
  memoryGiB: z.number().positive().optional(),
  diskGiB: z.number().positive().optional(),
  /** The host port (on 127.0.0.1) the k3s API is forwarded to. */
  apiPort: z.int().min(1).max(65535).optional(),
  vmType: z.string().optional(),
  arch: z.string().optional(),
  limaVersion: z.string().optional(),
  errors: z.array(z.string()).optional(),
});
export type VmInstance = z.infer<typeof vmInstanceSchema>;

export const vmResizeSchema = z.object({
  /** The VM runs with other CPU/memory/disk values than the settings: they apply on the next start. */
  restartRequired: z.boolean(),
  /** What changes on the next start (only the fields that differ). */
  pending: z.object({
    cpus: z.int().positive().optional(),
    memoryGiB: z.number().positive().optional(),
    diskGiB: z.number().positive().optional(),
  }),
  /** The disk can only grow: the smallest size the settings may ask for. */
  minDiskGiB: z.number().positive().optional(),
});
export type VmResize = z.infer<typeof vmResizeSchema>;

export const limactlSources = ['bundled', 'settings', 'path'] as const;

export const vmViewSchema = z.object({
  limactl: z.object({ path: z.string(), version: z.string(), source: z.enum(limactlSources) }).nullable(),
  instance: vmInstanceSchema.nullable(),
  resize: vmResizeSchema,
  /** The running operation, or the last one (kept so a failure stays visible). */
  operation: vmOperationSchema.nullable(),
});
export type VmView = z.infer<typeof vmViewSchema>;

export const operationStartedSchema = z.object({ operationId: z.string() });

export const preflightCheckIds = [
  'macos-version',
  'cpu-arch',
  'virtualization',
  'limactl',
  'disk-space',
  'memory',
  'cpus',
  'ports',
  'existing-instance',
] as const;
export type PreflightCheckId = (typeof preflightCheckIds)[number];

export const preflightStatuses = ['pass', 'warn', 'fail'] as const;
export type PreflightStatus = (typeof preflightStatuses)[number];

/**
 * Outcomes, each with a sentence in every language (`preflight.results.<code>`); those that are
 * not a pass also have a fix (`preflight.fixes.<code>`).
 */
export const preflightPassCodes = [
  'macos-supported',
  'apple-silicon',
  'virtualization-available',
  'limactl-ok',
  'disk-ok',
  'memory-ok',
  'cpus-ok',
  'ports-free',
  'instance-none',
  'instance-ok',
] as const;
export const preflightProblemCodes = [
  'not-macos',
  'macos-too-old',
  'intel-mac',
  'virtualization-unavailable',
  'virtualization-unknown',
  'limactl-missing',
  'limactl-too-old',
  'limactl-broken',
  'disk-tight',
  'disk-insufficient',
  'memory-high',
  'memory-too-much',
  'cpus-too-many',
  'api-port-busy',
  'gateway-port-busy',
  'instance-broken',
  'instance-foreign',
] as const;
export const preflightCodes = [...preflightPassCodes, ...preflightProblemCodes] as const;
export type PreflightCode = (typeof preflightCodes)[number];

export const preflightCheckSchema = z.object({
  id: z.enum(preflightCheckIds),
  status: z.enum(preflightStatuses),
  code: z.enum(preflightCodes),
  /** Values for the sentence's `{{placeholders}}`. */
  params: z.record(z.string(), z.string()),
  /** English detail for logs and the CLI's --json. */
  message: z.string(),
});
export type PreflightCheck = z.infer<typeof preflightCheckSchema>;

export const preflightReportSchema = z.object({
  /** False when any check failed: the VM cannot be created or started until it is fixed. */
  ok: z.boolean(),
  checks: z.array(preflightCheckSchema),
});
export type PreflightReport = z.infer<typeof preflightReportSchema>;

/** The VM view before anything is known: no limactl found yet, no instance, nothing running. */
export function initialVmView(): VmView {
  return { limactl: null, instance: null, resize: { restartRequired: false, pending: {} }, operation: null };
}
