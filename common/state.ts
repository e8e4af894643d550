import { z } from 'zod';

/**
 * AppState: the one snapshot that services publish and that the renderer, the tray and the CLI
 * read. Everything here is safe to show and to log: no secrets, ever.
 */
export const componentIds = ['vm', 'k3s', 'gateway', 'proxy', 'ollama', 'lmstudio'] as const;
export type ComponentId = (typeof componentIds)[number];

export const componentStates = [
  'unknown',
  'not-installed',
  'not-created',
  'stopped',
  'starting',
  'running',
  'degraded',
  'stopping',
  'error',
] as const;
export type ComponentState = (typeof componentStates)[number];

/**
 * Why a component is in its state. Each code has a sentence in every language
 * (`reasons.<code>` in common/i18n); the message is the English detail for logs and the CLI.
 */
export const reasonCodes = [
  'vm-not-created',
  'vm-instance-present',
  'needs-vm',
  'ollama-answering',
  'ollama-not-answering',
  'lmstudio-answering',
  'lmstudio-not-answering',
  'probe-failed',
  'metrics-no-source',
  'metrics-needs-power-setup',
  'metrics-source-failed',
  'metrics-source-missing',
  'metrics-not-recorded',
  'metrics-waiting',
  'metrics-ollama-not-answering',
  'metrics-cluster-unavailable',
] as const;
export type ReasonCode = (typeof reasonCodes)[number];

export const reasonSchema = z.object({
  code: z.enum(reasonCodes),
  message: z.string(),
  /** Values for the translated sentence's `{{placeholders}}`. */
  params: z.record(z.string(), z.string()).optional(),
});
export type Reason = z.infer<typeof reasonSchema>;

export const componentStatusSchema = z.object({
  state: z.enum(componentStates),
  reason: reasonSchema.optional(),
  version: z.string().optional(),
  /** ISO time of the last state change, for "running for 3 h". */
  since: z.iso.datetime().optional(),
});
export type ComponentStatus = z.infer<typeof componentStatusSchema>;

export const settingsRecoverySchema = z.object({
  /** Where the unreadable file was moved so nothing the user wrote is lost. */
  backupPath: z.string(),
  reason: z.string(),
  at: z.iso.datetime(),
});
export type SettingsRecovery = z.infer<typeof settingsRecoverySchema>;

export const runModes = ['app', 'demo', 'cli'] as const;

/** Where GPU power and frequency come from now; null when nothing provides them. */
export const powerSources = ['macmon', 'powermetrics', 'nvidia-smi'] as const;
export type PowerSource = (typeof powerSources)[number];

/**
 * The one-time powermetrics permission (a sudoers rule pinned to one exact command line):
 * `unavailable` where powermetrics does not exist (not a Mac), otherwise whether the rule is there.
 */
export const powerSetupStates = ['installed', 'not-installed', 'unavailable'] as const;
export type PowerSetupState = (typeof powerSetupStates)[number];

export const powerStatusSchema = z.object({
  source: z.enum(powerSources).nullable(),
  setup: z.enum(powerSetupStates),
  /** The exact command the rule allows, and the rule itself, shown before the user consents. */
  command: z.string().nullable(),
  rule: z.string().nullable(),
  rulePath: z.string().nullable(),
  /** Why there is no power source, when there is none. */
  reason: reasonSchema.optional(),
});
export type PowerStatus = z.infer<typeof powerStatusSchema>;

export const appStateSchema = z.object({
  /** Increases with every change, so a consumer can drop a snapshot older than the one it has. */
  revision: z.int().nonnegative(),
  app: z.object({
    version: z.string(),
    mode: z.enum(runModes),
    startedAt: z.iso.datetime(),
  }),
  settings: z.object({ recovery: settingsRecoverySchema.nullable() }),
  components: z.object({
    vm: componentStatusSchema,
    k3s: componentStatusSchema,
    gateway: componentStatusSchema,
    proxy: componentStatusSchema,
    ollama: componentStatusSchema,
    lmstudio: componentStatusSchema,
  }) satisfies z.ZodType<Record<ComponentId, ComponentStatus>>,
  metrics: z.object({ power: powerStatusSchema }),
});
export type AppState = z.infer<typeof appStateSchema>;

export const overallHealthValues = [
  'running',
  'starting',
  'degraded',
  'stopped',
  'not-installed',
  'error',
] as const;
export type OverallHealth = (typeof overallHealthValues)[number];

/** The sandbox is what the user installs; local model servers are optional and never make it unhealthy. */
const sandboxComponents = ['vm', 'k3s', 'gateway', 'proxy'] as const satisfies readonly ComponentId[];

/** One word for the whole app: what the tray icon and the dashboard's health line show. */
export function overallHealth(state: AppState): OverallHealth {
  const states = sandboxComponents.map(id => state.components[id].state);
  if (states.includes('error')) return 'error';
  if (state.components.vm.state === 'not-created' || state.components.vm.state === 'not-installed') {
    return 'not-installed';
  }
  if (states.every(s => s === 'running')) return 'running';
  if (states.some(s => s === 'starting' || s === 'stopping')) return 'starting';
  if (states.some(s => s === 'degraded' || s === 'unknown')) return 'degraded';
  if (states.every(s => s === 'stopped' || s === 'not-created')) return 'stopped';
  return 'degraded';
}
