import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createServer, type Server } from 'node:https';
import { TLSSocket } from 'node:tls';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { stringify } from 'yaml';

import { createFakeKubeApi, type FakeKubeApi } from '../fake-kube-api/server';
import type { K3sMode } from './faults';
import { createCa, issueCertificate, type KeyAndCert } from './tls';

/**
 * The k3s inside the stand-in VM: the credentials k3s writes on its first start
 * (/etc/rancher/k3s/k3s.yaml and the certificates behind it) and the API server the host agent
 * forwards to the host. `serveGuestK3sApi` is the one place that serves the guest's API: it answers
 * what readiness needs (/readyz, /livez, /version, nodes) with the real shapes, authenticates with
 * the kubeconfig's client certificate or a bearer token (401 otherwise, as k3s has anonymous auth
 * off), and misbehaves as the k3s mode says. Everything else — the whole cluster — is the fake
 * Kubernetes API (testing/fake-kube-api), whose state lives in the VM's state dir like etcd's.
 */
export const k3sVersion = 'v1.35.0+k3s1';

export interface GuestCredentials {
  serverCa: KeyAndCert;
  clientCa: KeyAndCert;
  serving: KeyAndCert;
  /** A serving certificate for another address (10.43.0.1 only): the `wrong-address` mode. */
  servingWrongAddress: KeyAndCert;
  admin: KeyAndCert;
  token: string;
  /** The guest's /etc/rancher/k3s/k3s.yaml. */
  kubeconfig: string;
}

export function guestCredentialsDir(stateDir: string): string {
  return join(stateDir, 'k3s');
}

/** The guest cluster's objects (its "etcd"): kept across VM stop/start, gone with the VM. */
export function guestClusterStateFile(stateDir: string): string {
  return join(guestCredentialsDir(stateDir), 'cluster-state.json');
}

/** A faults file for the guest cluster's API (testing/fake-kube-api/faults.ts FaultsFile). */
export function guestApiFaultsFile(stateDir: string): string {
  return join(guestCredentialsDir(stateDir), 'api-faults.json');
}

/** Created once per VM, like k3s's CA on first start; later boots reuse them. */
export function ensureGuestCredentials(stateDir: string, nodeName: string): GuestCredentials {
  const dir = guestCredentialsDir(stateDir);
  const file = join(dir, 'credentials.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as GuestCredentials;
  const serverCa = createCa(`k3s-server-ca@${Math.floor(Date.now() / 1000)}`);
  const clientCa = createCa(`k3s-client-ca@${Math.floor(Date.now() / 1000)}`);
  const serving = issueCertificate(
    serverCa,
    { commonName: 'k3s' },
    {
      server: true,
      altNames: {
        dns: ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'localhost', nodeName],
        ips: ['127.0.0.1', '10.43.0.1', '192.168.5.15'],
      },
    },
  );
  const servingWrongAddress = issueCertificate(
    serverCa,
    { commonName: 'k3s' },
    { server: true, altNames: { dns: ['kubernetes'], ips: ['10.43.0.1'] } },
  );
  const admin = issueCertificate(
    clientCa,
    { commonName: 'system:admin', organization: 'system:masters' },
    { client: true },
  );
  const token = randomBytes(24).toString('hex');
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  const kubeconfig = stringify({
    apiVersion: 'v1',
    clusters: [
      {
        cluster: { 'certificate-authority-data': base64(serverCa.certPem), server: 'https://127.0.0.1:6443' },
        name: 'default',
      },
    ],
    contexts: [{ context: { cluster: 'default', user: 'default' }, name: 'default' }],
    'current-context': 'default',
    kind: 'Config',
    preferences: {},
    users: [
      {
        name: 'default',
        user: { 'client-certificate-data': base64(admin.certPem), 'client-key-data': base64(admin.keyPem) },
      },
    ],
  });
  const credentials: GuestCredentials = {
    serverCa,
    clientCa,
    serving,
    servingWrongAddress,
    admin,
    token,
    kubeconfig,
  };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

export interface GuestK3sApiOptions {
  /** Host port the API is forwarded to (127.0.0.1 only). */
  port: number;
  /** The instance's stand-in state directory (credentials live under it). */
  stateDir: string;
  nodeName: string;
  /** Read on every request, so a test can change the mode while the VM runs. */
  mode: () => K3sMode;
}

export interface GuestK3sApi {
  port: number;
  /** The cluster behind the API (store, kubelet, faults). */
  cluster: FakeKubeApi;
  close(): Promise<void>;
}

export async function serveGuestK3sApi(options: GuestK3sApiOptions): Promise<GuestK3sApi> {
  const credentials = ensureGuestCredentials(options.stateDir, options.nodeName);
  const startedAt = new Date();
  const initialMode = options.mode();
  const cluster = createFakeKubeApi({
    stateFile: guestClusterStateFile(options.stateDir),
    faultsFile: guestApiFaultsFile(options.stateDir),
    nodeName: options.nodeName,
    caCertPem: credentials.serverCa.certPem,
    gitVersion: k3sVersion,
  });
  const authorized = (request: IncomingMessage) =>
    (request.socket instanceof TLSSocket && request.socket.authorized) ||
    request.headers.authorization === `Bearer ${credentials.token}`;
  const server: Server = createServer(
    {
      key:
        initialMode === 'wrong-address' ? credentials.servingWrongAddress.keyPem : credentials.serving.keyPem,
      cert:
        initialMode === 'wrong-address'
          ? credentials.servingWrongAddress.certPem
          : credentials.serving.certPem,
      ca: [credentials.clientCa.certPem],
      requestCert: true,
      rejectUnauthorized: false,
    },
    (request, response) => {
      if (!authorized(request)) {
        status(response, 401, 'Unauthorized', 'Unauthorized');
        return;
      }
      if (!handle(request, response, options, startedAt)) cluster.handle(request, response);
    },
  );
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!authorized(request)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    cluster.handleUpgrade(request, socket, head);
  });
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const closeServer = () =>
    new Promise<void>(resolve => {
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => resolve());
      server.closeAllConnections();
    });
  cluster.faults.attachListener({ close: closeServer, reopen: listen });
  try {
    await listen();
  } catch (error) {
    await cluster.close();
    throw error;
  }
  return {
    port: options.port,
    cluster,
    close: async () => {
      await closeServer();
      await cluster.close();
    },
  };
}

