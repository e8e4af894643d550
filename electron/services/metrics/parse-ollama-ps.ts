import type { ModelMemory } from '../../../common/metrics';
import { MetricsParseError } from './parse-error';

/**
 * Ollama `GET /api/ps`: the loaded models, `size` (everything the model uses) and `size_vram` (the
 * part on the GPU). Old servers omitted `size_vram` when it was 0 (ollama#4840), so missing means 0;
 * a missing `size` stays unknown. Unknown fields are ignored, entries without a name skipped.
 */
export function parseOllamaPs(text: string): ModelMemory[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MetricsParseError('/api/ps answer is not JSON');
  }
  const models = (json as { models?: unknown } | null)?.models;
  if (!Array.isArray(models)) throw new MetricsParseError('/api/ps answer has no models list');
  return models.flatMap((entry: unknown): ModelMemory[] => {
    if (typeof entry !== 'object' || entry === null) return [];
    const record = entry as Record<string, unknown>;
    const name = typeof record.name === 'string' && record.name !== '' ? record.name : record.model;
    if (typeof name !== 'string' || name === '') return [];
    return [{ name, sizeBytes: bytes(record.size), vramBytes: bytes(record.size_vram) ?? 0 }];
  });
}

function bytes(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}
