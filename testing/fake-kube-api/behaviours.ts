import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

import type { Behaviour, BehaviourMatch, ContainerContext, Kubelet } from './kubelet';

/**
 * What the simulated containers do, recognised by image: the OpenClaw gateway (startup log,
 * HTTP on 18789 with /healthz, /readyz, /startupz, the Control UI and its 200 catch-all, and a
 * refusal to start without OPENCLAW_GATEWAY_TOKEN), Squid (cache.log startup lines, a proxy on
 * 3128 that denies with 403 and logs in Squid's native access-log format), init containers (a
 * shell script's `echo`s, then exit 0) and anything else (runs, serves its declared ports).
 */
type Obj = Record<string, unknown>;

function imageOf(container: Obj): string {
  return typeof container.image === 'string' ? container.image : '';
}

function tagOf(image: string): string {
  const name = image.split('@')[0] ?? image;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : 'latest';
}

export const isOpenClawGateway: BehaviourMatch = (_pod, container, role) =>
  role === 'main' && /(^|\/)openclaw\/openclaw(:|@|$)/.test(imageOf(container));

export const isSquid: BehaviourMatch = (_pod, container, role) =>
  role === 'main' && imageOf(container).includes('squid');

export const isInit: BehaviourMatch = (_pod, _container, role) => role === 'init';

const controlUi = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>OpenClaw Control</title>
    <link rel="icon" href="/favicon.svg" />
    <script type="module" crossorigin src="/assets/index.js"></script>
  </head>
  <body>
    <openclaw-app></openclaw-app>
  </body>
</html>
`;

export const openClawGateway: Behaviour = {
  start(context: ContainerContext) {
    const version = tagOf(imageOf(context.container)).replace(/-slim$|-browser$/, '');
    const port = Number(context.env.OPENCLAW_GATEWAY_PORT ?? 18789) || 18789;
    context.log(`OpenClaw ${version} (node v24.11.1, linux ${process.arch === 'arm64' ? 'arm64' : 'x64'})`);
    context.log('[config] loading /home/node/.openclaw/openclaw.json');
    if (!context.env.OPENCLAW_GATEWAY_TOKEN) {
      context.log(
        '[gateway] gateway.auth.mode is "token" but no token is set: set gateway.auth.token or OPENCLAW_GATEWAY_TOKEN',
      );
      context.log('[gateway] refusing to start without authentication');
      context.after(150, () => context.exit(1));
      return undefined;
    }
    let state: 'starting' | 'started' | 'draining' = 'starting';
    context.log('[gateway] auth: token (OPENCLAW_GATEWAY_TOKEN)');
    const proxy = context.env.OPENCLAW_PROXY_URL ?? context.env.HTTPS_PROXY;
    if (proxy) context.log(`[proxy] outbound requests go through ${proxy}`);
    context.log(`[gateway] listening on ws://0.0.0.0:${port} (bind: lan)`);
    context.listen(port, {
      http: (request: IncomingMessage, response: ServerResponse) => {
        const path = (request.url ?? '/').split('?')[0] ?? '/';
        const json = (code: number, body: unknown) => {
          response.writeHead(code, {
            'Content-Type': 'application/json; charset=utf-8',
            'Cache-Control': 'no-store',
          });
          response.end(request.method === 'HEAD' ? undefined : JSON.stringify(body));
        };
        if (path === '/health' || path === '/healthz') {
          json(200, { ok: true, status: 'live' });
          return;
        }
        if (path === '/startup' || path === '/startupz' || path === '/ready' || path === '/readyz') {
          if (state === 'started') json(200, { ok: true, status: 'started' });
          else json(503, { ok: false, status: state });
          return;
        }
        response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        response.end(request.method === 'HEAD' ? undefined : controlUi);
      },
    });
    context.after(1200, () => {
      state = 'started';
      context.log(`[gateway] control UI: http://127.0.0.1:${port}/`);
      context.log('[gateway] ready');
    });
    return {
      stop: () => {
        state = 'draining';
        context.log('[gateway] SIGTERM received: draining connections');
        context.log('[gateway] stopped');
        return 0;
      },
    };
  },
};