/** Answers what k3s readiness reads (with the k3s mode's misbehaviour); false for the rest. */
function handle(
  request: IncomingMessage,
  response: ServerResponse,
  options: GuestK3sApiOptions,
  startedAt: Date,
): boolean {
  const url = new URL(request.url ?? '/', 'https://127.0.0.1');
  const mode = options.mode();
  if (request.method !== 'GET' || url.searchParams.get('watch') === 'true') return false;
  switch (url.pathname) {
    case '/readyz':
    case '/livez':
    case '/healthz': {
      const failing = mode === 'api-not-ready' && url.pathname === '/readyz';
      const checks = [
        '[+]ping ok',
        '[+]log ok',
        '[+]etcd ok',
        failing
          ? '[-]poststarthook/rbac/bootstrap-roles failed: reason withheld'
          : '[+]poststarthook/rbac/bootstrap-roles ok',
      ];
      const verdict = failing
        ? `${url.pathname.slice(1)} check failed`
        : `${url.pathname.slice(1)} check passed`;
      const body = url.searchParams.has('verbose') || failing ? `${checks.join('\n')}\n${verdict}\n` : 'ok';
      response.writeHead(failing ? 500 : 200, { 'Content-Type': 'text/plain; charset=utf-8' }).end(body);
      return true;
    }
    case '/version':
      json(response, 200, {
        major: '1',
        minor: '35',
        gitVersion: k3sVersion,
        gitCommit: '66a3ad5a5b4bd4bb6d4bc0e6b4d3b4d2e2a0f0a1',
        gitTreeState: 'clean',
        buildDate: '2026-01-15T00:00:00Z',
        goVersion: 'go1.25.5',
        compiler: 'gc',
        platform: process.arch === 'arm64' ? 'linux/arm64' : 'linux/amd64',
      });
      return true;
    case '/api/v1/nodes':
      json(response, 200, {
        kind: 'NodeList',
        apiVersion: 'v1',
        metadata: { resourceVersion: '1021' },
        items: [node(options.nodeName, mode, startedAt)],
      });
      return true;
    case `/api/v1/nodes/${options.nodeName}`:
      json(response, 200, { kind: 'Node', apiVersion: 'v1', ...node(options.nodeName, mode, startedAt) });
      return true;
    default:
      return false;
  }
}

function node(name: string, mode: K3sMode, startedAt: Date): Record<string, unknown> {
  const since = startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const ready =
    mode === 'node-not-ready'
      ? {
          type: 'Ready',
          status: 'False',
          lastHeartbeatTime: since,
          lastTransitionTime: since,
          reason: 'KubeletNotReady',
          message:
            'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
        }
      : {
          type: 'Ready',
          status: 'True',
          lastHeartbeatTime: since,
          lastTransitionTime: since,
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
        };
  return {
    metadata: {
      name,
      uid: '5f7c1e2a-3b4d-4c5e-8f90-1a2b3c4d5e6f',
      resourceVersion: '1020',
      creationTimestamp: since,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'node-role.kubernetes.io/control-plane': 'true',
      },
    },
    spec: { podCIDR: '10.42.0.0/24', podCIDRs: ['10.42.0.0/24'], providerID: `k3s://${name}` },
    status: {
      conditions: [
        {
          type: 'MemoryPressure',
          status: 'False',
          lastHeartbeatTime: since,
          lastTransitionTime: since,
          reason: 'KubeletHasSufficientMemory',
          message: 'kubelet has sufficient memory available',
        },
        {
          type: 'DiskPressure',
          status: 'False',
          lastHeartbeatTime: since,
          lastTransitionTime: since,
          reason: 'KubeletHasNoDiskPressure',
          message: 'kubelet has no disk pressure',
        },
        ready,
      ],
      addresses: [
        { type: 'InternalIP', address: '192.168.5.15' },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        kubeletVersion: k3sVersion,
        kubeProxyVersion: k3sVersion,
        containerRuntimeVersion: 'containerd://2.1.5-k3s1',
        operatingSystem: 'linux',
        architecture: process.arch === 'arm64' ? 'arm64' : 'amd64',
        osImage: 'Ubuntu 24.04.3 LTS',
      },
    },
  };
}

function json(response: ServerResponse, code: number, body: unknown): void {
  response.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function status(response: ServerResponse, code: number, reason: string, message: string): void {
  json(response, code, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });
}
