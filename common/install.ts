import { z } from 'zod';

import { ipcErrorSchema } from './errors';
import { modelNameSchema, type FitReport, type Recommendation } from './models';
import { progressSchema } from './progress';
import { maxSecretInputLength, type ProviderSecretKey } from './secrets';
import { selfTestReportSchema } from './selftest';

/**
 * The one-click install as every front sees it (onboarding, the CLI, the tray): its steps in
 * order, each step's state, progress, error, elapsed time and log tail, and the choices the user
 * made. Pure data; services/install runs the plan and persists this view so a crash, a quit or a
 * reboot resumes where it stopped. Never holds a secret: provider keys go straight to the secret
 * store, and only their names appear here.
 */
export const installStepIds = [
  'preflight',
  'local-models',
  'secrets',
  'vm',
  'k3s',
  'kubeconfig',
  'manifests',
  'rollouts',
  'port-forward',
  'self-test',
] as const;
export type InstallStepId = (typeof installStepIds)[number];

/** `skipped`: the step's check found it already done, so it did not run. */
export const installStepStatuses = ['pending', 'running', 'done', 'failed', 'skipped'] as const;
export type InstallStepStatus = (typeof installStepStatuses)[number];

/**
 * The whole run: `never` (no install was ever started), `interrupted` (Clawbar stopped while it
 * ran: resume picks it up), `cancelled` (the user stopped it).
 */
export const installRunStatuses = [
  'never',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'interrupted',
] as const;
export type InstallRunStatus = (typeof installRunStatuses)[number];

/**
 * The cloud model keys onboarding offers (optional; local models are the default). The others
 * (channels, search) are in Settings.
 */
export const installProviderKeys = [
  'ANTHROPIC_API_KEY',
  'OPENAI_API_KEY',
  'GEMINI_API_KEY',
  'MISTRAL_API_KEY',
  'OPENROUTER_API_KEY',
] as const satisfies readonly ProviderSecretKey[];
export type InstallProviderKey = (typeof installProviderKeys)[number];

/** At most this many lines of a step's log are kept (the newest). */
export const installLogTailLines = 50;
export const installLogLineMaxLength = 500;

/** What the user chose in onboarding (or the CLI's defaults), without any secret value. */
export const installChoicesSchema = z.object({
  /** The model to pull; null: the best recommended one that fits this Mac. */
  model: modelNameSchema.nullable(),
  /** The user agreed that Clawbar downloads and installs Ollama.app when Ollama is missing. */
  installOllama: z.boolean(),
  /** Names of the provider keys the user entered; their values are in the secret store only. */
  providerKeys: z.array(z.enum(installProviderKeys)),
});
export type InstallChoices = z.infer<typeof installChoicesSchema>;

export const installStartInputSchema = z.strictObject({
  choices: z.strictObject({
    model: modelNameSchema.optional(),
    installOllama: z.boolean(),
    /**
     * Key values: checked (common/secrets.ts) and saved to the Keychain before the run begins,
     * never kept anywhere else.
     */
    providerKeys: z
      .partialRecord(z.enum(installProviderKeys), z.string().min(1).max(maxSecretInputLength))
      .optional(),
  }),
});
export type InstallStartInput = z.infer<typeof installStartInputSchema>;

