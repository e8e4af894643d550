import { z } from 'zod';

import { ipcErrorSchema } from './errors';
import { progressSchema } from './progress';

/**
 * Local models: the shapes the llm services, the contract, the CLI and the Models page share.
 * Sizes are bytes; durations are milliseconds unless a name says otherwise.
 */

/**
 * An Ollama model name: `model[:tag]`, the model with an optional `namespace/` (and registry host).
 * Checked before anything reaches a server or a command line.
 */
export const modelNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(
    /^[a-zA-Z0-9][a-zA-Z0-9._-]*(?:\/[a-zA-Z0-9][a-zA-Z0-9._-]*){0,2}(?::[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127})?$/,
    'not a model name such as qwen3:8b or library/llama3.2:latest',
  );
export type ModelName = z.infer<typeof modelNameSchema>;

export const kvCacheTypes = ['f16', 'q8_0', 'q4_0'] as const;
export type KvCacheType = (typeof kvCacheTypes)[number];

export const modelDetailsSchema = z.object({
  family: z.string().nullable(),
  parameterSize: z.string().nullable(),
  quantization: z.string().nullable(),
  format: z.string().nullable(),
});
export type ModelDetails = z.infer<typeof modelDetailsSchema>;

export const fitVerdicts = ['gpu', 'partial', 'no'] as const;
export type FitVerdict = (typeof fitVerdicts)[number];

export const modelFitSchema = z.object({
  verdict: z.enum(fitVerdicts),
  /** Estimated memory the model needs loaded: weights, KV cache for the configured context, overhead. */
  requiredBytes: z.number().nonnegative(),
  /** Share of that which the GPU budget can hold (1 when it fits fully). */
  gpuFraction: z.number().min(0).max(1),
});
export type ModelFit = z.infer<typeof modelFitSchema>;

export const installedModelSchema = z.object({
  name: z.string(),
  sizeBytes: z.number().nonnegative(),
  digest: z.string(),
  modifiedAt: z.string(),
  details: modelDetailsSchema,
  fit: modelFitSchema.nullable(),
  /** True for the model OpenClaw uses by default (settings.ollama.defaultModel). */
  isDefault: z.boolean(),
});
export type InstalledModel = z.infer<typeof installedModelSchema>;

export const runningModelSchema = z.object({
  name: z.string(),
  sizeBytes: z.number().nonnegative(),
  /** How much of it sits in GPU memory; less than sizeBytes means part runs on the CPU. */
  vramBytes: z.number().nonnegative(),
  expiresAt: z.string().nullable(),
  contextLength: z.number().nonnegative().nullable(),
  details: modelDetailsSchema,
});
export type RunningModel = z.infer<typeof runningModelSchema>;

export const modelInfoSchema = z.object({
  name: z.string(),
  details: modelDetailsSchema,
  architecture: z.string().nullable(),
  parameterCount: z.number().nullable(),
  contextLength: z.number().nullable(),
  capabilities: z.array(z.string()),
  parameters: z.string(),
  license: z.string(),
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;

export const modelTestResultSchema = z.object({
  model: z.string(),
  response: z.string(),
  /** From the server's own counters: eval_count / eval_duration. */
  tokensPerSecond: z.number().nonnegative(),
  evalCount: z.number().nonnegative(),
  evalMs: z.number().nonnegative(),
  promptEvalCount: z.number().nonnegative(),
  loadMs: z.number().nonnegative(),
  totalMs: z.number().nonnegative(),
});
export type ModelTestResult = z.infer<typeof modelTestResultSchema>;

export const pullStates = ['running', 'success', 'failed', 'cancelled'] as const;

export const pullProgressSchema = z.object({
  model: z.string(),
  state: z.enum(pullStates),
  progress: progressSchema,
  percent: z.number().min(0).max(100).nullable(),
  bytesPerSecond: z.number().nonnegative().nullable(),
  etaSeconds: z.number().nonnegative().nullable(),
  error: ipcErrorSchema.optional(),
});
export type PullProgress = z.infer<typeof pullProgressSchema>;

/** An entry of the recommended list; users add their own in settings (`ollama.recommendedModels`). */
export const recommendedModelSchema = z.strictObject({
  name: modelNameSchema,
  sizeBytes: z
    .number()
    .int()
    .positive()
    .max(2 ** 42),
  /** Bytes of KV cache per token of context at f16; omitted means a typical 7–8B model's. */
  kvBytesPerToken: z
    .number()
    .int()
    .positive()
    .max(16 * 1024 * 1024)
    .optional(),
  note: z.string().max(200).optional(),
});
export type RecommendedModel = z.infer<typeof recommendedModelSchema>;

export const fitMemorySchema = z.object({
  totalBytes: z.number().nonnegative(),
  /** What the GPU may wire: iogpu.wired_limit_mb when set, otherwise macOS's default share. */
  gpuLimitBytes: z.number().nonnegative(),
  gpuLimitSource: z.enum(['wired-limit', 'default-share', 'given']),
  vmReservedBytes: z.number().nonnegative(),
  systemReserveBytes: z.number().nonnegative(),
  /** Memory left for a model once the VM and macOS have theirs. */
  availableBytes: z.number().nonnegative(),
  /** The part of it the GPU can hold: min(gpuLimit, available). */
  gpuBudgetBytes: z.number().nonnegative(),
});
export type FitMemory = z.infer<typeof fitMemorySchema>;

export const fitContextSchema = z.object({
  contextLength: z.number().int().positive(),
  parallel: z.number().int().positive(),
  kvCacheType: z.enum(kvCacheTypes),
});
export type FitContext = z.infer<typeof fitContextSchema>;

/** Why a built-in recommendation is on the list; each has a sentence in common/i18n (`models.notes.*`). */
export const recommendationNotes = ['small', 'everyday', 'capable', 'moe', 'reasoning', 'large'] as const;
export type RecommendationNote = (typeof recommendationNotes)[number];

export const recommendationSchema = z.object({
  name: z.string(),
  sizeBytes: z.number().nonnegative(),
  /** The user's own note, for entries they added in settings. */
  note: z.string().nullable(),
  noteKey: z.enum(recommendationNotes).nullable(),
  source: z.enum(['built-in', 'settings']),
  installed: z.boolean(),
  fit: modelFitSchema,
});
export type Recommendation = z.infer<typeof recommendationSchema>;

export const fitReportSchema = z.object({
  memory: fitMemorySchema,
  context: fitContextSchema,
  recommended: z.array(recommendationSchema),
  /** Installed models with their fit; null when the Ollama server could not be asked. */
  installed: z.array(installedModelSchema).nullable(),
});
export type FitReport = z.infer<typeof fitReportSchema>;
