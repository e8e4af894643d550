import { z } from 'zod';

import { allowlistPresetIds } from './allowlist-presets';
import { kvCacheTypes, modelNameSchema, recommendedModelSchema } from './models';

/**
 * User settings: one schema for the file on disk, the IPC contract and the settings form.
 * Field schemas are declared once; the stored schema adds defaults, the patch schema makes every
 * field optional and refuses unknown keys (a typo in a patch is an error, not a silent no-op).
 */
export const languageSchema = z.enum(['system', 'en', 'fr']);
export const appearanceSchema = z.enum(['system', 'light', 'dark']);

const vmFields = {
  cpus: z.int().min(1).max(64),
  memoryGiB: z.number().min(2).max(512).multipleOf(0.5),
  diskGiB: z.int().min(20).max(4096),
  /** A limactl to use instead of the bundled one (absolute path); null: bundled, then PATH. */
  limactlPath: z
    .string()
    .max(1024)
    .regex(/^\/[^\0]*$/, 'Must be an absolute path')
    .nullable(),
};

const kubeconfigFields = {
  /** Opt-in: also add Clawbar's cluster to ~/.kube/config (our entries only, never current-context). */
  mergeIntoUserConfig: z.boolean(),
};

const metricsFields = {
  sampleIntervalMs: z.int().min(250).max(60_000),
};

/** Go durations as OLLAMA_KEEP_ALIVE takes them (`5m`, `1h30m`, `-1`), or whole seconds. */
export const keepAliveSchema = z
  .string()
  .trim()
  .regex(/^(-?\d+|-?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)$/, 'a duration such as 5m, 1h or 300 (seconds)');

/**
 * The Ollama server Clawbar runs (when it runs one) and how it is reached. Pods reach the Mac's
 * loopback through host.lima.internal, so loopback is the safe default; `0.0.0.0` exposes Ollama
 * to the network.
 */
const ollamaFields = {
  autoStart: z.boolean(),
  bindAddress: z.enum(['127.0.0.1', '0.0.0.0']),
  port: z.int().min(1).max(65535),
  keepAlive: keepAliveSchema,
  numParallel: z.int().min(1).max(16),
  flashAttention: z.boolean(),
  kvCacheType: z.enum(kvCacheTypes),
  contextLength: z.int().min(2048).max(1_048_576),
  installUrl: z.url({ protocol: /^https?$/ }).max(2000),
  /** The model OpenClaw uses by default; empty until the user picks one. */
  defaultModel: z.union([modelNameSchema, z.literal('')]),
  /** The user's additions to the built-in recommended list (same name: theirs wins). */
  recommendedModels: z.array(recommendedModelSchema).max(50),
};

/** Kubernetes quantities as the gateway's resources take them (`500m`, `2`, `512Mi`, `2Gi`). */
const cpuQuantity = z.string().regex(/^(\d+m|\d+(\.\d+)?)$/, 'a CPU quantity such as 500m or 2');
const memoryQuantity = z.string().regex(/^\d+(Mi|Gi)$/, 'a memory quantity such as 512Mi or 2Gi');

/**
 * The sandbox inside k3s (SANDBOX.md): the user's network toggles, the proxy allowlist (presets
 * plus their own domains; each domain is validated by common/allowlist.ts before it is saved) and
 * the gateway's resources.
 */
const sandboxFields = {
  policies: z.strictObject({ internet: z.boolean(), localModels: z.boolean() }),
  allowlist: z.strictObject({
    presets: z.array(z.enum(allowlistPresetIds)).max(allowlistPresetIds.length),
    domains: z.array(z.string().max(254)).max(500),
  }),
  gateway: z.strictObject({
    cpuRequest: cpuQuantity,
    memoryRequest: memoryQuantity,
    cpuLimit: cpuQuantity,
    memoryLimit: memoryQuantity,
  }),
};

const lmStudioFields = {
  enabled: z.boolean(),
  port: z.int().min(1).max(65535),
};

export const defaultOllamaInstallUrl = 'https://ollama.com/download/Ollama-darwin.zip';

export const settingsDefaults = {
  language: 'system',
  appearance: 'system',
  launchAtLogin: false,
  stopEverythingOnQuit: false,
  vm: { cpus: 4, memoryGiB: 8, diskGiB: 60, limactlPath: null },
  kubeconfig: { mergeIntoUserConfig: false },
  metrics: { sampleIntervalMs: 1000 },
  ollama: {
    autoStart: true,
    bindAddress: '127.0.0.1',
    port: 11434,
    keepAlive: '15m',
    numParallel: 1,
    flashAttention: true,
    kvCacheType: 'q8_0',
    contextLength: 32768,
    installUrl: defaultOllamaInstallUrl,
    defaultModel: '',
    recommendedModels: [],
  },
  lmStudio: { enabled: false, port: 1234 },
  sandbox: {
    policies: { internet: true, localModels: true },
    allowlist: { presets: ['openclaw'], domains: [] },
    gateway: { cpuRequest: '500m', memoryRequest: '512Mi', cpuLimit: '2', memoryLimit: '2Gi' },
  },
} as const satisfies {
  language: z.infer<typeof languageSchema>;
  appearance: z.infer<typeof appearanceSchema>;
  launchAtLogin: boolean;
  stopEverythingOnQuit: boolean;
  vm: { cpus: number; memoryGiB: number; diskGiB: number; limactlPath: string | null };
  kubeconfig: { mergeIntoUserConfig: boolean };
  metrics: { sampleIntervalMs: number };
  ollama: { [K in keyof typeof ollamaFields]: z.infer<(typeof ollamaFields)[K]> };
  lmStudio: { enabled: boolean; port: number };
  sandbox: { [K in keyof typeof sandboxFields]: z.infer<(typeof sandboxFields)[K]> };
};

