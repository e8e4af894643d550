import { connect, type Socket } from 'node:net';

/**
 * A client that talks to the proxy byte for byte, so a test sends exactly the request line it
 * means (`GET http://A.COM./ HTTP/1.1`, `CONNECT [::1]:443 HTTP/1.1`) with no library
 * normalising the host on the way.
 */
export interface ProxyAnswer {
  status: number;
  /** Squid's reason when it refused (`ERR_ACCESS_DENIED 0`), from X-Squid-Error. */
  squidError: string | null;
  /** The body of a plain-HTTP answer, or what came back through a CONNECT tunnel. */
  body: string;
}

export interface ProxyClientOptions {
  proxyPort: number;
  /** Source address of the connection: another loopback address plays a client outside the pod network. */
  localAddress?: string;
  timeoutMs?: number;
}

/** A plain-HTTP request through the proxy: `url` is the absolute URL of the request line. */
export async function getThroughProxy(options: ProxyClientOptions, url: string): Promise<ProxyAnswer> {
  const host = /^[a-z]+:\/\/([^/?#]*)/i.exec(url)?.[1] ?? '';
  const socket = await open(options);
  socket.write(`GET ${url} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  const raw = await readUntilClosed(socket, options.timeoutMs);
  const { status, headers, rest } = parseHead(raw);
  return { status, squidError: headers.get('x-squid-error') ?? null, body: rest };
}

/**
 * A CONNECT tunnel through the proxy. When it opens, the client sends a line and waits for it to
 * come back from the other end, so "allowed" means the tunnel really reaches the destination.
 */
export async function connectThroughProxy(
  options: ProxyClientOptions,
  authority: string,
): Promise<ProxyAnswer> {
  const socket = await open(options);
  socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  let received = '';
  return await new Promise<ProxyAnswer>((resolve, reject) => {
    let head: ReturnType<typeof parseHead> | null = null;
    const finish = (answer: ProxyAnswer): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(options.timeoutMs ?? 5000, () => {
      socket.destroy();
      reject(new Error(`CONNECT ${authority}: no complete answer in time (got ${JSON.stringify(received)})`));
    });
    socket.on('error', reject);
    socket.on('data', (data: Buffer) => {
      received += data.toString('latin1');
      if (!head) {
        if (!received.includes('\r\n\r\n')) return;
        head = parseHead(received);
        received = head.rest;
        if (head.status === 200) socket.write('ping\n');
      }
      const headers = head.headers;
      if (head.status === 200 && received.includes('ping\n')) {
        finish({ status: 200, squidError: null, body: received });
      } else if (head.status !== 200 && !socket.readableEnded) {
        const length = Number(headers.get('content-length') ?? Number.NaN);
        if (Number.isFinite(length) && Buffer.byteLength(received, 'latin1') >= length) {
          finish({ status: head.status, squidError: headers.get('x-squid-error') ?? null, body: received });
        }
      }
    });
    socket.on('end', () => {
      if (head)
        finish({
          status: head.status,
          squidError: head.headers.get('x-squid-error') ?? null,
          body: received,
        });
      else reject(new Error(`CONNECT ${authority}: the proxy closed without an answer`));
    });
  });
}

function open(options: ProxyClientOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port: options.proxyPort,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function readUntilClosed(socket: Socket, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error('The proxy did not finish its answer in time'));
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

function parseHead(raw: string): { status: number; headers: Map<string, string>; rest: string } {
  const end = raw.indexOf('\r\n\r\n');
  const [statusLine = '', ...headerLines] = (end === -1 ? raw : raw.slice(0, end)).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? Number.NaN);
  if (Number.isNaN(status)) throw new Error(`Not an HTTP answer: ${JSON.stringify(raw.slice(0, 200))}`);
  const headers = new Map<string, string>();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status, headers, rest: end === -1 ? '' : raw.slice(end + 4) };
}
