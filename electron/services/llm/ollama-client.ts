import { z } from 'zod';

import { ClawbarError } from '../../../common/errors';
import { redactor } from '../platform/redact';
import { readNdjson } from './ndjson';

/**
 * The Ollama REST API (reference/ollama-api.md), with an explicit deadline on every request and
 * typed failures: nothing listening is `ollama-unreachable`, an `{"error": …}` answer is
 * `ollama-api-error` (or `model-not-found` for a 404), garbage is `ollama-api-error`, and an error
 * line in the middle of a pull stream (which arrives with HTTP 200) is `pull-failed` with the
 * server's text.
 */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface OllamaClientOptions {
  fetch?: FetchLike;
  /** Deadline of short requests (version, list, ps, show, delete). */
  requestTimeoutMs?: number;
  /** A pull fails when no line has arrived for this long (a pull itself may take hours). */
  pullIdleTimeoutMs?: number;
  /** Deadline of a test generation, model load included. */
  generateTimeoutMs?: number;
}

const detailsWire = z
  .object({
    format: z.string().optional(),
    family: z.string().optional(),
    parameter_size: z.string().optional(),
    quantization_level: z.string().optional(),
  })
  .partial()
  .optional();

const tagModelWire = z.object({
  name: z.string(),
  model: z.string().optional(),
  modified_at: z.string().optional(),
  size: z.number().nonnegative(),
  digest: z.string().optional(),
  details: detailsWire,
});
export type TagModel = z.infer<typeof tagModelWire>;

const psModelWire = z.object({
  name: z.string(),
  model: z.string().optional(),
  size: z.number().nonnegative(),
  size_vram: z.number().nonnegative().optional(),
  digest: z.string().optional(),
  expires_at: z.string().optional(),
  context_length: z.number().nonnegative().optional(),
  details: detailsWire,
});
export type PsModel = z.infer<typeof psModelWire>;

const showWire = z.object({
  modelfile: z.string().optional(),
  parameters: z.string().optional(),
  template: z.string().optional(),
  license: z.string().optional(),
  details: detailsWire,
  model_info: z.record(z.string(), z.unknown()).optional(),
  capabilities: z.array(z.string()).optional(),
});
export type ShowResponse = z.infer<typeof showWire>;

const generateWire = z.object({
  model: z.string().optional(),
  response: z.string().optional(),
  done: z.boolean().optional(),
  total_duration: z.number().nonnegative().optional(),
  load_duration: z.number().nonnegative().optional(),
  prompt_eval_count: z.number().nonnegative().optional(),
  prompt_eval_duration: z.number().nonnegative().optional(),
  eval_count: z.number().nonnegative().optional(),
  eval_duration: z.number().nonnegative().optional(),
});
export type GenerateResponse = z.infer<typeof generateWire>;

export const pullLineSchema = z.object({
  status: z.string(),
  digest: z.string().optional(),
  total: z.number().nonnegative().optional(),
  completed: z.number().nonnegative().optional(),
});
export type PullLine = z.infer<typeof pullLineSchema>;

const errorWire = z.object({ error: z.string() });

/** What answers on an address: Ollama, something else, or nothing at all. */
export type AddressProbe =
  | { kind: 'ollama'; version: string }
  | { kind: 'other'; detail: string }
  | { kind: 'nothing'; detail: string };

export class OllamaClient {
  private readonly fetchImpl: FetchLike;
  private readonly requestTimeoutMs: number;
  private readonly pullIdleTimeoutMs: number;
  private readonly generateTimeoutMs: number;

  constructor(
    readonly baseUrl: URL,
    options: OllamaClientOptions = {},
  ) {
    this.fetchImpl = options.fetch ?? fetch;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.pullIdleTimeoutMs = options.pullIdleTimeoutMs ?? 120_000;
    this.generateTimeoutMs = options.generateTimeoutMs ?? 300_000;
  }

