import type { FetchLike } from '../llm/ollama-client';
import { singleSource, type MetricsSource } from './collector';
import { parseOllamaPs } from './parse-ollama-ps';
import { parseOutcome } from './parse-outcome';
import { failure, reasons } from './readings';

/**
 * Per-model memory from Ollama's `GET /api/ps`, read here through a small source of its own (the
 * local-models service owns the rest of the Ollama API). Polled every 2 s: it is cheap, but models
 * load and unload on a human time scale.
 */
export function ollamaPsSource(
  /** Asked at every poll: the address follows the Ollama settings. */
  baseUrl: () => URL,
  { fetch: fetchImpl = fetch, timeoutMs = 1500 }: { fetch?: FetchLike; timeoutMs?: number } = {},
): MetricsSource {
  return singleSource(
    'ollama',
    'ollama',
    async signal => {
      const url = new URL('/api/ps', baseUrl()).toString();
      const address = baseUrl().host;
      let text: string;
      try {
        const response = await fetchImpl(url, {
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        });
        if (!response.ok)
          return failure(reasons.failed('ollama', `GET /api/ps answered HTTP ${response.status}`));
        text = await response.text();
      } catch (error) {
        return failure({
          code: 'metrics-ollama-not-answering',
          message: `Ollama does not answer on ${address}: ${describe(error)}`,
          params: { address },
        });
      }
      return parseOutcome('ollama', () => parseOllamaPs(text));
    },
    { periodMs: 2000 },
  );
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (error instanceof Error) return error.name === 'TimeoutError' ? 'timed out' : error.message;
  return String(error);
}