function squidTime(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getUTCFullYear()}/${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

const deniedPage = `<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">
<html><head><meta type="copyright" content="Copyright (C) 1996-2024 The Squid Software Foundation and contributors">
<title>ERROR: The requested URL could not be retrieved</title></head>
<body id="ERR_ACCESS_DENIED"><div id="titles"><h1>ERROR</h1><h2>The requested URL could not be retrieved</h2></div>
<div id="content"><p>Access control configuration prevents your request from being allowed at this time.</p></div>
</body></html>
`;

/**
 * One access-log line as the egress proxy's config asks (`logformat clawbar`): marker, time,
 * client IP, result/status, method, host, port, bytes. `target` is `host:port` (CONNECT) or a URL.
 */
export function squidAccessLine(request: {
  clientIp: string;
  status: string;
  method: string;
  target: string;
  bytes: number;
}): string {
  let host = request.target;
  let port = 80;
  if (/^https?:\/\//.test(request.target)) {
    const url = new URL(request.target);
    host = url.hostname;
    port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  } else {
    const colon = request.target.lastIndexOf(':');
    if (colon > 0) {
      host = request.target.slice(0, colon);
      port = Number(request.target.slice(colon + 1));
    }
  }
  const time = (Date.now() / 1000).toFixed(3);
  return `clawbar-access ${time} ${request.clientIp} ${request.status} ${request.method} ${host} ${port} ${request.bytes}`;
}

export const squid: Behaviour = {
  start(context: ContainerContext) {
    const now = () => squidTime(new Date());
    const lines = [
      'Current Directory is /',
      'Starting Squid Cache version 6.13 for aarch64-unknown-linux-gnu...',
      'Service Name: squid',
      'Process ID 1',
      'Process Roles: master worker',
      'With 1048576 file descriptors available',
      'Initializing IP Cache...',
      'DNS IPv4 socket created at 0.0.0.0, FD 5',
      'Adding nameserver 10.43.0.10 from /etc/resolv.conf',
      'Adding domain openclaw.svc.cluster.local from /etc/resolv.conf',
      'Logfile: opening log stdio:/dev/stdout',
      'Store logging disabled',
      'Swap maxSize 0 + 262144 KB, estimated 20164 objects',
      'Target number of buckets: 1008',
      'Using 8192 Store buckets',
      'Max Mem  size: 262144 KB',
      'Max Swap size: 0 KB',
      'Using Least Load store dir selection',
      'Set Current Directory to /var/spool/squid',
      'Finished loading MIME types and icons.',
      'HTCP Disabled.',
      'Squid plugin modules loaded: 0',
      'Adaptation support is off.',
      'Accepting HTTP Socket connections at conn3 local=0.0.0.0:3128 remote=[::] FD 10 flags=9',
    ];
    for (const line of lines) context.log(`${now()}| ${line}`);
    context.listen(3128, {
      tcp: (socket: Socket) => {
        let head = '';
        socket.on('data', chunk => {
          head += chunk.toString('latin1');
          if (!head.includes('\r\n\r\n')) return;
          const [method = 'GET', target = '/'] = (head.split('\r\n')[0] ?? '').split(' ');
          const body = deniedPage;
          socket.end(
            `HTTP/1.1 403 Forbidden\r\nServer: squid/6.13\r\nMime-Version: 1.0\r\nContent-Type: text/html;charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Squid-Error: ERR_ACCESS_DENIED 0\r\nConnection: close\r\n\r\n${body}`,
          );
          // Clawbar's squid.conf logs in its own `logformat clawbar` (proxy-access-log.ts reads it).
          context.log(
            squidAccessLine({
              clientIp: '127.0.0.1',
              status: 'TCP_DENIED/403',
              method,
              target,
              bytes: Buffer.byteLength(body) + 200,
            }),
          );
        });
        socket.on('error', () => socket.destroy());
      },
    });
    return {
      stop: () => {
        context.log(`${now()}| Preparing for shutdown after 0 requests`);
        context.log(`${now()}| Waiting 0 seconds for active connections to finish`);
        context.log(`${now()}| Squid Cache (Version 6.13): Exiting normally.`);
        return 0;
      },
    };
  },
};

/** The strings a shell script echoes, with $VAR and ${VAR} expanded from the environment. */
export function echoedLines(script: string, env: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  const expand = (text: string) =>
    text.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (_whole, braced?: string, bare?: string) => env[braced ?? bare ?? ''] ?? '',
    );
  const pattern = /(?:^|[;&|\n]|then|else|do)\s*echo\s+(?:-[a-z]+\s+)?("(?:[^"\\]|\\.)*"|'[^']*'|[^;&|\n]+)/g;
  for (const match of script.matchAll(pattern)) {
    const raw = (match[1] ?? '').trim();
    if (raw.startsWith("'")) out.push(raw.slice(1, -1));
    else if (raw.startsWith('"')) out.push(expand(raw.slice(1, -1).replace(/\\(.)/g, '$1')));
    else out.push(expand(raw.replace(/\s*(>>?|2>).*$/, '')));
  }
  return out;
}

export const initContainer: Behaviour = {
  start(context: ContainerContext) {
    const command = [
      ...(Array.isArray(context.container.command) ? context.container.command : []),
      ...(Array.isArray(context.container.args) ? context.container.args : []),
    ].map(String);
    const script =
      command.length >= 3 && /(^|\/)(ba)?sh$/.test(command[0] ?? '') && command[1] === '-c'
        ? (command[2] ?? '')
        : '';
    for (const line of echoedLines(script, context.env)) context.log(line);
    context.after(250, () => context.exit(0));
    return undefined;
  },
};

/** Anything else: keeps running and answers HTTP 200 on each port it declares. */
export const genericContainer: Behaviour = {
  start(context: ContainerContext) {
    for (const port of Array.isArray(context.container.ports) ? (context.container.ports as Obj[]) : []) {
      if (typeof port.containerPort !== 'number') continue;
      context.listen(port.containerPort, {
        http: (_request, response) => {
          response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
          response.end('ok\n');
        },
      });
    }
    return undefined;
  },
};

export function registerDefaultBehaviours(kubelet: Kubelet): void {
  kubelet.registerBehaviour(() => true, genericContainer);
  kubelet.registerBehaviour(isInit, initContainer);
  kubelet.registerBehaviour(isSquid, squid);
  kubelet.registerBehaviour(isOpenClawGateway, openClawGateway);
}
