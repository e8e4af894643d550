import type { ComponentUpdate } from '../vm/vm-presence';

export type FetchLike = (input: string, init?: { signal?: AbortSignal }) => Promise<Response>;

export interface ServerProbeOptions {
  fetch?: FetchLike;
  timeoutMs?: number;
}

/**
 * Is a local model server answering? Ollama: `GET /api/version` → `{"version":"…"}`.
 * LM Studio: `GET /v1/models` (OpenAI-compatible). A dead port, a timeout or an answer of the
 * wrong shape all count as not answering, with the cause in the message.
 */
export async function probeOllama(
  baseUrl: string,
  options: ServerProbeOptions = {},
): Promise<ComponentUpdate> {
  const address = new URL(baseUrl).host;
  try {
    const body = await getJson(new URL('/api/version', baseUrl).toString(), options);
    const version = typeof body === 'object' && body !== null && 'version' in body ? body.version : undefined;
    if (typeof version !== 'string') throw new Error('answer without a version');
    return {
      ollama: {
        state: 'running',
        version,
        reason: { code: 'ollama-answering', message: `Ollama ${version} on ${address}`, params: { address } },
      },
    };
  } catch (error) {
    return {
      ollama: {
        state: 'stopped',
        reason: {
          code: 'ollama-not-answering',
          message: `Nothing answers on ${address}: ${describe(error)}`,
          params: { address },
        },
      },
    };
  }
}

export async function probeLmStudio(
  baseUrl: string,
  options: ServerProbeOptions = {},
): Promise<ComponentUpdate> {
  const address = new URL(baseUrl).host;
  try {
    const body = await getJson(new URL('/v1/models', baseUrl).toString(), options);
    if (typeof body !== 'object' || body === null || !Array.isArray((body as { data?: unknown }).data)) {
      throw new Error('answer is not a model list');
    }
    return {
      lmstudio: {
        state: 'running',
        reason: {
          code: 'lmstudio-answering',
          message: `LM Studio server on ${address}`,
          params: { address },
        },
      },
    };
  } catch (error) {
    return {
      lmstudio: {
        state: 'stopped',
        reason: {
          code: 'lmstudio-not-answering',
          message: `LM Studio server not answering on ${address}: ${describe(error)}`,
          params: { address },
        },
      },
    };
  }
}

async function getJson(
  url: string,
  { fetch: fetchImpl = fetch, timeoutMs = 1500 }: ServerProbeOptions,
): Promise<unknown> {
  const response = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return await response.json();
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause;
    if (cause?.code) return cause.code;
    if (error.name === 'TimeoutError') return 'timed out';
    return error.message;
  }
  return String(error);
}
