import { randomBytes } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';

import { createCa, issueCertificate, type KeyAndCert } from '../limactl/tls';
import { ApiError } from './api-error';
import { registerDefaultBehaviours } from './behaviours';
import { Cluster } from './cluster';
import { Controllers } from './controllers';
import { EventRecorder } from './events';
import { Faults, type FaultsFile } from './faults';
import { Kubelet, type Flood, type PodRef } from './kubelet';
import { kubeconfigYaml } from './kubeconfig';
import { resourceType } from './resources';
import { RestApi, sendError } from './rest';
import { ObjectStore } from './store';
import { defaultWatchTiming, type WatchTiming } from './watch';

/**
 * The fake Kubernetes API server: the store, the apiserver's write path, the controllers and the
 * node (scheduler + kubelet) wired together, served over HTTPS (client certificate or bearer
 * token, anonymous → 401 as on k3s) or plain HTTP (bearer token), or embedded in another server
 * (the stand-in VM's guest API) through `createFakeKubeApi().handle`.
 */
export interface FakeKubeApiOptions {
  /** Persist the cluster to this JSON file (and load it when it exists). */
  stateFile?: string;
  /** A faults file (see faults.ts FaultsFile), read again whenever it changes. */
  faultsFile?: string;
  /** The node pods run on (default lima-clawbar). */
  nodeName?: string;
  /** Multiplies every kubelet/controller delay: 1 ≈ a real node; tests use e.g. 0.02. */
  timeScale?: number;
  watch?: Partial<WatchTiming>;
  /** How many changes a watch can resume across before 410 Gone. */
  historyLimit?: number;
  /** The cluster CA, published in each namespace's kube-root-ca.crt. */
  caCertPem?: string;
  /** Register the image-based default behaviours (default true). */
  defaultBehaviours?: boolean;
  /** The server's gitVersion for /version. */
  gitVersion?: string;
  /** Where the fake's own diagnostics go (default: nowhere). */
  log?: (line: string) => void;
  /** The address /api advertises. */
  serverAddress?: string;
}

