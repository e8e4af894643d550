import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * "The internet" behind the Squid under test: Squid forwards everything it lets through to this
 * server as its parent proxy, so "allowed" means Squid really forwarded the request, and nothing
 * ever leaves the machine. It answers plain-HTTP requests (absolute URLs, as a proxy receives
 * them) with 200 and opens CONNECT tunnels that echo what the client sends.
 */
export interface ForwardedRequest {
  method: string;
  host: string;
  port: number;
  path: string;
}

export interface FakeInternet {
  readonly port: number;
  /** Every request Squid forwarded, in order. */
  readonly forwarded: ForwardedRequest[];
  close(): Promise<void>;
}

export const fakeInternetBanner = 'fake-internet';

export async function startFakeInternet(): Promise<FakeInternet> {
  const forwarded: ForwardedRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    let target: URL;
    try {
      target = new URL(request.url ?? '');
    } catch {
      response.writeHead(400).end();
      return;
    }
    const port = target.port === '' ? 80 : Number(target.port);
    forwarded.push({ method: request.method ?? '', host: target.hostname, port, path: target.pathname });
    request.resume();
    response
      .writeHead(200, { 'content-type': 'text/plain' })
      .end(`${fakeInternetBanner} ${request.method ?? ''} ${target.hostname}:${port}${target.pathname}`);
  });
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (request, socket: Socket) => {
    const authority = request.url ?? '';
    const colon = authority.lastIndexOf(':');
    forwarded.push({
      method: 'CONNECT',
      host: authority.slice(0, colon),
      port: Number(authority.slice(colon + 1)),
      path: '',
    });
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
    socket.on('data', (data: Buffer) =>
      socket.write(`${fakeInternetBanner} ${authority} ${data.toString()}`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    forwarded,
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
