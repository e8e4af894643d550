import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join, resolve } from 'node:path';

import { WebSocketServer, type RawData, type WebSocket } from 'ws';

import type { EventName, EventPayload } from '../../common/contract';
import { wsInvokeFrameSchema, wsPath, wsTokenParam, type WsServerFrame } from '../../common/ws-protocol';
import { type Client, type ClientHub } from '../services/ipc/clients';
import { dispatch, type Handlers } from '../services/ipc/dispatch';
import { Emitter } from '../services/platform/event';
import { contentTypeFor, resolveInsideRoot } from '../services/platform/static-files';
import type { Logger } from '../services/platform/log';

/**
 * The devhost: the renderer and the IPC contract served to a browser, for the demo and the browser
 * e2e tests. A page with power over a VM must not be reachable by other websites or other users of
 * the machine, so:
 * - it listens on 127.0.0.1 only;
 * - the WebSocket needs the per-run random token (given to the page in the URL fragment, which
 *   browsers never send to servers) and an Origin that is this server itself; anything else is
 *   refused during the handshake, before a single channel runs;
 * - the Host header must name this server (defeats DNS rebinding to 127.0.0.1).
 */
export interface DevhostOptions {
  handlers: Handlers;
  hub: ClientHub;
  log: Logger;
  /** Built renderer (index.html and assets). */
  staticDir: string;
  port?: number;
  /** Only for tests that need a known token; normally a fresh random one per run. */
  token?: string;
  maxPayloadBytes?: number;
}

export interface Devhost {
  readonly port: number;
  readonly origin: string;
  readonly token: string;
  /** The address to open: the origin with the token in the fragment. */
  readonly url: string;
  readonly connectionCount: number;
  close(): Promise<void>;
}

export function contentSecurityPolicy(origin: string): string {
  const wsOrigin = origin.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${wsOrigin}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

export function generateToken(): string {
  return randomBytes(32).toString('hex');
}

export function tokensMatch(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Hosts and origins this server answers to: its own address, by IP or as localhost. */
function ownAuthorities(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export type HandshakeVerdict = { ok: true } | { ok: false; status: 400 | 401 | 403 | 404; reason: string };

/** Decides whether a WebSocket upgrade may proceed. Pure, so every refusal path is unit-tested. */
export function checkHandshake(
  request: { url?: string | undefined; headers: Record<string, string | string[] | undefined> },
  port: number,
  token: string,
): HandshakeVerdict {
  const authorities = ownAuthorities(port);
  const host = request.headers.host;
  if (typeof host !== 'string' || !authorities.has(host))
    return { ok: false, status: 403, reason: 'foreign Host' };
  const url = new URL(request.url ?? '/', `http://${host}`);
  if (url.pathname !== wsPath) return { ok: false, status: 404, reason: 'unknown path' };
  const origin = request.headers.origin;
  if (typeof origin !== 'string') return { ok: false, status: 403, reason: 'missing Origin' };
  let originAuthority: string;
  try {
    const parsed = new URL(origin);
    originAuthority = parsed.protocol === 'http:' ? parsed.host : '';
  } catch {
    return { ok: false, status: 403, reason: 'malformed Origin' };
  }
  if (!authorities.has(originAuthority)) return { ok: false, status: 403, reason: 'foreign Origin' };
  if (!tokensMatch(token, url.searchParams.get(wsTokenParam)))
    return { ok: false, status: 401, reason: 'wrong token' };
  return { ok: true };
}

export async function startDevhost(options: DevhostOptions): Promise<Devhost> {
  const token = options.token ?? generateToken();
  const { log, hub, handlers } = options;
  const staticRoot = resolve(options.staticDir);
  const sockets = new Set<WebSocket>();
  let nextClientId = 1;
  let port = 0;

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 1024 * 1024 });

  const server: Server = createServer((request, response) => {
    serveStatic(request, response, staticRoot, port).catch((error: unknown) => {
      log.error('Static file error', { error: String(error) });
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const verdict = checkHandshake(request, port, token);
    if (!verdict.ok) {
      log.warn('Refused a WebSocket connection', {
        reason: verdict.reason,
        origin: request.headers.origin ?? null,
      });
      socket.end(
        `HTTP/1.1 ${verdict.status} ${verdict.reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      return;
    }
    wss.handleUpgrade(request, socket, head, ws => onConnection(ws));
  });

  const onConnection = (ws: WebSocket): void => {
    sockets.add(ws);
    const closed = new Emitter<void>();
    const send = (frame: WsServerFrame): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const client: Client = {
      id: `ws-${nextClientId++}`,
      send: <E extends EventName>(event: E, payload: EventPayload<E>) =>
        send({ type: 'event', event, payload }),
      onDidClose: closed.event,
    };
    const registration = hub.add(client);
    log.info('Client connected', { client: client.id });

    ws.on('message', (data, isBinary) => {
      void handleFrame(isBinary ? null : rawDataToText(data)).then(send);
    });
    ws.on('error', error => log.warn('WebSocket error', { client: client.id, error: error.message }));
    ws.on('close', () => {
      sockets.delete(ws);
      registration.dispose();
      closed.fire();
      closed.dispose();
      log.info('Client disconnected', { client: client.id });
    });

    const handleFrame = async (text: string | null): Promise<WsServerFrame> => {
      if (text === null) return invalidMessage('binary frames are not supported');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return invalidMessage('not JSON');
      }
      const frame = wsInvokeFrameSchema.safeParse(json);
      if (!frame.success) return invalidMessage('not an invoke frame');
      const result = await dispatch(handlers, frame.data.channel, frame.data.input, { client }, log);
      return { type: 'result', id: frame.data.id, result };
    };
  };

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    port,
    origin,
    token,
    url: `${origin}/#token=${token}`,
    get connectionCount() {
      return sockets.size;
    },
    close: async () => {
      for (const ws of sockets) ws.close(1001, 'devhost shutting down');
      wss.close();
      server.closeAllConnections();
      await new Promise<void>(resolvePromise => server.close(() => resolvePromise()));
    },
  };
}

function rawDataToText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(new Uint8Array(data)).toString('utf8');
}

function invalidMessage(detail: string): WsServerFrame {
  return { type: 'error', error: { code: 'invalid-message', message: `Unreadable message: ${detail}` } };
}

async function serveStatic(
  request: IncomingMessage,
  response: ServerResponse,
  root: string,
  port: number,
): Promise<void> {
  const host = request.headers.host;
  if (!host || !ownAuthorities(port).has(host)) {
    response.writeHead(403, { 'Content-Type': 'text/plain' }).end('Forbidden host');
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const origin = `http://${host}`;
  const { pathname } = new URL(request.url ?? '/', origin);
  let file = resolveInsideRoot(root, pathname);
  if (!file) {
    response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    return;
  }
  const stats = await stat(file).catch(() => undefined);
  if (!stats?.isFile()) {
    // Client-side routes fall back to the app's entry page; missing assets stay 404.
    if (extname(pathname) !== '') {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    file = join(root, 'index.html');
  }
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    response
      .writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' })
      .end('The renderer is not built. Run `npm run build:renderer` (npm run demo does it for you).');
    return;
  }
  response.writeHead(200, {
    'Content-Type': contentTypeFor(file),
    'Content-Security-Policy': contentSecurityPolicy(origin),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}
