import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { hostname } from 'node:os';

import { defaultPullErrorMessage, type FakeOllamaFaults } from './faults';
import { findInLibrary, layersOf, normaliseName, type LibraryModel } from './library';
import { ModelStore, type StoredModel } from './store';

/**
 * A fake Ollama server speaking the documented API (reference/ollama-api.md) with the real
 * shapes, statuses and failure modes: streaming pulls in NDJSON with an error line on HTTP 200,
 * `/api/ps` with size and size_vram, generations with the real counters (durations in ns), 404s
 * with `{"error": …}`, Go's plain-text 404/405, and the loopback Host-header guard (403).
 */
export interface FakeOllamaOptions {
  stateDir: string;
  host?: string;
  port?: number;
  version?: string;
  faults?: FakeOllamaFaults;
  seed?: readonly string[];
  /** GPU memory the fake "has": a loaded model bigger than this shows size_vram < size. */
  vramBytes?: number;
  /** Request log lines in Ollama's GIN format (the stand-in executable writes them to stderr). */
  log?: (line: string) => void;
  /** Interval between pull progress lines. */
  pullTickMs?: number;
}

export interface FakeOllama {
  readonly url: string;
  readonly port: number;
  readonly store: ModelStore;
  /** Stops answering (the "hang" fault), keeping the port. */
  hang(): void;
  close(): Promise<void>;
}

export const defaultFakeVersion = '0.12.6';
const defaultPullSpeed = 1_500_000_000;

interface Loaded {
  name: string;
  expiresAt: number;
  sizeBytes: number;
  contextLength: number;
}

