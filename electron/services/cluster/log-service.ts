import { randomUUID } from 'node:crypto';

import type { V1Pod } from '@kubernetes/client-node';

import { ClawbarError } from '../../../common/errors';
import { logOpenInputSchema, type LogOpenInput, type LogTarget } from '../../../common/logs';
import type { PodView } from '../../../common/sandbox';
import type { Client } from '../ipc/clients';
import type { Disposable } from '../platform/event';
import type { Logger } from '../platform/log';
import { kubeError, type KubeConnection } from './kube-connection';
import { LogStream, type ContainerPresence, type LogStreamTiming } from './log-stream';

export interface LogServiceOptions {
  connection: () => KubeConnection | null;
  namespace: string;
  /** The sandbox's pods as the informer sees them (for the picker and default containers). */
  pods: () => readonly PodView[];
  log: Logger;
  timing?: Partial<LogStreamTiming>;
  /** Streams one client may hold at once. */
  maxStreamsPerClient?: number;
}

interface OpenStream {
  stream: LogStream;
  client: Client;
  closeListener: Disposable;
}

/**
 * Pod logs for every front: `open` starts a stream for one client and sends it `logs:lines` and
 * `logs:status` events; `close` ends it, and everything a client opened ends when it goes away.
 */
export class LogService implements Disposable {
  private readonly streams = new Map<string, OpenStream>();

  constructor(private readonly options: LogServiceOptions) {}

  targets(): LogTarget[] {
    return this.options.pods().map(pod => ({
      pod: pod.name,
      role: pod.role,
      containers: pod.containers.map(container => ({
        name: container.name,
        init: container.init,
        hasPrevious: container.restarts > 0 || container.lastTermination !== null,
      })),
    }));
  }

  async open(
    client: Client,
    request: LogOpenInput,
  ): Promise<{ streamId: string; pod: string; container: string }> {
    const input = logOpenInputSchema.parse(request);
    const limit = this.options.maxStreamsPerClient ?? 8;
    const mine = [...this.streams.values()].filter(open => open.client.id === client.id).length;
    if (mine >= limit) {
      throw new ClawbarError('logs-too-many-streams', `At most ${limit} log streams can be open at once.`);
    }
    const container = input.container ?? this.defaultContainer(input.pod);
    const streamId = randomUUID();
    const stream = new LogStream({
      id: streamId,
      connection: this.options.connection,
      namespace: this.options.namespace,
      pod: input.pod,
      container,
      follow: input.follow,
      tailLines: input.tailLines,
      previous: input.previous,
      timestamps: input.timestamps,
      onLines: lines => client.send('logs:lines', { streamId, lines }),
      onStatus: (state, dropped, error) => {
        client.send('logs:status', { streamId, state, dropped, error });
        if (state === 'ended' || state === 'failed') this.forget(streamId);
      },
      containerPresence: () => this.containerPresence(input.pod, container),
      log: this.options.log,
      ...(this.options.timing ? { timing: this.options.timing } : {}),
    });
    const closeListener = client.onDidClose(() => this.close(streamId));
    this.streams.set(streamId, { stream, client, closeListener });
    try {
      await stream.start();
    } catch (error) {
      this.close(streamId);
      throw error;
    }
    return { streamId, pod: input.pod, container };
  }

  /** Ends a stream; a client can only close its own. */
  close(streamId: string, client?: Client): boolean {
    const open = this.streams.get(streamId);
    if (!open || (client && open.client.id !== client.id)) return false;
    open.stream.close();
    this.forget(streamId);
    return true;
  }

  get openCount(): number {
    return this.streams.size;
  }

  /** Ends every stream (the cluster went away, or the app quits). */
  closeAll(): void {
    for (const id of [...this.streams.keys()]) this.close(id);
  }

  dispose(): void {
    this.closeAll();
  }

  private forget(streamId: string): void {
    const open = this.streams.get(streamId);
    if (!open) return;
    open.closeListener.dispose();
    this.streams.delete(streamId);
  }

  /** Like `kubectl logs`: the pod's only app container, else the first one, never an init container. */
  private defaultContainer(podName: string): string {
    const pod = this.options.pods().find(candidate => candidate.name === podName);
    const container = pod?.containers.find(candidate => !candidate.init);
    if (!container) {
      throw new ClawbarError(
        'invalid-input',
        `Name the container: pod ${podName} is not known to Clawbar (yet).`,
        [{ path: 'container', message: 'required for this pod' }],
      );
    }
    return container.name;
  }

  private async containerPresence(podName: string, container: string): Promise<ContainerPresence> {
    const connection = this.options.connection();
    if (!connection) return 'unknown';
    let pod: V1Pod;
    try {
      pod = await connection.core.readNamespacedPod({ name: podName, namespace: this.options.namespace });
    } catch (error) {
      return kubeError(error, 'Pod').code === 'not-found' ? 'gone' : 'unknown';
    }
    if (pod.metadata?.deletionTimestamp) return 'gone';
    const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
    const status = statuses.find(candidate => candidate.name === container);
    if (!status) return 'unknown';
    if (status.state?.running || status.state?.waiting) return 'running';
    const phase = pod.status?.phase;
    const restarts = pod.spec?.restartPolicy !== 'Never';
    const isInit = (pod.status?.initContainerStatuses ?? []).some(candidate => candidate.name === container);
    if (isInit || !restarts || phase === 'Succeeded' || phase === 'Failed') return 'gone';
    return 'running';
  }
}
