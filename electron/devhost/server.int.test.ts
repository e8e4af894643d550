import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

import { invokeChannels } from '../../common/contract';
import { wsServerFrameSchema, type WsServerFrame } from '../../common/ws-protocol';
import { createLogger } from '../services/platform/log';
import { appPathsUnder } from '../services/platform/paths';
import { createServices, type Services } from '../services/services';
import { startDevhost, type Devhost } from './server';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(): Promise<{ devhost: Devhost; services: Services; staticDir: string }> {
  const home = await mkdtemp(join(tmpdir(), 'clawbar-devhost-'));
  const staticDir = join(home, 'static');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Clawbar</title>');
  await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(home, 'secret.txt'), 'do not serve');
  const log = createLogger({ sinks: [] });
  const services = createServices({
    paths: appPathsUnder(home),
    mode: 'demo',
    log,
    ollama: { url: 'http://127.0.0.1:9', supervise: false },
    lmStudioUrl: 'http://127.0.0.1:9',
    mac: { root: home, userHome: home },
    stateThrottleMs: 10,
  });
  await services.start();
  const devhost = await startDevhost({ handlers: services.handlers, hub: services.hub, log, staticDir });
  cleanups.push(
    () => services.dispose(),
    () => devhost.close(),
  );
  return { devhost, services, staticDir };
}

interface Connection {
  socket: WebSocket;
  frames: WsServerFrame[];
  invoke(channel: unknown, input?: unknown): Promise<WsServerFrame>;
  sendRaw(data: string | Buffer): Promise<WsServerFrame>;
}

function connect(
  devhost: Devhost,
  options: { token?: string; origin?: string | null } = {},
): Promise<Connection> {
  const headers: Record<string, string> = {};
  const origin = options.origin === undefined ? devhost.origin : options.origin;
  if (origin !== null) headers.Origin = origin;
  const socket = new WebSocket(`ws://127.0.0.1:${devhost.port}/api?token=${options.token ?? devhost.token}`, {
    headers,
  });
  const frames: WsServerFrame[] = [];
  const waiters: ((frame: WsServerFrame) => void)[] = [];
  socket.on('message', data => {
    const frame = wsServerFrameSchema.parse(JSON.parse((data as Buffer).toString('utf8')));
    frames.push(frame);
    if (frame.type !== 'event') waiters.shift()?.(frame);
  });
  let nextId = 1;
  const next = () => new Promise<WsServerFrame>(resolve => waiters.push(resolve));
  return new Promise((resolve, reject) => {
    socket.once('open', () =>
      resolve({
        socket,
        frames,
        invoke: (channel, input) => {
          const answer = next();
          socket.send(JSON.stringify({ type: 'invoke', id: nextId++, channel, input }));
          return answer;
        },
        sendRaw: data => {
          const answer = next();
          socket.send(data);
          return answer;
        },
      }),
    );
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`HTTP ${response.statusCode}`)),
    );
    socket.once('error', reject);
  });
}

describe('devhost', () => {
  it('listens on 127.0.0.1 only', async () => {
    const { devhost } = await start();
    expect(devhost.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(fetch(devhost.origin.replace('127.0.0.1', '[::1]'))).rejects.toThrow();
  });

  it('serves the contract over the socket', async () => {
    const { devhost } = await start();
    const connection = await connect(devhost);
    const answer = await connection.invoke('app:get-state');
    expect(answer).toMatchObject({
      type: 'result',
      id: 1,
      result: { ok: true, value: { app: { mode: 'demo' } } },
    });
  });

  it('refuses a wrong token before any channel runs', async () => {
    const { devhost } = await start();
    await expect(connect(devhost, { token: 'f'.repeat(64) })).rejects.toThrow('HTTP 401');
    expect(devhost.connectionCount).toBe(0);
  });

  it('refuses a foreign Origin and a missing one', async () => {
    const { devhost } = await start();
    await expect(connect(devhost, { origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect(devhost, { origin: null })).rejects.toThrow('HTTP 403');
  });

  it('answers unreadable frames with invalid-message and keeps serving', async () => {
    const { devhost } = await start();
    const connection = await connect(devhost);
    for (const raw of [
      'not json',
      '42',
      '{"type":"invoke"}',
      '{"type":"invoke","id":-1,"channel":"app:get-state"}',
      '[]',
    ]) {
      expect(await connection.sendRaw(raw)).toMatchObject({
        type: 'error',
        error: { code: 'invalid-message' },
      });
    }
    expect(await connection.sendRaw(Buffer.from([1, 2, 3]))).toMatchObject({
      type: 'error',
      error: { code: 'invalid-message' },
    });
    expect(await connection.invoke('app:get-info')).toMatchObject({ result: { ok: true } });
  });

  it('answers malformed input on every channel with a typed error', async () => {
    const { devhost } = await start();
    const connection = await connect(devhost);
    for (const channel of invokeChannels) {
      const answer = await connection.invoke(channel, { surely: ['not', 'valid'] });
      expect(answer, channel).toMatchObject({
        type: 'result',
        result: { ok: false, error: { code: 'invalid-input' } },
      });
    }
    expect(await connection.invoke('nope:never')).toMatchObject({
      result: { ok: false, error: { code: 'unknown-channel' } },
    });
  });

  it('closes a connection that sends an oversized frame, and stays up for others', async () => {
    const { devhost } = await start();
    const connection = await connect(devhost);
    const closed = new Promise<number>(resolve => connection.socket.once('close', code => resolve(code)));
    connection.socket.send('x'.repeat(2 * 1024 * 1024));
    expect(await closed).toBe(1009);
    const again = await connect(devhost);
    expect(await again.invoke('app:get-info')).toMatchObject({ result: { ok: true } });
  });

  it('pushes events to connected clients', async () => {
    const { devhost } = await start();
    const connection = await connect(devhost);
    await connection.invoke('settings:update', { language: 'fr' });
    await new Promise(resolve => setTimeout(resolve, 50));
    const events = connection.frames.filter(frame => frame.type === 'event').map(frame => frame.event);
    expect(events).toContain('settings:changed');
  });

  it('serves the renderer with a CSP, falls back to index.html for routes, and never leaves its folder', async () => {
    const { devhost } = await start();
    const index = await fetch(`${devhost.origin}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${devhost.origin}/assets/app.js`)).headers.get('content-type')).toMatch(
      /javascript/,
    );
    expect(await (await fetch(`${devhost.origin}/settings`)).text()).toContain('<title>Clawbar</title>');
    expect((await fetch(`${devhost.origin}/assets/missing.js`)).status).toBe(404);
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e%2f..%2fsecret.txt']) {
      const response = await fetch(`${devhost.origin}${path}`);
      expect(await response.text(), path).not.toContain('do not serve');
    }
    expect((await fetch(`${devhost.origin}/`, { method: 'POST' })).status).toBe(405);
  });

  it('refuses a page requested under a foreign Host name (DNS rebinding)', async () => {
    const { devhost } = await start();
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request(
        { host: '127.0.0.1', port: devhost.port, path: '/', headers: { Host: 'evil.example' } },
        response => resolve(response.statusCode),
      )
        .on('error', reject)
        .end();
    });
    expect(status).toBe(403);
  });
});
