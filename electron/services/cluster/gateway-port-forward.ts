import { createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';

import { PortForward } from '@kubernetes/client-node';

import type { ClusterView } from '../../../common/sandbox';
import type { Disposable } from '../platform/event';
import type { Logger } from '../platform/log';
import type { KubeConnection } from './kube-connection';

type PortForwardView = ClusterView['portForward'];

/** Opens one forwarded connection to `port` of `pod`; resolves with a way to close it. */
export type Forwarder = (
  connection: KubeConnection,
  namespace: string,
  pod: string,
  port: number,
  socket: Socket,
) => Promise<{ close(): void }>;

export interface GatewayPortForwardOptions {
  connection: () => KubeConnection | null;
  /** The gateway pod that is ready now, if any. */
  readyPod: () => string | null;
  namespace: string;
  /** The Mac's side: always loopback, never the network. */
  localPort: number;
  podPort: number;
  onChange: (view: PortForwardView) => void;
  log: Logger;
  forwarder?: Forwarder;
  retryMs?: number;
}

/**
 * The gateway on the Mac's 127.0.0.1:18789, like `kubectl port-forward`, but kept up: the local
 * listener stays while the cluster is connected, each connection goes to whichever gateway pod is
 * ready at that moment (so a restart or rollout needs nothing), and a listener that cannot bind
 * (the port is taken) retries until it can.
 */
export class GatewayPortForward implements Disposable {
  private server: Server | null = null;
  private readonly sessions = new Set<{ close(): void }>();
  private readonly sockets = new Set<Socket>();
  private retryTimer: NodeJS.Timeout | undefined;
  private active = false;
  private view: PortForwardView;
  private readonly forwarder: Forwarder;

  constructor(private readonly options: GatewayPortForwardOptions) {
    this.view = { state: 'off', address: `127.0.0.1:${options.localPort}`, restarts: 0, error: null };
    this.forwarder = options.forwarder ?? forwardWithClientNode;
  }

  get address(): string {
    return this.view.address;
  }

  /** Listens (again) while the cluster is connected. */
  start(): void {
    if (this.active) return;
    this.active = true;
    this.listen();
  }

  /** The gateway pod changed: the state says whether connections can get through now. */
  refresh(): void {
    if (!this.server?.listening) return;
    this.set({ state: this.options.readyPod() ? 'on' : 'starting', error: null });
  }

  stop(): void {
    this.active = false;
    clearTimeout(this.retryTimer);
    for (const session of this.sessions) session.close();
    for (const socket of this.sockets) socket.destroy();
    this.sessions.clear();
    this.sockets.clear();
    this.server?.close();
    this.server = null;
    this.set({ state: 'off', error: null });
  }

  dispose(): void {
    this.stop();
  }

  private listen(): void {
    const server = createServer(socket => void this.accept(socket));
    this.server = server;
    server.once('error', (error: NodeJS.ErrnoException) => {
      server.close();
      if (this.server === server) this.server = null;
      if (!this.active) return;
      const message =
        error.code === 'EADDRINUSE'
          ? `Port ${this.options.localPort} on 127.0.0.1 is taken by another program; retrying.`
          : `Cannot listen on 127.0.0.1:${this.options.localPort}: ${error.message}`;
      this.options.log.warn('Gateway port-forward cannot listen', { code: error.code });
      this.set({ state: 'error', error: message });
      this.retryTimer = setTimeout(() => {
        if (!this.active) return;
        this.set({ state: 'restarting', restarts: this.view.restarts + 1 });
        this.listen();
      }, this.options.retryMs ?? 5000);
    });
    server.listen(this.options.localPort, '127.0.0.1', () => {
      server.removeAllListeners('error');
      server.on('error', error =>
        this.options.log.warn('Gateway port-forward error', { error: error.message }),
      );
      this.refresh();
    });
  }

  private async accept(socket: Socket): Promise<void> {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const connection = this.options.connection();
    const pod = this.options.readyPod();
    if (!connection || !pod) {
      socket.destroy();
      return;
    }
    try {
      const session = await this.forwarder(
        connection,
        this.options.namespace,
        pod,
        this.options.podPort,
        socket,
      );
      if (socket.destroyed) {
        session.close();
        return;
      }
      this.sessions.add(session);
      socket.once('close', () => {
        session.close();
        this.sessions.delete(session);
      });
    } catch (error) {
      this.options.log.warn('Gateway port-forward connection failed', {
        pod,
        error: error instanceof Error ? error.message : String(error),
      });
      socket.destroy();
    }
  }

  private set(change: Partial<PortForwardView>): void {
    const next = { ...this.view, ...change };
    if (JSON.stringify(next) === JSON.stringify(this.view)) return;
    this.view = next;
    this.options.onChange(next);
  }
}

/** One TCP connection over the API's port-forward WebSocket (v4.channel.k8s.io), through client-node. */
const forwardWithClientNode: Forwarder = async (connection, namespace, pod, port, socket) => {
  const forward = new PortForward(connection.config, true);
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (socket.destroyed) callback();
      else socket.write(chunk, () => callback());
    },
  });
  const errors = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      // The error channel (after its port-number prefix): the pod refused the connection.
      if (chunk.length > 0) socket.destroy();
      callback();
    },
  });
  const ws = await forward.portForward(namespace, pod, [port], output, errors, socket);
  const webSocket = typeof ws === 'function' ? ws() : ws;
  webSocket?.on('close', () => socket.end());
  return { close: () => webSocket?.close() };
};