export interface FakeKubeApi {
  readonly store: ObjectStore;
  readonly cluster: Cluster;
  readonly kubelet: Kubelet;
  readonly faults: Faults;
  /** Serves an authenticated request. */
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** Serves an authenticated upgrade (port-forward). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

function versionDocument(gitVersion: string): Record<string, string> {
  const [major = '1', minor = '35'] = gitVersion.replace(/^v/, '').split('.');
  return {
    major,
    minor,
    gitVersion,
    gitCommit: '66a3ad5a5b4bd4bb6d4bc0e6b4d3b4d2e2a0f0a1',
    gitTreeState: 'clean',
    buildDate: '2026-01-15T00:00:00Z',
    goVersion: 'go1.25.5',
    compiler: 'gc',
    platform: process.arch === 'arm64' ? 'linux/arm64' : 'linux/amd64',
  };
}

function seed(cluster: Cluster, nodeName: string, gitVersion: string): void {
  const internal = { manager: 'k3s', internal: true };
  const namespaces = resourceType('namespaces');
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    if (!cluster.find(namespaces, undefined, name))
      cluster.create(namespaces, undefined, { metadata: { name } }, internal);
  }
  const nodes = resourceType('nodes');
  if (!cluster.find(nodes, undefined, nodeName)) {
    cluster.create(
      nodes,
      undefined,
      {
        metadata: {
          name: nodeName,
          labels: {
            'beta.kubernetes.io/arch': process.arch === 'arm64' ? 'arm64' : 'amd64',
            'beta.kubernetes.io/os': 'linux',
            'kubernetes.io/arch': process.arch === 'arm64' ? 'arm64' : 'amd64',
            'kubernetes.io/hostname': nodeName,
            'kubernetes.io/os': 'linux',
            'node-role.kubernetes.io/control-plane': 'true',
          },
        },
        spec: { podCIDR: '10.42.0.0/24', podCIDRs: ['10.42.0.0/24'], providerID: `k3s://${nodeName}` },
      },
      internal,
    );
    cluster.updateStatus(nodes, undefined, nodeName, node => {
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      node.status = {
        addresses: [
          { type: 'InternalIP', address: '192.168.5.15' },
          { type: 'Hostname', address: nodeName },
        ],
        allocatable: { cpu: '4', memory: '4014104Ki', pods: '110', 'ephemeral-storage': '97482469074' },
        capacity: { cpu: '4', memory: '4014104Ki', pods: '110', 'ephemeral-storage': '100206876Ki' },
        conditions: [
          {
            type: 'MemoryPressure',
            status: 'False',
            lastHeartbeatTime: now,
            lastTransitionTime: now,
            reason: 'KubeletHasSufficientMemory',
            message: 'kubelet has sufficient memory available',
          },
          {
            type: 'DiskPressure',
            status: 'False',
            lastHeartbeatTime: now,
            lastTransitionTime: now,
            reason: 'KubeletHasNoDiskPressure',
            message: 'kubelet has no disk pressure',
          },
          {
            type: 'PIDPressure',
            status: 'False',
            lastHeartbeatTime: now,
            lastTransitionTime: now,
            reason: 'KubeletHasSufficientPID',
            message: 'kubelet has sufficient PID available',
          },
          {
            type: 'Ready',
            status: 'True',
            lastHeartbeatTime: now,
            lastTransitionTime: now,
            reason: 'KubeletReady',
            message: 'kubelet is posting ready status',
          },
        ],
        nodeInfo: {
          bootID: '3b9d0c1e-6f0a-4c55-9a8e-2f1d7c4b5a60',
          machineID: '9f2c4e1b7d3a4c8e9b0f1a2d3c4e5f60',
          systemUUID: '5f7c1e2a-3b4d-4c5e-8f90-1a2b3c4d5e6f',
          architecture: process.arch === 'arm64' ? 'arm64' : 'amd64',
          containerRuntimeVersion: 'containerd://2.1.5-k3s1',
          kernelVersion: '6.8.0-88-generic',
          kubeletVersion: gitVersion,
          kubeProxyVersion: gitVersion,
          operatingSystem: 'linux',
          osImage: 'Ubuntu 24.04.3 LTS',
        },
      };
    });
  }
  const services = resourceType('services');
  if (!cluster.find(services, 'default', 'kubernetes')) {
    cluster.create(
      services,
      'default',
      {
        metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: {
          clusterIP: '10.43.0.1',
          ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
          type: 'ClusterIP',
        },
      },
      internal,
    );
  }
  if (!cluster.find(services, 'kube-system', 'kube-dns')) {
    cluster.create(
      services,
      'kube-system',
      {
        metadata: {
          name: 'kube-dns',
          labels: {
            'k8s-app': 'kube-dns',
            'kubernetes.io/cluster-service': 'true',
            'kubernetes.io/name': 'CoreDNS',
          },
        },
        spec: {
          clusterIP: '10.43.0.10',
          ports: [
            { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
            { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
            { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
          ],
          selector: { 'k8s-app': 'kube-dns' },
        },
      },
      internal,
    );
  }
}

interface ControlBody {
  namespace?: string;
  pod?: string;
  container?: string;
  lines?: string[];
  line?: string;
  exitCode?: number;
  linesPerSecond?: number;
  lineBytes?: number;
  id?: string;
}

export function createFakeKubeApi(options: FakeKubeApiOptions = {}): FakeKubeApi {
  const log = options.log ?? (() => undefined);
  const nodeName = options.nodeName ?? 'lima-clawbar';
  const gitVersion = options.gitVersion ?? 'v1.35.0+k3s1';
  const scale = options.timeScale ?? 1;
  const store = new ObjectStore({
    ...(options.stateFile ? { file: options.stateFile } : {}),
    ...(options.historyLimit !== undefined ? { historyLimit: options.historyLimit } : {}),
    onListenerError: error => log(`listener failed: ${(error as Error).stack ?? String(error)}`),
  });
  const cluster = new Cluster(store);
  const events = new EventRecorder(cluster);
  const faults = new Faults();
  const controllers = new Controllers(
    cluster,
    store,
    events,
    { scale },
    log,
    options.caCertPem ?? createCa('k3s-server-ca').certPem,
  );
  seed(cluster, nodeName, gitVersion);
  const kubelet = new Kubelet(cluster, store, events, nodeName, { scale });
  if (options.defaultBehaviours !== false) registerDefaultBehaviours(kubelet);
  const stopFaultsFile = options.faultsFile
    ? faults.watchFile(options.faultsFile, 250, log)
    : () => undefined;
  const rest = new RestApi({
    cluster,
    store,
    kubelet,
    faults,
    watchTiming: { ...defaultWatchTiming, ...options.watch },
    serverAddress: options.serverAddress ?? '192.168.5.15:6443',
    version: versionDocument(gitVersion),
  });
  const floods = new Map<string, Flood>();
  let controlRemovers: (() => void)[] = [];

  const control = async (
    request: IncomingMessage,
    response: ServerResponse,
    action: string,
  ): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let code = 200;
    let reply: unknown;
    try {
      reply = runControl(action, Buffer.concat(chunks).toString('utf8') || '{}');
      if (reply === undefined) {
        code = 404;
        reply = { ok: false, error: `unknown control action ${action}` };
      }
    } catch (error) {
      code = 400;
      reply = { ok: false, error: (error as Error).message };
    }
    response.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify(reply));
  };

  /** What the control endpoint does for each action; undefined for an unknown one. */
  const runControl = (action: string, text: string): unknown => {
    if (action === 'faults') {
      controlRemovers = faults.applyFile(JSON.parse(text) as FaultsFile, controlRemovers);
      return { ok: true };
    }
    const body = JSON.parse(text) as ControlBody;
    const ref: PodRef = { namespace: body.namespace ?? 'default', name: body.pod ?? '' };
    switch (action) {
      case 'emit-log':
        kubelet.emitLog(
          ref,
          body.container ?? '',
          body.lines ?? (body.line !== undefined ? [body.line] : []),
        );
        return { ok: true };
      case 'exit':
        kubelet.exitContainer(ref, body.container ?? '', body.exitCode ?? 1);
        return { ok: true };
      case 'flood': {
        const id = randomBytes(6).toString('hex');
        floods.set(
          id,
          kubelet.startFlood(ref, body.container ?? '', {
            linesPerSecond: body.linesPerSecond ?? 20_000,
            lineBytes: body.lineBytes ?? 100,
          }),
        );
        return { ok: true, id };
      }
      case 'stop-flood': {
        const flood = floods.get(body.id ?? '');
        flood?.stop();
        floods.delete(body.id ?? '');
        return { ok: true, written: flood?.written ?? 0 };
      }
      default:
        return undefined;
    }
  };

  return {
    store,
    cluster,
    kubelet,
    faults,
    handle(request, response) {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      if (path.startsWith('/fake-kube-api/v1/') && request.method === 'POST') {
        void control(request, response, path.slice('/fake-kube-api/v1/'.length));
        return;
      }
      void rest.handle(request, response);
    },
    handleUpgrade(request, socket, head) {
      rest.handleUpgrade(request, socket, head);
    },
    close() {
      stopFaultsFile();
      for (const flood of floods.values()) flood.stop();
      kubelet.stop();
      controllers.stop();
      store.close();
      return Promise.resolve();
    },
  };
}

export interface StartFakeKubeApiOptions extends FakeKubeApiOptions {
  /** HTTPS with client certificates (default) or plain HTTP. */
  tls?: boolean;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The kubeconfig's user: the admin client certificate (default with TLS) or the bearer token. */
  user?: 'certificate' | 'token';
}

export interface RunningFakeKubeApi extends FakeKubeApi {
  readonly url: string;
  readonly port: number;
  /** YAML for KubeConfig.loadFromString. */
  readonly kubeconfig: string;
  /** Accepted as `Authorization: Bearer …`. */
  readonly token: string;
  /** The CA that signed the serving certificate (TLS only). */
  readonly caCertPem: string | undefined;
}

function unauthorized(response: ServerResponse): void {
  sendError(response, new ApiError(401, 'Unauthorized', 'Unauthorized'));
}

export async function startFakeKubeApi(options: StartFakeKubeApiOptions = {}): Promise<RunningFakeKubeApi> {
  const tls = options.tls !== false;
  const token = randomBytes(24).toString('hex');
  let serverCa: KeyAndCert | undefined;
  let clientCa: KeyAndCert | undefined;
  let admin: KeyAndCert | undefined;
  let serving: KeyAndCert | undefined;
  if (tls) {
    serverCa = createCa(`k3s-server-ca@${Math.floor(Date.now() / 1000)}`);
    clientCa = createCa(`k3s-client-ca@${Math.floor(Date.now() / 1000)}`);
    serving = issueCertificate(
      serverCa,
      { commonName: 'k3s' },
      { server: true, altNames: { dns: ['kubernetes', 'localhost'], ips: ['127.0.0.1'] } },
    );
    admin = issueCertificate(
      clientCa,
      { commonName: 'system:admin', organization: 'system:masters' },
      { client: true },
    );
  }
  const api = createFakeKubeApi({ ...options, ...(serverCa ? { caCertPem: serverCa.certPem } : {}) });
  const authorized = (request: IncomingMessage) =>
    (request.socket instanceof TLSSocket && request.socket.authorized) ||
    request.headers.authorization === `Bearer ${token}`;
  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    if (authorized(request)) api.handle(request, response);
    else unauthorized(response);
  };
  const server: Server =
    tls && serving && clientCa
      ? createHttpsServer(
          {
            key: serving.keyPem,
            cert: serving.certPem,
            ca: [clientCa.certPem],
            requestCert: true,
            rejectUnauthorized: false,
          },
          onRequest,
        )
      : createHttpServer(onRequest);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!authorized(request)) {
      socket.end(
        'HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: 129\r\n\r\n{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}',
      );
      return;
    }
    api.handleUpgrade(request, socket, head);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  const port = await listen(options.port ?? 0);
  let listening = true;
  const closeListener = () =>
    new Promise<void>(resolve => {
      if (!listening) {
        resolve();
        return;
      }
      listening = false;
      server.close(() => resolve());
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
    });
  api.faults.attachListener({
    close: closeListener,
    reopen: async () => {
      if (listening) return;
      await listen(port);
      listening = true;
    },
  });
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const user = options.user ?? (tls ? 'certificate' : 'token');
  const kubeconfig = kubeconfigYaml(
    url,
    user === 'certificate' && admin ? { certificate: admin } : { token },
    serverCa?.certPem,
  );
  return {
    ...api,
    url,
    port,
    kubeconfig,
    token,
    caCertPem: serverCa?.certPem,
    async close() {
      await api.close();
      await closeListener();
    },
  };
}