export async function startFakeOllama(options: FakeOllamaOptions): Promise<FakeOllama> {
  const store = new ModelStore(options.stateDir, options.seed);
  const faults = options.faults ?? {};
  const version = options.version ?? defaultFakeVersion;
  const loaded = new Map<string, Loaded>();
  const tickMs = options.pullTickMs ?? 100;
  const host = options.host ?? '127.0.0.1';
  let hung = false;

  const server: Server = createServer((request, response) => {
    if (hung) return; // keeps the socket open and never answers, like a wedged server
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      options.log?.(ginLine(response.statusCode, elapsed, request));
    });
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: String(error) });
      else response.end();
    });
  });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (!allowedHost(request.headers.host, host)) {
      response.writeHead(403, { 'Content-Type': 'text/plain' }).end();
      return;
    }
    const { pathname } = new URL(request.url ?? '/', 'http://fake');
    const method = request.method ?? 'GET';
    const route = `${method} ${pathname}`;
    switch (route) {
      case 'GET /':
      case 'HEAD /':
        response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        response.end(method === 'HEAD' ? undefined : 'Ollama is running');
        return;
      case 'GET /api/version':
      case 'HEAD /api/version':
        sendJson(response, 200, { version });
        return;
      case 'GET /api/tags':
      case 'HEAD /api/tags':
        sendJson(response, 200, { models: store.models.map(tagOf) });
        return;
      case 'GET /api/ps':
        sendJson(response, 200, { models: runningModels() });
        return;
      case 'GET /v1/models':
        sendJson(response, 200, {
          object: 'list',
          data: store.models.map(model => ({
            id: model.name,
            object: 'model',
            created: Math.floor(Date.parse(model.modifiedAt) / 1000),
            owned_by: 'library',
          })),
        });
        return;
      case 'POST /api/pull':
        await pull(request, response);
        return;
      case 'DELETE /api/delete':
        await remove(request, response);
        return;
      case 'POST /api/show':
        await show(request, response);
        return;
      case 'POST /api/generate':
        await generate(request, response);
        return;
      default:
        if (knownPaths.has(pathname)) {
          response.writeHead(405, { 'Content-Type': 'text/plain' }).end('405 method not allowed');
        } else {
          response.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found');
        }
    }
  };

  const runningModels = () => {
    const now = Date.now();
    for (const [name, entry] of loaded) if (entry.expiresAt <= now) loaded.delete(name);
    return [...loaded.values()].map(entry => {
      const stored = store.find(entry.name);
      const details = stored ? detailsOf(stored) : undefined;
      const vram =
        options.vramBytes === undefined ? entry.sizeBytes : Math.min(entry.sizeBytes, options.vramBytes);
      return {
        name: entry.name,
        model: entry.name,
        size: entry.sizeBytes,
        digest: stored?.digest ?? '',
        details,
        expires_at: new Date(entry.expiresAt).toISOString(),
        size_vram: vram,
        context_length: entry.contextLength,
      };
    });
  };

  const pull = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request, response);
    if (!body) return;
    const name = modelField(body);
    if (!name) {
      sendJson(response, 400, { error: 'model is required' });
      return;
    }
    const stream = body.stream !== false;
    const model = findInLibrary(name);
    if (!stream) {
      if (!model) {
        sendJson(response, 500, { error: 'pull model manifest: file does not exist' });
        return;
      }
      store.add(model, new Date());
      sendJson(response, 200, { status: 'success' });
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    const write = (value: object): void => {
      response.write(`${JSON.stringify(value)}\n`);
    };
    write({ status: 'pulling manifest' });
    if (!model) {
      write({ error: 'pull model manifest: file does not exist' });
      response.end();
      return;
    }
    await streamLayers(model, write, response);
  };

  const streamLayers = async (
    model: LibraryModel,
    write: (value: object) => void,
    response: ServerResponse,
  ): Promise<void> => {
    const layers = layersOf(model);
    const speed = faults.pullBytesPerSecond ?? defaultPullSpeed;
    const errorAt = faults.pullErrorAt;
    // An object, not a let: the close handler changes it between awaits.
    const client = { gone: false };
    response.on('close', () => {
      if (!response.writableFinished) client.gone = true;
    });
    const resumed = Math.min(store.partial(model.name), model.sizeBytes);
    let done = resumed;
    // Manifest order: the weights first (announced with their size), then the small layers, which
    // arrive at once; then the weights tick by tick, from where a cancelled pull stopped.
    const [weights, ...small] = layers;
    if (!weights) return;
    const smallBytes = small.reduce((sum, layer) => sum + layer.size, 0);
    let completed = Math.max(0, done - smallBytes);
    write({
      status: `pulling ${weights.digest.slice(7, 19)}`,
      digest: weights.digest,
      total: weights.size,
      ...(completed > 0 ? { completed } : {}),
    });
    for (const layer of small) {
      write({
        status: `pulling ${layer.digest.slice(7, 19)}`,
        digest: layer.digest,
        total: layer.size,
        completed: layer.size,
      });
    }
    const perTick = Math.max(1, Math.round((speed * tickMs) / 1000));
    while (completed < weights.size) {
      await delay(tickMs);
      if (client.gone) {
        store.setPartial(model.name, smallBytes + completed);
        return;
      }
      completed = Math.min(weights.size, completed + perTick);
      done = smallBytes + completed;
      if (errorAt !== undefined && done >= model.sizeBytes * errorAt) {
        store.setPartial(model.name, done);
        write({ error: defaultPullErrorMessage });
        response.end();
        return;
      }
      write({
        status: `pulling ${weights.digest.slice(7, 19)}`,
        digest: weights.digest,
        total: weights.size,
        completed,
      });
    }
    for (const status of ['verifying sha256 digest', 'writing manifest', 'removing any unused layers']) {
      write({ status });
      await delay(Math.min(tickMs, 20));
    }
    store.add(model, new Date());
    write({ status: 'success' });
    response.end();
  };

  const remove = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request, response);
    if (!body) return;
    const name = modelField(body);
    if (!name) {
      sendJson(response, 400, { error: 'model is required' });
      return;
    }
    if (!store.remove(name)) {
      sendJson(response, 404, { error: `model '${name}' not found` });
      return;
    }
    loaded.delete(normaliseName(name));
    response.writeHead(200).end();
  };

  const show = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request, response);
    if (!body) return;
    const name = modelField(body);
    const stored = name ? store.find(name) : undefined;
    const model = name ? findInLibrary(name) : undefined;
    if (!name || !stored || !model) {
      sendJson(response, 404, { error: `model '${name ?? ''}' not found` });
      return;
    }
    const arch = model.architecture;
    sendJson(response, 200, {
      license: 'Apache License\nVersion 2.0, January 2004\n…',
      modelfile: `# Modelfile generated by "ollama show"\nFROM /Users/me/.ollama/models/blobs/sha256-${stored.digest}\n`,
      parameters:
        'temperature                    0.6\ntop_k                          20\ntop_p                          0.95',
      template: '{{- if .System }}{{ .System }}{{ end }}{{ .Prompt }}',
      details: detailsOf(stored),
      model_info: {
        'general.architecture': arch,
        'general.file_type': 15,
        'general.parameter_count': model.parameterCount,
        'general.quantization_version': 2,
        [`${arch}.block_count`]: model.blockCount,
        [`${arch}.attention.head_count`]: model.headCount,
        [`${arch}.attention.head_count_kv`]: model.headCountKv,
        [`${arch}.embedding_length`]: model.embeddingLength,
        [`${arch}.context_length`]: model.contextLength,
      },
      capabilities: model.capabilities,
      modified_at: stored.modifiedAt,
    });
  };

  const generate = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request, response);
    if (!body) return;
    const name = modelField(body);
    if (!name) {
      sendJson(response, 400, { error: 'model is required' });
      return;
    }
    const stored = store.find(name);
    const model = findInLibrary(name);
    if (!stored || !model) {
      sendJson(response, 404, { error: `model "${name}" not found, try pulling it first` });
      return;
    }
    const keepAliveMs = durationMs(body.keep_alive) ?? 5 * 60_000;
    const wasLoaded = loaded.has(stored.name);
    const createdAt = new Date().toISOString();
    if (keepAliveMs === 0) {
      loaded.delete(stored.name);
      sendJson(response, 200, {
        model: stored.name,
        created_at: createdAt,
        response: '',
        done: true,
        done_reason: 'unload',
      });
      return;
    }
    const options = (typeof body.options === 'object' && body.options !== null ? body.options : {}) as Record<
      string,
      unknown
    >;
    const contextLength = typeof options.num_ctx === 'number' ? options.num_ctx : 4096;
    loaded.set(stored.name, {
      name: stored.name,
      expiresAt: keepAliveMs < 0 ? Date.now() + 10 * 365 * 86_400_000 : Date.now() + keepAliveMs,
      sizeBytes: Math.round(
        model.sizeBytes * 1.08 + contextLength * 2 * model.blockCount * model.headCountKv * 128 * 2,
      ),
      contextLength,
    });
    const prompt = typeof body.prompt === 'string' ? body.prompt : '';
    if (prompt === '') {
      sendJson(response, 200, {
        model: stored.name,
        created_at: createdAt,
        response: '',
        done: true,
        done_reason: 'load',
      });
      return;
    }
    const limit =
      typeof options.num_predict === 'number' && options.num_predict > 0 ? options.num_predict : 128;
    const words = cannedAnswer.split(' ').slice(0, Math.max(1, Math.min(limit, 64)));
    const evalCount = words.length;
    const promptEvalCount = Math.max(1, Math.round(prompt.length / 4));
    const evalDuration = Math.round((evalCount / model.tokensPerSecond) * 1e9);
    const promptEvalDuration = Math.round((promptEvalCount / (model.tokensPerSecond * 8)) * 1e9);
    const loadDuration = wasLoaded ? 18_000_000 : Math.round((model.sizeBytes / 5e9) * 1.4e9);
    const final = {
      model: stored.name,
      created_at: createdAt,
      response: words.join(' '),
      done: true,
      done_reason: 'stop',
      context: [1, 2, 3],
      total_duration: loadDuration + promptEvalDuration + evalDuration + 1_000_000,
      load_duration: loadDuration,
      prompt_eval_count: promptEvalCount,
      prompt_eval_duration: promptEvalDuration,
      eval_count: evalCount,
      eval_duration: evalDuration,
    };
    if (body.stream === false) {
      sendJson(response, 200, final);
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    for (const [index, word] of words.entries()) {
      response.write(
        `${JSON.stringify({ model: stored.name, created_at: createdAt, response: index === 0 ? word : ` ${word}`, done: false })}\n`,
      );
    }
    response.end(`${JSON.stringify({ ...final, response: '' })}\n`);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let hangTimer: NodeJS.Timeout | undefined;
  if (faults.hangAfterMs !== undefined) {
    hangTimer = setTimeout(() => {
      hung = true;
    }, faults.hangAfterMs);
    hangTimer.unref();
  }
  return {
    url,
    port,
    store,
    hang: () => {
      hung = true;
    },
    close: () => {
      clearTimeout(hangTimer);
      server.closeAllConnections();
      return new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}

const knownPaths = new Set([
  '/',
  '/api/version',
  '/api/tags',
  '/api/ps',
  '/api/pull',
  '/api/delete',
  '/api/show',
  '/api/generate',
  '/v1/models',
]);

const cannedAnswer =
  'Hello! I am a local model running on your Mac through Ollama, ready to help with whatever you need today, from code to writing and planning.';

function detailsOf(stored: StoredModel) {
  const model = findInLibrary(stored.name);
  return {
    parent_model: '',
    format: 'gguf',
    family: model?.family ?? 'unknown',
    families: [model?.family ?? 'unknown'],
    parameter_size: model?.parameterSize ?? '',
    quantization_level: model?.quantization ?? '',
  };
}

function tagOf(stored: StoredModel) {
  return {
    name: stored.name,
    model: stored.name,
    modified_at: stored.modifiedAt,
    size: stored.sizeBytes,
    digest: stored.digest,
    details: detailsOf(stored),
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function modelField(body: Record<string, unknown>): string | undefined {
  const value = body.model ?? body.name;
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

async function readBody(
  request: IncomingMessage,
  response: ServerResponse,
): Promise<Record<string, unknown> | undefined> {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > 1_000_000) {
      sendJson(response, 413, { error: 'request body too large' });
      return undefined;
    }
  }
  try {
    const parsed = JSON.parse(text === '' ? '{}' : text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch (error) {
    sendJson(response, 400, { error: `invalid character in request body: ${(error as Error).message}` });
    return undefined;
  }
  sendJson(response, 400, { error: 'json: cannot unmarshal into Go value of type api.Request' });
  return undefined;
}

/** keep_alive as Ollama reads it: a Go duration string or a number of seconds. */
function durationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return value < 0 ? -1 : value * 1000;
  if (typeof value !== 'string') return undefined;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  if (value.startsWith('-')) return -1;
  let total = 0;
  for (const match of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(match[1]) * (units[match[2] ?? 's'] ?? 1000);
  return /^\d+$/.test(value) ? Number(value) * 1000 : total;
}

/**
 * Ollama's guard for a loopback listener: the Host must be a loopback, private or unspecified
 * IP, localhost, this machine's name, or end in .localhost, .local or .internal (else 403).
 */
export function allowedHost(header: string | undefined, listenHost: string): boolean {
  if (!['127.0.0.1', '::1', 'localhost'].includes(listenHost)) return true;
  if (!header) return true;
  const name = header
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  if (name === 'localhost' || name === hostname().toLowerCase()) return true;
  if (['.localhost', '.local', '.internal'].some(suffix => name.endsWith(suffix))) return true;
  if (isIP(name) === 4) {
    const [a = 0, b = 0] = name.split('.').map(Number);
    return a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  }
  if (isIP(name) === 6) return name === '::1' || name === '::' || /^f[cd]/.test(name);
  return false;
}

function ginLine(status: number, elapsedMs: number, request: IncomingMessage): string {
  const now = new Date();
  const stamp = `${now.getFullYear()}/${pad(now.getMonth() + 1)}/${pad(now.getDate())} - ${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
  const remote = request.socket.remoteAddress ?? '-';
  return `[GIN] ${stamp} | ${status} | ${elapsedMs.toFixed(3).padStart(12)}ms | ${remote.padStart(15)} | ${(request.method ?? '').padEnd(8)} "${request.url ?? ''}"`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
