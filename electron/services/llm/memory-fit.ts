import type { FitContext, FitMemory, KvCacheType, ModelFit } from '../../../common/models';

/**
 * Will a model fit in this Mac's unified memory, on the GPU? Three numbers decide:
 * - the memory left for models: total − the VM's reservation − what macOS and apps keep;
 * - the GPU's share of it: the wired limit (iogpu.wired_limit_mb) when set, otherwise macOS's
 *   default share of the total (about two thirds up to 36 GB, three quarters above);
 * - what the model needs loaded: its weights, its KV cache for the configured context × parallel
 *   requests at the configured cache type, and compute buffers.
 * Fits on the GPU when the need is within the GPU budget; partly when only the memory left can
 * hold it (Ollama then runs some layers on the CPU); not at all when it would push the Mac to swap.
 */
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** KV cache size relative to f16: ggml q8_0 stores 32 values in 34 bytes, q4_0 in 18 (f16: 64). */
export const kvCacheFactor: Record<KvCacheType, number> = { f16: 1, q8_0: 34 / 64, q4_0: 18 / 64 };

/** A typical 7–8B model's KV bytes per token at f16, for models whose architecture is unknown. */
export const defaultKvBytesPerToken = 2 * 32 * 8 * 128 * 2;

export function systemReserveBytes(totalBytes: number): number {
  return Math.min(8 * GiB, Math.max(2 * GiB, totalBytes * 0.125));
}

export function defaultGpuShare(totalBytes: number): number {
  return totalBytes <= 36 * GiB ? (totalBytes * 2) / 3 : (totalBytes * 3) / 4;
}

export interface MemoryInputs {
  totalBytes: number;
  /** iogpu.wired_limit_mb in bytes; null or 0 when unset (macOS's default share applies). */
  gpuWiredLimitBytes: number | null;
  vmReservedBytes: number;
  /** True when the total was given by the user ("what if"), not read from this Mac. */
  given?: boolean;
}

export function fitMemory(inputs: MemoryInputs): FitMemory {
  const reserve = systemReserveBytes(inputs.totalBytes);
  const wired = inputs.gpuWiredLimitBytes && inputs.gpuWiredLimitBytes > 0 ? inputs.gpuWiredLimitBytes : null;
  const gpuLimit = wired === null ? defaultGpuShare(inputs.totalBytes) : Math.min(wired, inputs.totalBytes);
  const available = Math.max(0, inputs.totalBytes - inputs.vmReservedBytes - reserve);
  return {
    totalBytes: inputs.totalBytes,
    gpuLimitBytes: Math.round(gpuLimit),
    gpuLimitSource: inputs.given ? 'given' : wired === null ? 'default-share' : 'wired-limit',
    vmReservedBytes: inputs.vmReservedBytes,
    systemReserveBytes: Math.round(reserve),
    availableBytes: Math.round(available),
    gpuBudgetBytes: Math.round(Math.min(gpuLimit, available)),
  };
}

export interface ModelShape {
  sizeBytes: number;
  kvBytesPerToken?: number | undefined;
  /** The model's trained context, when known: Ollama does not allocate beyond it. */
  maxContext?: number | null | undefined;
}

export function requiredBytes(model: ModelShape, context: FitContext): number {
  const tokens = Math.min(context.contextLength, model.maxContext ?? Number.POSITIVE_INFINITY);
  const kv =
    (model.kvBytesPerToken ?? defaultKvBytesPerToken) *
    tokens *
    context.parallel *
    kvCacheFactor[context.kvCacheType];
  const compute = Math.max(256 * MiB, model.sizeBytes * 0.05);
  return Math.round(model.sizeBytes + kv + compute);
}

export function fitOf(model: ModelShape, context: FitContext, memory: FitMemory): ModelFit {
  const required = requiredBytes(model, context);
  const gpuFraction = required === 0 ? 1 : Math.min(1, memory.gpuBudgetBytes / required);
  const verdict =
    required <= memory.gpuBudgetBytes ? 'gpu' : required <= memory.availableBytes ? 'partial' : 'no';
  return { verdict, requiredBytes: required, gpuFraction };
}

/** KV bytes per token at f16 from `/api/show` model_info (`<arch>.block_count`, heads, embedding). */
export function kvBytesPerTokenFromInfo(info: Record<string, unknown> | undefined): number | undefined {
  if (!info) return undefined;
  const arch = info['general.architecture'];
  if (typeof arch !== 'string') return undefined;
  const number = (key: string): number | undefined => {
    const value = info[`${arch}.${key}`];
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
  };
  const layers = number('block_count');
  const heads = number('attention.head_count');
  const kvHeads = number('attention.head_count_kv') ?? heads;
  const embedding = number('embedding_length');
  const headSize = number('attention.key_length') ?? (embedding && heads ? embedding / heads : undefined);
  if (!layers || !kvHeads || !headSize) return undefined;
  return Math.round(2 * layers * kvHeads * headSize * 2);
}

export function contextLengthFromInfo(info: Record<string, unknown> | undefined): number | null {
  if (!info) return null;
  const arch = info['general.architecture'];
  const value = typeof arch === 'string' ? info[`${arch}.context_length`] : undefined;
  return typeof value === 'number' && value > 0 ? value : null;
}
