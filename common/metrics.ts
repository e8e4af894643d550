import { z } from 'zod';

import { reasonSchema } from './state';

/**
 * GPU and unified-memory readouts: one sample per sampler tick, pushed as `metrics:sample` events
 * and kept in a bounded history. A readout that has no source is null and `absent` says why:
 * never a zero standing in for "unknown".
 */
export const memoryPressureLevels = ['normal', 'warning', 'critical'] as const;
export type MemoryPressure = (typeof memoryPressureLevels)[number];

/** Where a readout came from (the UI names it; support reads it). */
export const metricsSourceIds = [
  'ioreg',
  'system_profiler',
  'systeminformation',
  'powermetrics',
  'macmon',
  'vm_stat',
  'sysctl',
  'memory_pressure',
  'proc-meminfo',
  'nvidia-smi',
  'ollama',
  'lima',
  'metrics-api',
] as const;
export type MetricsSourceId = (typeof metricsSourceIds)[number];

export const readoutPaths = [
  'gpu.model',
  'gpu.cores',
  'gpu.metalFamily',
  'gpu.utilizationPct',
  'gpu.powerW',
  'gpu.freqMHz',
  'gpu.inUseMemoryBytes',
  'memory.totalBytes',
  'memory.usedBytes',
  'memory.wiredBytes',
  'memory.compressedBytes',
  'memory.swapUsedBytes',
  'memory.swapTotalBytes',
  'memory.freePct',
  'memory.pressure',
  'memory.gpuWiredLimitMiB',
  'models',
  'vm.configuredBytes',
  'vm.podUsageBytes',
] as const;
export type ReadoutPath = (typeof readoutPaths)[number];

const bytes = z.number().nonnegative().nullable();
const percent = z.number().min(0).max(100).nullable();

export const modelMemorySchema = z.object({
  name: z.string(),
  /** Everything the loaded model uses (weights, KV cache, graph); null when the server did not say. */
  sizeBytes: bytes,
  /** The part on the GPU (Metal); old Ollama servers omit it when it is 0. */
  vramBytes: bytes,
});
export type ModelMemory = z.infer<typeof modelMemorySchema>;

export const metricsSampleSchema = z.object({
  at: z.iso.datetime(),
  /** The sampler's interval when this sample was taken, for charts. */
  intervalMs: z.int().positive(),
  gpu: z.object({
    model: z.string().nullable(),
    cores: z.int().positive().nullable(),
    /** "Metal 3": what systeminformation leaves empty on Apple Silicon. */
    metalFamily: z.string().nullable(),
    utilizationPct: percent,
    powerW: z.number().nonnegative().nullable(),
    freqMHz: z.number().nonnegative().nullable(),
    inUseMemoryBytes: bytes,
  }),
  memory: z.object({
    totalBytes: bytes,
    /** As Activity Monitor counts it: app + wired + compressed. */
    usedBytes: bytes,
    wiredBytes: bytes,
    compressedBytes: bytes,
    swapUsedBytes: bytes,
    swapTotalBytes: bytes,
    freePct: percent,
    pressure: z.enum(memoryPressureLevels).nullable(),
    /** `iogpu.wired_limit_mb`: 0 means the system default, not zero bytes. */
    gpuWiredLimitMiB: z.int().nonnegative().nullable(),
  }),
  models: z.array(modelMemorySchema).nullable(),
  vm: z.object({
    /** The memory the Clawbar VM is configured with. */
    configuredBytes: bytes,
    /** What OpenClaw's pods use inside it, from the cluster's metrics API. */
    podUsageBytes: bytes,
  }),
  from: z.partialRecord(z.enum(readoutPaths), z.enum(metricsSourceIds)),
  absent: z.partialRecord(z.enum(readoutPaths), reasonSchema),
});
export type MetricsSample = z.infer<typeof metricsSampleSchema>;

export const metricsHistorySchema = z.object({
  intervalMs: z.int().positive(),
  capacity: z.int().positive(),
  /** Oldest first. */
  samples: z.array(metricsSampleSchema),
});
export type MetricsHistory = z.infer<typeof metricsHistorySchema>;

export const metricsHistoryInputSchema = z
  .strictObject({ limit: z.int().min(1).max(3600).optional() })
  .optional();

export const metricsWatchInputSchema = z.strictObject({ watching: z.boolean() });

export const metricsWatchOutputSchema = z.object({
  /** Whether the sampler runs now (someone is watching). */
  sampling: z.boolean(),
  intervalMs: z.int().positive(),
});

/** Installing the powermetrics rule needs the user's explicit yes: the caller must send it. */
export const metricsSetupPowerInputSchema = z.strictObject({ consent: z.literal(true) });