const d = settingsDefaults;

export const settingsSchema = z.object({
  language: languageSchema.default(settingsDefaults.language),
  appearance: appearanceSchema.default(settingsDefaults.appearance),
  launchAtLogin: z.boolean().default(settingsDefaults.launchAtLogin),
  stopEverythingOnQuit: z.boolean().default(settingsDefaults.stopEverythingOnQuit),
  vm: z
    .object({
      cpus: vmFields.cpus.default(settingsDefaults.vm.cpus),
      memoryGiB: vmFields.memoryGiB.default(settingsDefaults.vm.memoryGiB),
      diskGiB: vmFields.diskGiB.default(settingsDefaults.vm.diskGiB),
      limactlPath: vmFields.limactlPath.default(settingsDefaults.vm.limactlPath),
    })
    .prefault({}),
  kubeconfig: z
    .object({
      mergeIntoUserConfig: kubeconfigFields.mergeIntoUserConfig.default(
        settingsDefaults.kubeconfig.mergeIntoUserConfig,
      ),
    })
    .prefault({}),
  metrics: z
    .object({
      sampleIntervalMs: metricsFields.sampleIntervalMs.default(settingsDefaults.metrics.sampleIntervalMs),
    })
    .prefault({}),
  ollama: z
    .object({
      autoStart: ollamaFields.autoStart.default(d.ollama.autoStart),
      bindAddress: ollamaFields.bindAddress.default(d.ollama.bindAddress),
      port: ollamaFields.port.default(d.ollama.port),
      keepAlive: ollamaFields.keepAlive.default(d.ollama.keepAlive),
      numParallel: ollamaFields.numParallel.default(d.ollama.numParallel),
      flashAttention: ollamaFields.flashAttention.default(d.ollama.flashAttention),
      kvCacheType: ollamaFields.kvCacheType.default(d.ollama.kvCacheType),
      contextLength: ollamaFields.contextLength.default(d.ollama.contextLength),
      installUrl: ollamaFields.installUrl.default(d.ollama.installUrl),
      defaultModel: ollamaFields.defaultModel.default(d.ollama.defaultModel),
      recommendedModels: ollamaFields.recommendedModels.default([]),
    })
    .superRefine((ollama, context) => {
      // Ollama only quantises the KV cache with flash attention on; otherwise it silently uses f16.
      if (ollama.kvCacheType !== 'f16' && !ollama.flashAttention) {
        context.addIssue({
          code: 'custom',
          path: ['kvCacheType'],
          message: 'a quantised KV cache (q8_0, q4_0) needs flash attention',
        });
      }
    })
    .prefault({}),
  lmStudio: z
    .object({
      enabled: lmStudioFields.enabled.default(d.lmStudio.enabled),
      port: lmStudioFields.port.default(d.lmStudio.port),
    })
    .prefault({}),
  sandbox: z
    .object({
      policies: sandboxFields.policies.default({ ...d.sandbox.policies }),
      allowlist: sandboxFields.allowlist.default({
        presets: [...d.sandbox.allowlist.presets],
        domains: [...d.sandbox.allowlist.domains],
      }),
      gateway: sandboxFields.gateway.default({ ...d.sandbox.gateway }),
    })
    .prefault({}),
});

export type Settings = z.infer<typeof settingsSchema>;

export const settingsPatchSchema = z.strictObject({
  language: languageSchema.optional(),
  appearance: appearanceSchema.optional(),
  launchAtLogin: z.boolean().optional(),
  stopEverythingOnQuit: z.boolean().optional(),
  vm: z.strictObject(vmFields).partial().optional(),
  kubeconfig: z.strictObject(kubeconfigFields).partial().optional(),
  metrics: z.strictObject(metricsFields).partial().optional(),
  ollama: z.strictObject(ollamaFields).partial().optional(),
  lmStudio: z.strictObject(lmStudioFields).partial().optional(),
  sandbox: z
    .strictObject({
      policies: sandboxFields.policies.partial().optional(),
      allowlist: sandboxFields.allowlist.partial().optional(),
      gateway: sandboxFields.gateway.partial().optional(),
    })
    .optional(),
});

export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export function defaultSettings(): Settings {
  return settingsSchema.parse({});
}

/**
 * Applies a patch: nested sections merge key by key, anything else (including arrays) replaces.
 * The caller validates the result with settingsSchema.
 */
export function mergeSettings(current: Settings, patch: SettingsPatch): Settings {
  return deepMerge(current, patch) as Settings;
}

function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
