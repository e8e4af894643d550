import type { RecommendationNote, RecommendedModel } from '../../../common/models';

/**
 * Models recommended for OpenClaw on a Mac: all of them call tools (OpenClaw needs that) and run
 * well under Ollama on Apple Silicon. Sizes are the library's default quantisation (Q4_K_M, or
 * MXFP4 for gpt-oss) as `ollama pull` downloads it; KV bytes per token at f16 follow from each
 * architecture: 2 (K and V) × layers × KV heads × head size × 2 bytes.
 */
export interface CatalogEntry extends RecommendedModel {
  kvBytesPerToken: number;
  noteKey: RecommendationNote;
}

const kv = (layers: number, kvHeads: number, headSize: number): number => 2 * layers * kvHeads * headSize * 2;

export const builtInCatalog: readonly CatalogEntry[] = [
  { name: 'llama3.2:3b', sizeBytes: 2_019_393_189, kvBytesPerToken: kv(28, 8, 128), noteKey: 'small' },
  { name: 'qwen3:4b', sizeBytes: 2_497_293_931, kvBytesPerToken: kv(36, 8, 128), noteKey: 'small' },
  { name: 'qwen3:8b', sizeBytes: 5_225_388_164, kvBytesPerToken: kv(36, 8, 128), noteKey: 'everyday' },
  { name: 'qwen3:14b', sizeBytes: 9_276_198_565, kvBytesPerToken: kv(40, 8, 128), noteKey: 'capable' },
  { name: 'gpt-oss:20b', sizeBytes: 13_780_173_839, kvBytesPerToken: kv(24, 8, 64), noteKey: 'reasoning' },
  { name: 'qwen3:30b', sizeBytes: 18_556_685_998, kvBytesPerToken: kv(48, 4, 128), noteKey: 'moe' },
  { name: 'qwen3:32b', sizeBytes: 20_201_253_588, kvBytesPerToken: kv(64, 8, 128), noteKey: 'large' },
  { name: 'gpt-oss:120b', sizeBytes: 65_290_181_902, kvBytesPerToken: kv(36, 8, 64), noteKey: 'large' },
];

export interface MergedRecommendation extends RecommendedModel {
  source: 'built-in' | 'settings';
  noteKey: RecommendationNote | null;
}

/** The built-in list with the user's entries from settings: same name replaces, new names are added. */
export function recommendedModels(userEntries: readonly RecommendedModel[]): MergedRecommendation[] {
  const merged = new Map<string, MergedRecommendation>();
  for (const entry of builtInCatalog) merged.set(canonicalName(entry.name), { ...entry, source: 'built-in' });
  for (const entry of userEntries) {
    merged.set(canonicalName(entry.name), { ...entry, source: 'settings', noteKey: null });
  }
  return [...merged.values()].sort((a, b) => a.sizeBytes - b.sizeBytes);
}

/** `llama3.2` and `llama3.2:latest` are one model; so are `library/x` and `x`. */
export function canonicalName(name: string): string {
  const trimmed = name
    .trim()
    .toLowerCase()
    .replace(/^(registry\.ollama\.ai\/)?library\//, '');
  return trimmed.includes(':') ? trimmed : `${trimmed}:latest`;
}