  /**
   * Tells Ollama from an impostor: Ollama answers `GET /` with `Ollama is running` and
   * `/api/version` with `{"version": …}`. A refused connection means nothing listens.
   */
  async probe(timeoutMs = 2000): Promise<AddressProbe> {
    let response: Response;
    try {
      response = await this.fetchImpl(this.url('/'), { signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const reason = networkReason(error);
      if (reason.kind === 'refused') return { kind: 'nothing', detail: reason.detail };
      return { kind: 'other', detail: reason.detail };
    }
    const text = await response.text().catch(() => '');
    if (!response.ok || !text.startsWith('Ollama is running')) {
      return { kind: 'other', detail: `HTTP ${response.status}: ${summarise(text)}` };
    }
    try {
      return { kind: 'ollama', version: await this.version(timeoutMs) };
    } catch (error) {
      return { kind: 'other', detail: error instanceof Error ? error.message : String(error) };
    }
  }

  async version(timeoutMs = this.requestTimeoutMs, signal?: AbortSignal): Promise<string> {
    const body = await this.json('GET', '/api/version', undefined, { timeoutMs, signal });
    return parseWire(z.object({ version: z.string() }), body, '/api/version').version;
  }

  async list(signal?: AbortSignal): Promise<TagModel[]> {
    const body = await this.json('GET', '/api/tags', undefined, { signal });
    return parseWire(z.object({ models: z.array(tagModelWire).nullable() }), body, '/api/tags').models ?? [];
  }

  async running(signal?: AbortSignal): Promise<PsModel[]> {
    const body = await this.json('GET', '/api/ps', undefined, { signal });
    return parseWire(z.object({ models: z.array(psModelWire).nullable() }), body, '/api/ps').models ?? [];
  }

  async show(model: string, signal?: AbortSignal): Promise<ShowResponse> {
    const body = await this.json('POST', '/api/show', { model }, { signal, model });
    return parseWire(showWire, body, '/api/show');
  }

  async delete(model: string, signal?: AbortSignal): Promise<void> {
    await this.json('DELETE', '/api/delete', { model }, { signal, model });
  }

  /**
   * Pulls a model, calling onLine for every progress line. Resolves on `{"status":"success"}`;
   * a stream that ends without it, or carries an error line, fails.
   */
  async pull(
    model: string,
    { signal, onLine }: { signal?: AbortSignal; onLine: (line: PullLine) => void },
  ): Promise<void> {
    const idle = new AbortController();
    let idleTimer: NodeJS.Timeout | undefined;
    const armIdle = (): void => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => idle.abort(new IdleTimeout()), this.pullIdleTimeoutMs);
      idleTimer.unref();
    };
    const combined = signal ? AbortSignal.any([signal, idle.signal]) : idle.signal;
    armIdle();
    try {
      const response = await this.send('POST', '/api/pull', { model, stream: true }, combined);
      if (!response.ok) throw await httpError(response, '/api/pull', model, 'pull-failed');
      if (!response.body) throw new ClawbarError('pull-failed', `Pulling ${model}: the answer had no body.`);
      let succeeded = false;
      for await (const raw of readNdjson(response.body)) {
        armIdle();
        const error = errorWire.safeParse(raw);
        if (error.success) {
          throw new ClawbarError('pull-failed', `Pulling ${model} failed: ${clean(error.data.error)}`);
        }
        const line = pullLineSchema.safeParse(raw);
        if (!line.success) {
          throw new ClawbarError(
            'ollama-api-error',
            `Pulling ${model}: unexpected line from Ollama: ${summarise(JSON.stringify(raw))}`,
          );
        }
        onLine(line.data);
        if (line.data.status === 'success') succeeded = true;
      }
      if (!succeeded) {
        throw new ClawbarError(
          'pull-failed',
          `Pulling ${model}: Ollama closed the stream before it reported success.`,
        );
      }
    } catch (error) {
      if (idle.signal.aborted && !signal?.aborted) {
        throw new ClawbarError(
          'timeout',
          `Pulling ${model}: no progress from Ollama for ${Math.round(this.pullIdleTimeoutMs / 1000)} s.`,
        );
      }
      throw toClawbarError(error, `Pulling ${model}`, this.baseUrl, signal);
    } finally {
      clearTimeout(idleTimer);
    }
  }

