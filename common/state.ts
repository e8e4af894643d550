import { z } from 'zod';

import { ipcErrorSchema } from './errors';
import { initialInstallSummary, installSummarySchema } from './install';
import { pullProgressSchema } from './models';
import { progressSchema } from './progress';
import { clusterViewSchema, initialClusterView } from './sandbox';
import { selfTestStateSchema } from './selftest';
import { initialVmView, vmViewSchema } from './vm-model';

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
  /** Kept failing right after (re)starts, so its supervisor gave up until the user acts. */
  'crashed',
] as const;
export type ComponentState = (typeof componentStates)[number];

/**
 * Why a component is in its state. Each code has a sentence in every language
 * (`reasons.<code>` in common/i18n); the message is the English detail for logs and the CLI.
 */
export const reasonCodes = [
  'vm-not-created',
  'needs-vm',
  'ollama-answering',
  'ollama-owned',
  'ollama-not-answering',
  'ollama-starting',
  'ollama-restarting',
  'ollama-crash-loop',
  'ollama-port-busy',
  'ollama-start-failed',
  'ollama-not-installed',
  'lmstudio-answering',
  'lmstudio-not-answering',
  'lmstudio-not-installed',
  'probe-failed',
  'metrics-no-source',
  'metrics-needs-power-setup',
  'metrics-source-failed',
  'metrics-source-missing',
  'metrics-not-recorded',
  'metrics-waiting',
  'metrics-ollama-not-answering',
  'metrics-cluster-unavailable',
  'limactl-missing',
  'vm-stopped',
  'vm-running',
  'vm-broken',
  'vm-starting',
  'vm-stopping',
  'vm-failed',
  'needs-vm-running',
  'k3s-ready',
  'k3s-waiting',
  'kubeconfig-missing',
  'k3s-connection-refused',
  'k3s-port-in-use',
  'k3s-certificate-mismatch',
  'k3s-crash-looping',
  'k3s-unauthorized',
  'k3s-api-not-ready',
  'k3s-node-not-ready',
  'cluster-connecting',
  'cluster-unreachable',
  'sandbox-not-installed',
  'pod-running',
  'pod-missing',
  'pod-starting',
  'pod-crash-loop',
  'pod-stuck',
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
/** Whose Ollama server answers: none, one that was already running (never stopped by us), or ours. */
export const ollamaOwnerships = ['none', 'adopted', 'owned'] as const;
export type OllamaOwnership = (typeof ollamaOwnerships)[number];

export const ollamaBinarySources = ['path', 'app', 'user-app', 'homebrew', 'usr-local'] as const;
export type OllamaBinarySource = (typeof ollamaBinarySources)[number];

export const ollamaBinarySchema = z.object({
  path: z.string(),
  source: z.enum(ollamaBinarySources),
  version: z.string().nullable(),
});
export type OllamaBinary = z.infer<typeof ollamaBinarySchema>;

export const installStates = ['idle', 'running', 'failed', 'done'] as const;

/** What the UI needs beyond the component cards to manage local models. */
export const llmStateSchema = z.object({
  ollama: z.object({
    address: z.string(),
    ownership: z.enum(ollamaOwnerships),
    pid: z.int().positive().nullable(),
    binary: ollamaBinarySchema.nullable(),
    /** Unplanned restarts of our own server since it was last started on purpose. */
    restarts: z.int().nonnegative(),
    /** The last lines our server wrote to stderr, shown when it failed or crashed. */
    stderrTail: z.array(z.string()),
    /** Our server runs with older server settings than the saved ones: a restart applies them. */
    restartToApply: z.boolean(),
    install: z.object({
      state: z.enum(installStates),
      progress: progressSchema.nullable(),
      error: ipcErrorSchema.nullable(),
    }),
  }),
  lmstudio: z.object({
    address: z.string(),
    cliPath: z.string().nullable(),
    /** From `lms server status --json`; null when the CLI is missing or did not answer. */
    serverRunning: z.boolean().nullable(),
    port: z.int().positive().nullable(),
    models: z.array(z.string()),
  }),
  pulls: z.array(pullProgressSchema),
});
export type LlmState = z.infer<typeof llmStateSchema>;

/** Nothing known yet: the state services start from (and tests build on). */
export function initialLlmState(ollamaAddress: string, lmStudioAddress: string): LlmState {
  return {
    ollama: {
      address: ollamaAddress,
      ownership: 'none',
      pid: null,
      binary: null,
      restarts: 0,
      stderrTail: [],
      restartToApply: false,
      install: { state: 'idle', progress: null, error: null },
    },
    lmstudio: { address: lmStudioAddress, cliPath: null, serverRunning: null, port: null, models: [] },
    pulls: [],
  };
}

export const appStateSchema = z.object({
  /** Increases with every change, so a consumer can drop a snapshot older than the one it has. */
  revision: z.int().nonnegative(),
  app: z.object({
    version: z.string(),
    mode: z.enum(runModes),
    startedAt: z.iso.datetime(),
  }),
  settings: z.object({ recovery: settingsRecoverySchema.nullable() }),
  /** The Lima VM: which limactl, the instance, resize state and the current or last operation. */
  vm: vmViewSchema,
  /** The sandbox inside k3s: pods, network toggles, allowlist, port-forward, warnings. */
  cluster: clusterViewSchema,
  /** The last sandbox self-test, and whether one runs now. */
  selfTest: selfTestStateSchema,
  components: z.object({
    vm: componentStatusSchema,
    k3s: componentStatusSchema,
    gateway: componentStatusSchema,
    proxy: componentStatusSchema,
    ollama: componentStatusSchema,
    lmstudio: componentStatusSchema,
  }) satisfies z.ZodType<Record<ComponentId, ComponentStatus>>,
  metrics: z.object({ power: powerStatusSchema }),
  llm: llmStateSchema,
  /** The one-click install: where it is, and whether it ever completed (the first-run decision). */
  install: installSummarySchema,
});
export type AppState = z.infer<typeof appStateSchema>;

/** Where the local model servers are expected, before anything has been probed. */
export interface InitialAddresses {
  /** Ollama's origin, e.g. `http://127.0.0.1:11434`. */
  ollama: string;
  /** LM Studio's host and port, e.g. `127.0.0.1:1234`. */
  lmStudio: string;
}

/** Nothing probed yet: every component unknown, nothing running. Services start from this. */
export function initialAppState(
  app: AppState['app'],
  addresses: InitialAddresses,
): Omit<AppState, 'revision'> {
  const unknown = (): ComponentStatus => ({ state: 'unknown' });
  return {
    app,
    settings: { recovery: null },
    vm: initialVmView(),
    cluster: initialClusterView(),
    selfTest: { status: 'never', report: null, error: null },
    install: initialInstallSummary(),
    components: {
      vm: unknown(),
      k3s: unknown(),
      gateway: unknown(),
      proxy: unknown(),
      ollama: unknown(),
      lmstudio: unknown(),
    },
    metrics: { power: { source: null, setup: 'unavailable', command: null, rule: null, rulePath: null } },
    llm: initialLlmState(addresses.ollama, addresses.lmStudio),
  };
}

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
  if (states.includes('error') || states.includes('crashed')) return 'error';
  if (state.components.vm.state === 'not-created' || state.components.vm.state === 'not-installed') {
    return 'not-installed';
  }
  if (states.every(s => s === 'running')) return 'running';
  if (states.some(s => s === 'starting' || s === 'stopping')) return 'starting';
  if (states.some(s => s === 'degraded' || s === 'unknown')) return 'degraded';
  if (states.every(s => s === 'stopped' || s === 'not-created')) return 'stopped';
  return 'degraded';
}