export const installStepSchema = z.object({
  id: z.enum(installStepIds),
  status: z.enum(installStepStatuses),
  /** While it runs: `{ step, done, total?, detail }` of what it does now (`step` is its phase). */
  progress: progressSchema.nullable(),
  /** Why it failed: names the step and the cause (the code is the cause's). */
  error: ipcErrorSchema.nullable(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  /** How long the last attempt took; null while it runs or before it ran. */
  elapsedMs: z.int().nonnegative().nullable(),
  /** How many times run() was called (a check that found it done does not count). */
  attempts: z.int().nonnegative(),
  /** The last lines the step and the services behind it reported, already redacted. */
  logTail: z.array(z.string().max(installLogLineMaxLength)).max(installLogTailLines),
});
export type InstallStep = z.infer<typeof installStepSchema>;

export const installViewSchema = z.object({
  status: z.enum(installRunStatuses),
  /** Changes with every fresh start (resume and retry keep it). */
  runId: z.string().nullable(),
  choices: installChoicesSchema.nullable(),
  /** The model the plan settled on (the choice, or the recommended one), once it did. */
  model: z.string().nullable(),
  steps: z.array(installStepSchema),
  /** The failed step's error, also on the step. */
  error: ipcErrorSchema.nullable(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  /** When an install last succeeded; null: Clawbar has never been set up (first run). */
  completedAt: z.iso.datetime().nullable(),
  /** The user left the onboarding for the control room before finishing. */
  onboardingDismissed: z.boolean(),
  /** The sandbox self-test that ended the install, for the finish screen. */
  selfTest: selfTestReportSchema.nullable(),
});
export type InstallView = z.infer<typeof installViewSchema>;

/** The small part of the install that AppState carries (tray, first-run decision). */
export const installSummarySchema = z.object({
  status: z.enum(installRunStatuses),
  /** The step running now, or the one that failed. */
  step: z.enum(installStepIds).nullable(),
  percent: z.number().min(0).max(100),
  completedAt: z.iso.datetime().nullable(),
  onboardingDismissed: z.boolean(),
});
export type InstallSummary = z.infer<typeof installSummarySchema>;

const vmSizeSchema = z.object({
  cpus: z.int().positive(),
  memoryGiB: z.number().positive(),
  diskGiB: z.int().positive(),
});

/** The VM size onboarding proposes: from this Mac's hardware, with the limits the settings accept. */
export const installVmDefaultsSchema = z.object({
  suggested: vmSizeSchema,
  /** What the settings say now (the defaults, or what the user chose before). */
  current: vmSizeSchema,
  host: z.object({
    cpus: z.int().positive(),
    memoryGiB: z.number().positive(),
    diskFreeGiB: z.number().nonnegative().nullable(),
  }),
  limits: z.object({ maxCpus: z.int().positive(), maxMemoryGiB: z.number().nonnegative() }),
});
export type InstallVmDefaults = z.infer<typeof installVmDefaultsSchema>;

export function initialInstallStep(id: InstallStepId): InstallStep {
  return {
    id,
    status: 'pending',
    progress: null,
    error: null,
    startedAt: null,
    finishedAt: null,
    elapsedMs: null,
    attempts: 0,
    logTail: [],
  };
}

export function initialInstallView(): InstallView {
  return {
    status: 'never',
    runId: null,
    choices: null,
    model: null,
    steps: installStepIds.map(initialInstallStep),
    error: null,
    startedAt: null,
    finishedAt: null,
    completedAt: null,
    onboardingDismissed: false,
    selfTest: null,
  };
}

/** Progress within one step in percent, when it says how far it is. */
export function installStepPercent(step: Pick<InstallStep, 'status' | 'progress'>): number | null {
  if (step.status === 'done' || step.status === 'skipped') return 100;
  const progress = step.progress;
  if (step.status !== 'running' || progress?.total === undefined || progress.total <= 0) return null;
  return Math.min(100, Math.max(0, (progress.done / progress.total) * 100));
}

/** The whole install in percent: finished steps plus the known part of the running one. */
export function installPercent(view: Pick<InstallView, 'steps'>): number {
  if (view.steps.length === 0) return 0;
  const finished = view.steps.filter(step => step.status === 'done' || step.status === 'skipped').length;
  const running = view.steps.find(step => step.status === 'running');
  const within = running ? (installStepPercent(running) ?? 0) / 100 : 0;
  return Math.min(100, Math.round(((finished + within) / view.steps.length) * 100));
}

export function installSummary(view: InstallView): InstallSummary {
  const current =
    view.steps.find(step => step.status === 'running') ?? view.steps.find(step => step.status === 'failed');
  return {
    status: view.status,
    step: current?.id ?? null,
    percent: installPercent(view),
    completedAt: view.completedAt,
    onboardingDismissed: view.onboardingDismissed,
  };
}

export function initialInstallSummary(): InstallSummary {
  return installSummary(initialInstallView());
}

/** Share of the GPU budget a recommended model may take, so the context and other apps keep room. */
const comfortableShare = 0.6;

/**
 * The model onboarding proposes and `clawbar install --yes` pulls: the largest recommendation
 * that fits the GPU with room to spare, else the largest that fits at all, else the smallest.
 * Null when there is nothing to recommend.
 */
export function recommendedModel(report: Pick<FitReport, 'memory' | 'recommended'>): Recommendation | null {
  const bySize = [...report.recommended].sort((a, b) => a.sizeBytes - b.sizeBytes);
  const onGpu = bySize.filter(entry => entry.fit.verdict === 'gpu');
  const comfortable = onGpu.filter(
    entry => entry.fit.requiredBytes <= report.memory.gpuBudgetBytes * comfortableShare,
  );
  return comfortable.at(-1) ?? onGpu.at(-1) ?? bySize[0] ?? null;
}
