import { describe, expect, it } from 'vitest';

import type { FitContext } from '../../../common/models';
import {
  contextLengthFromInfo,
  defaultGpuShare,
  fitMemory,
  fitOf,
  kvBytesPerTokenFromInfo,
  requiredBytes,
  systemReserveBytes,
} from './memory-fit';
import { builtInCatalog, canonicalName, recommendedModels } from './model-catalog';

const GiB = 1024 ** 3;
const context: FitContext = { contextLength: 32768, parallel: 1, kvCacheType: 'q8_0' };
const catalog = (name: string) => builtInCatalog.find(entry => entry.name === name)!;

describe('fitMemory', () => {
  it('takes the VM and macOS out of a 16 GiB Mac and keeps the default GPU share', () => {
    const memory = fitMemory({ totalBytes: 16 * GiB, gpuWiredLimitBytes: null, vmReservedBytes: 8 * GiB });
    expect(memory.systemReserveBytes).toBe(2 * GiB);
    expect(memory.availableBytes).toBe(6 * GiB);
    expect(memory.gpuLimitBytes).toBe(Math.round((16 * GiB * 2) / 3));
    expect(memory.gpuLimitSource).toBe('default-share');
    expect(memory.gpuBudgetBytes).toBe(6 * GiB);
  });

  it('uses the wired limit when one is set, and treats 0 as unset', () => {
    const wired = fitMemory({ totalBytes: 64 * GiB, gpuWiredLimitBytes: 16 * GiB, vmReservedBytes: 8 * GiB });
    expect(wired).toMatchObject({
      gpuLimitBytes: 16 * GiB,
      gpuLimitSource: 'wired-limit',
      gpuBudgetBytes: 16 * GiB,
    });
    const unset = fitMemory({ totalBytes: 64 * GiB, gpuWiredLimitBytes: 0, vmReservedBytes: 8 * GiB });
    expect(unset).toMatchObject({ gpuLimitBytes: 48 * GiB, gpuLimitSource: 'default-share' });
  });

  it('never reports negative memory when the VM takes everything', () => {
    expect(
      fitMemory({ totalBytes: 8 * GiB, gpuWiredLimitBytes: null, vmReservedBytes: 16 * GiB }),
    ).toMatchObject({
      availableBytes: 0,
      gpuBudgetBytes: 0,
    });
  });

  it('scales the reserve and the default share with the Mac', () => {
    expect(systemReserveBytes(8 * GiB)).toBe(2 * GiB);
    expect(systemReserveBytes(32 * GiB)).toBe(4 * GiB);
    expect(systemReserveBytes(192 * GiB)).toBe(8 * GiB);
    expect(defaultGpuShare(36 * GiB)).toBe(24 * GiB);
    expect(defaultGpuShare(128 * GiB)).toBe(96 * GiB);
  });
});

describe('fitOf', () => {
  const small = fitMemory({ totalBytes: 16 * GiB, gpuWiredLimitBytes: null, vmReservedBytes: 8 * GiB });

  it('puts a 3B model fully on the GPU of a 16 GiB Mac', () => {
    expect(fitOf(catalog('llama3.2:3b'), context, small)).toMatchObject({ verdict: 'gpu', gpuFraction: 1 });
  });

  it('refuses qwen3:8b at 32k context there, but fits it once the VM is smaller', () => {
    expect(fitOf(catalog('qwen3:8b'), context, small).verdict).toBe('no');
    const roomier = fitMemory({ totalBytes: 16 * GiB, gpuWiredLimitBytes: null, vmReservedBytes: 4 * GiB });
    expect(fitOf(catalog('qwen3:8b'), context, roomier).verdict).toBe('gpu');
  });

  it('says partly when only the wired limit is short, with the share the GPU holds', () => {
    const limited = fitMemory({
      totalBytes: 64 * GiB,
      gpuWiredLimitBytes: 16 * GiB,
      vmReservedBytes: 8 * GiB,
    });
    const fit = fitOf(catalog('qwen3:30b'), context, limited);
    expect(fit.verdict).toBe('partial');
    expect(fit.gpuFraction).toBeCloseTo((16 * GiB) / fit.requiredBytes);
    expect(fit.gpuFraction).toBeGreaterThan(0.5);
    expect(fit.gpuFraction).toBeLessThan(1);
  });

  it('grows the need with context, parallel requests and a wider KV cache', () => {
    const model = catalog('qwen3:8b');
    const base = requiredBytes(model, context);
    expect(requiredBytes(model, { ...context, parallel: 2 })).toBeGreaterThan(base);
    expect(requiredBytes(model, { ...context, kvCacheType: 'f16' })).toBeGreaterThan(base);
    expect(requiredBytes(model, { ...context, kvCacheType: 'q4_0' })).toBeLessThan(base);
    expect(requiredBytes(model, { ...context, contextLength: 8192 })).toBeLessThan(base);
    // A model never gets more context than it was trained for.
    expect(requiredBytes({ ...model, maxContext: 8192 }, context)).toBe(
      requiredBytes(model, { ...context, contextLength: 8192 }),
    );
  });
});

describe('model_info', () => {
  const info = {
    'general.architecture': 'llama',
    'llama.block_count': 32,
    'llama.attention.head_count': 32,
    'llama.attention.head_count_kv': 8,
    'llama.embedding_length': 4096,
    'llama.context_length': 8192,
  };

  it('derives KV bytes per token and the trained context', () => {
    expect(kvBytesPerTokenFromInfo(info)).toBe(2 * 32 * 8 * 128 * 2);
    expect(contextLengthFromInfo(info)).toBe(8192);
  });

  it('gives up on incomplete or foreign data', () => {
    expect(kvBytesPerTokenFromInfo(undefined)).toBeUndefined();
    expect(kvBytesPerTokenFromInfo({ 'general.architecture': 'llama' })).toBeUndefined();
    expect(kvBytesPerTokenFromInfo({ ...info, 'llama.block_count': 'many' })).toBeUndefined();
    expect(contextLengthFromInfo({ 'general.architecture': 7 })).toBeNull();
  });
});

describe('recommended models', () => {
  it('has a small tested list with sizes, sorted by size', () => {
    const list = recommendedModels([]);
    expect(list.length).toBeGreaterThanOrEqual(6);
    expect(list.every(entry => entry.sizeBytes > 1e9 && entry.source === 'built-in')).toBe(true);
    expect(list.map(entry => entry.sizeBytes)).toEqual(
      [...list.map(entry => entry.sizeBytes)].sort((a, b) => a - b),
    );
  });

  it('lets the user add models and replace a built-in entry', () => {
    const list = recommendedModels([
      { name: 'mistral-small:24b', sizeBytes: 14_000_000_000, note: 'my favourite' },
      { name: 'qwen3:8b', sizeBytes: 6_000_000_000 },
    ]);
    expect(list.find(entry => entry.name === 'mistral-small:24b')).toMatchObject({
      source: 'settings',
      note: 'my favourite',
    });
    expect(list.filter(entry => canonicalName(entry.name) === 'qwen3:8b')).toEqual([
      expect.objectContaining({ sizeBytes: 6_000_000_000, source: 'settings', noteKey: null }),
    ]);
  });

  it('treats a missing tag as latest and the library namespace as none', () => {
    expect(canonicalName('llama3.2')).toBe('llama3.2:latest');
    expect(canonicalName('library/Llama3.2:3b')).toBe('llama3.2:3b');
    expect(canonicalName('registry.ollama.ai/library/qwen3:8b')).toBe('qwen3:8b');
  });
});