  /** One generation without streaming; the answer carries the server's timing counters. */
  async generate(
    model: string,
    prompt: string,
    options: { signal?: AbortSignal; numPredict?: number; keepAlive?: string } = {},
  ): Promise<GenerateResponse> {
    const body = await this.json(
      'POST',
      '/api/generate',
      {
        model,
        prompt,
        stream: false,
        ...(options.keepAlive ? { keep_alive: options.keepAlive } : {}),
        options: { num_predict: options.numPredict ?? 64, temperature: 0 },
      },
      { signal: options.signal, timeoutMs: this.generateTimeoutMs, model },
    );
    return parseWire(generateWire, body, '/api/generate');
  }

  private url(path: string): string {
    return new URL(path, this.baseUrl).toString();
  }

  private send(method: string, path: string, body: unknown, signal: AbortSignal): Promise<Response> {
    return this.fetchImpl(this.url(path), {
      method,
      signal,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
    });
  }

  private async json(
    method: string,
    path: string,
    body: unknown,
    options: { signal?: AbortSignal | undefined; timeoutMs?: number; model?: string },
  ): Promise<unknown> {
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const what = `${method} ${path}${options.model ? ` (${options.model})` : ''}`;
    try {
      const response = await this.send(method, path, body, signal);
      if (!response.ok) throw await httpError(response, what, options.model, 'ollama-api-error');
      const text = await response.text();
      if (text.trim() === '') return {};
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new ClawbarError(
          'ollama-api-error',
          `${what}: Ollama answered with something that is not JSON: ${summarise(text)}`,
        );
      }
    } catch (error) {
      if (timeout.aborted && !options.signal?.aborted) {
        throw new ClawbarError(
          'timeout',
          `${what}: Ollama at ${this.baseUrl.host} did not answer within ${timeoutMs} ms.`,
        );
      }
      throw toClawbarError(error, what, this.baseUrl, options.signal);
    }
  }
}

class IdleTimeout extends Error {
  override readonly name = 'IdleTimeout';
}

function parseWire<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ClawbarError(
      'ollama-api-error',
      `${what}: unexpected answer from Ollama (${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}).`,
    );
  }
  return parsed.data;
}

async function httpError(
  response: Response,
  what: string,
  model: string | undefined,
  code: 'ollama-api-error' | 'pull-failed',
): Promise<ClawbarError> {
  const text = await response.text().catch(() => '');
  let message = summarise(text);
  try {
    const parsed = errorWire.safeParse(JSON.parse(text));
    if (parsed.success) message = clean(parsed.data.error);
  } catch {
    // Not JSON: keep the text.
  }
  if (response.status === 404 && model) {
    return new ClawbarError('model-not-found', `${what}: ${message || `model "${model}" not found`}`);
  }
  return new ClawbarError(
    code,
    `${what}: Ollama answered HTTP ${response.status}: ${message || response.statusText}`,
  );
}

type NetworkReason = { kind: 'refused' | 'other'; detail: string };

/** Why a fetch failed, in words: undici hides the socket error in `cause`. */
export function networkReason(error: unknown): NetworkReason {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return { kind: 'other', detail: 'no answer in time' };
    const cause = (error as Error & { cause?: { code?: unknown; message?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? cause.code : undefined;
    if (code === 'ECONNREFUSED' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      return { kind: 'refused', detail: code };
    }
    if (code) return { kind: 'other', detail: code };
    return { kind: 'other', detail: error.message };
  }
  return { kind: 'other', detail: String(error) };
}

function toClawbarError(error: unknown, what: string, baseUrl: URL, signal?: AbortSignal): ClawbarError {
  if (error instanceof ClawbarError) return error;
  if (signal?.aborted) return new ClawbarError('cancelled', `${what}: cancelled.`);
  const reason = networkReason(error);
  return new ClawbarError(
    'ollama-unreachable',
    `${what}: cannot reach Ollama at ${baseUrl.host} (${reason.detail}).`,
    undefined,
    { cause: error },
  );
}

function clean(text: string): string {
  return redactor.text(text.trim()).slice(0, 2000);
}

function summarise(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return clean(flat.length > 200 ? `${flat.slice(0, 200)}…` : flat);
}
