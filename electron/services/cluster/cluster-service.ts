import type { CoreV1Event, V1Deployment, V1Pod } from '@kubernetes/client-node';

import { ClawbarError } from '../../../common/errors';
import {
  gatewayPort,
  type ClusterEvent,
  type ClusterOperation,
  type ClusterView,
  type PodView,
  type SandboxDeployment,
} from '../../../common/sandbox';
import type { AppStateStore } from '../app-state';
import type { ClientHub } from '../ipc/clients';
import { ClusterOperations, type OperationContext } from './cluster-operations';
import { GatewayPortForward, type Forwarder } from './gateway-port-forward';
import { DisposableStore, Emitter, type Disposable } from '../platform/event';
import type { Logger } from '../platform/log';
import { KubeConnection, kubeError, sandboxNamespace } from './kube-connection';
import { kubeListWatch } from './kube-list-watch';
import { LogService } from './log-service';
import type { LogStreamTiming } from './log-stream';
import { toPodView } from './pod-view';
import { ResourceWatch } from './resource-watch';
import { restartDeployment, rollbackDeployment, waitForRollout } from './rollout';
import { applyObjects, prunableKinds } from './sandbox-apply';
import type { SandboxRenderer } from './sandbox-renderer';
import { sandboxSecret, sandboxSecretName } from './sandbox-secret';
import { gatewayTokenKey } from '../../../common/secrets';
import { sandboxComponentStatus } from './sandbox-components';
import { namespaceEvents, warningEvents } from './sandbox-events';

/** The Deployment behind each part of the sandbox. */
export const deploymentNames: Record<SandboxDeployment, string> = {
  gateway: 'openclaw-gateway',
  proxy: 'egress-proxy',
};

export interface ClusterServiceOptions {
  state: AppStateStore;
  hub: ClientHub;
  log: Logger;
  /** Reads the dedicated kubeconfig (undefined when there is none yet). */
  readKubeconfig: () => Promise<string | undefined>;
  namespace?: string;
  logTiming?: Partial<LogStreamTiming>;
  watchRetry?: { retryInitialMs?: number; retryMaxMs?: number };
  /** How long a rollout may take before it is reported as stuck. */
  rolloutDeadlineMs?: number;
  /** Where the gateway appears on the Mac (127.0.0.1 only); 18789 unless a test or the demo says. */
  gatewayLocalPort?: number;
  forwarder?: Forwarder;
  renderer: SandboxRenderer;
}

/** What the watches hold right now, for the services built on them. */
export interface SandboxObjects {
  pods: readonly V1Pod[];
  deployments: readonly V1Deployment[];
  events: readonly CoreV1Event[];
}

/**
 * The sandbox in k3s, seen live: connects with the dedicated kubeconfig when k3s is ready, keeps
 * list+watches of the namespace's pods, Deployments and events, and turns them into AppState
 * (pods, gateway and proxy cards, warnings). Pod logs stream through `logs`.
 */
export class ClusterService implements Disposable {
  readonly namespace: string;
  readonly logs: LogService;
  readonly operations: ClusterOperations;
  readonly portForward: GatewayPortForward;
  private current: KubeConnection | null = null;
  private session: DisposableStore | null = null;
  private pods: ResourceWatch<V1Pod> | null = null;
  private deployments: ResourceWatch<V1Deployment> | null = null;
  private eventWatch: ResourceWatch<CoreV1Event> | null = null;
  private podViews: PodView[] = [];
  private readonly connected = new Emitter<KubeConnection | null>();
  private readonly objectsChanged = new Emitter<SandboxObjects>();
  private connecting: Promise<void> | undefined;
  private disposed = false;
  /** The pods and Deployments have been listed at least once since connecting. */
  private synced = false;
  private readonly readyChanged = new Emitter<void>();
  /** The connection changed (null: disconnected). */
  readonly onDidChangeConnection = this.connected.event;
  /** Any watched object changed. */
  readonly onDidChangeObjects = this.objectsChanged.event;

  constructor(private readonly options: ClusterServiceOptions) {
    this.namespace = options.namespace ?? sandboxNamespace;
    this.logs = new LogService({
      connection: () => this.current,
      namespace: this.namespace,
      pods: () => this.podViews,
      log: options.log.child('logs'),
      ...(options.logTiming ? { timing: options.logTiming } : {}),
    });
    this.portForward = new GatewayPortForward({
      connection: () => this.current,
      readyPod: () =>
        this.podViews.find(pod => pod.role === 'gateway' && pod.ready && !pod.deleting)?.name ?? null,
      namespace: this.namespace,
      localPort: options.gatewayLocalPort ?? gatewayPort,
      podPort: gatewayPort,
      onChange: portForward => this.updateView(view => ({ ...view, portForward })),
      log: options.log.child('port-forward'),
      ...(options.forwarder ? { forwarder: options.forwarder } : {}),
    });
    this.operations = new ClusterOperations({
      log: options.log.child('operations'),
      publish: operation => this.publishOperation(operation),
    });
  }

  get connection(): KubeConnection | null {
    return this.current;
  }

  get objects(): SandboxObjects {
    return {
      pods: this.pods?.items ?? [],
      deployments: this.deployments?.items ?? [],
      events: this.eventWatch?.items ?? [],
    };
  }

  get podList(): readonly PodView[] {
    return this.podViews;
  }

  /**
   * Resolves once connected and the first list of pods and Deployments is in (the CLI waits for
   * this after starting the services); rejects with `cluster-not-connected` at the deadline.
   */
  whenReady(deadlineMs: number): Promise<KubeConnection> {
    if (this.current && this.synced) return Promise.resolve(this.current);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        listener.dispose();
        reject(
          new ClawbarError(
            'cluster-not-connected',
            'The sandbox is not reachable: start the VM (clawbar vm start) and wait for Kubernetes.',
          ),
        );
      }, deadlineMs);
      const listener = this.readyChanged.event(() => {
        if (!this.current || !this.synced) return;
        clearTimeout(timer);
        listener.dispose();
        resolve(this.current);
      });
    });
  }

  /**
   * Resolves once the sandbox is installed and the gateway answers through the port-forward
   * (what the self-test needs); rejects with `sandbox-not-installed` at the deadline.
   */
  async waitUntilInstalled(deadlineMs: number): Promise<void> {
    const until = Date.now() + deadlineMs;
    for (;;) {
      const view = this.options.state.snapshot.cluster;
      const gatewayReady = this.podViews.some(pod => pod.role === 'gateway' && pod.ready && !pod.deleting);
      if (view.installed && gatewayReady && view.portForward.state === 'on') return;
      if (Date.now() > until) {
        throw new ClawbarError(
          'sandbox-not-installed',
          view.installed
            ? 'The sandbox is installed but the gateway is not ready yet.'
            : 'The sandbox is not installed: run `clawbar install` first.',
        );
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }

  /** Rolls new pods of a Deployment (`kubectl rollout restart`) and waits for them. */
  restart(target: SandboxDeployment): { operationId: string; done: Promise<ClusterOperation> } {
    return this.operations.begin('restart', target, async context => {
      const connection = this.requireConnection();
      const name = deploymentNames[target];
      context.progress({ step: 'restarting', done: 0, total: 2, detail: `Restarting ${name}` });
      await restartDeployment(connection, this.namespace, name);
      await this.waitForRollout(connection, name, context, 1, 2);
    });
  }

  /** Goes back to the Deployment's previous revision (`kubectl rollout undo`) and waits for it. */
  rollback(target: SandboxDeployment): { operationId: string; done: Promise<ClusterOperation> } {
    return this.operations.begin('rollback', target, async context => {
      const connection = this.requireConnection();
      const name = deploymentNames[target];
      context.progress({ step: 'rolling-back', done: 0, total: 2, detail: `Rolling ${name} back` });
      const revision = await rollbackDeployment(connection, this.namespace, name);
      context.progress({ step: 'rolling-back', done: 1, total: 2, detail: `Back to revision ${revision}` });
      await this.waitForRollout(connection, name, context, 1, 2);
    });
  }

  /**
   * Installs or updates the whole sandbox for the current settings: renders it (Pod Security
   * checked), server-side applies every object with field manager `clawbar` (the Secret with the
   * values the caller passes), prunes Clawbar's objects that are no longer rendered, and waits for
   * the gateway and the proxy to roll out.
   */
  apply(options: { secrets: Readonly<Record<string, string>> }): {
    operationId: string;
    done: Promise<ClusterOperation>;
  } {
    if (!options.secrets[gatewayTokenKey]) {
      throw new ClawbarError(
        'invalid-input',
        'The gateway token is missing: it is generated during install.',
      );
    }
    return this.operations.begin('apply', null, async context => {
      const connection = this.requireConnection();
      context.progress({ step: 'rendering', done: 0, total: 1, detail: 'Rendering the sandbox' });
      const rendered = await this.options.renderer.render(providerKeysOf(options.secrets));
      const objects = rendered.map(object =>
        object.kind === 'Secret' && object.metadata.name === sandboxSecretName
          ? sandboxSecret(this.namespace, options.secrets)
          : object,
      );
      // Steps: the objects (and pruned ones), then the two rollouts.
      await applyObjects(connection, objects, {
        namespace: this.namespace,
        signal: context.signal,
        prune: prunableKinds,
        onStep: step =>
          context.progress({
            step: 'applying',
            done: step.done,
            total: step.total + 2,
            detail: step.object
              ? `${step.action === 'prune' ? 'Removing' : 'Applying'} ${step.object}`
              : 'Applied',
          }),
      });
      const steps = objects.length + 2;
      await this.waitForRollout(connection, deploymentNames.proxy, context, steps - 2, steps - 1);
      await this.waitForRollout(connection, deploymentNames.gateway, context, steps - 1, steps);
    });
  }

  /**
   * Puts exactly these keys in Secret `openclaw-secrets` (the gateway token and the provider keys
   * the user entered; a key left out is removed) and rolls the gateway, which reads them from its
   * environment. The values go to the API and nowhere else: not the log, not AppState, not errors.
   */
  updateSecret(values: Readonly<Record<string, string>>): Promise<ClusterOperation> {
    return this.operations.perform('secrets', 'gateway', async context => {
      const connection = this.requireConnection();
      context.progress({ step: 'secret', done: 0, total: 2, detail: "Updating the gateway's secrets" });
      const installed = this.objects.deployments.find(
        item => item.metadata?.name === deploymentNames.gateway,
      );
      // The gateway's environment names each key it reads: re-render it for this set of keys.
      const gateway = installed
        ? (await this.options.renderer.render(providerKeysOf(values))).filter(
            object => object.kind === 'Deployment' && object.metadata.name === deploymentNames.gateway,
          )
        : [];
      await applyObjects(connection, [sandboxSecret(this.namespace, values), ...gateway], {
        namespace: this.namespace,
        signal: context.signal,
      });
      if (!installed) return;
      const before = installed.metadata?.generation ?? 0;
      const after =
        (
          await connection.apps.readNamespacedDeployment({
            name: deploymentNames.gateway,
            namespace: this.namespace,
          })
        ).metadata?.generation ?? 0;
      // Same keys: the template did not change, so roll it to read the new values.
      if (after === before) await restartDeployment(connection, this.namespace, deploymentNames.gateway);
      await this.waitForRollout(connection, deploymentNames.gateway, context, 1, 2);
    });
  }

  /** The namespace's events, warnings first, newest first within each. */
  events(): ClusterEvent[] {
    this.requireConnection();
    return namespaceEvents(this.objects.events);
  }

  /** The connection, or the error a user can act on when there is none. */
  requireConnection(): KubeConnection {
    if (!this.current) {
      throw new ClawbarError(
        'cluster-not-connected',
        'The sandbox is not reachable: start the VM and wait for Kubernetes.',
      );
    }
    return this.current;
  }

  /** Waits for a rollout, reporting it as steps `from`..`total` of the operation. */
  async waitForRollout(
    connection: KubeConnection,
    name: string,
    context: OperationContext,
    from: number,
    total: number,
  ): Promise<void> {
    await waitForRollout(connection, this.namespace, name, {
      deadlineMs: this.options.rolloutDeadlineMs ?? 180_000,
      signal: context.signal,
      onProgress: progress =>
        context.progress({
          step: 'rollout',
          done: from + (progress.desired > 0 ? progress.ready / progress.desired : 0) * (total - from),
          total,
          detail: `${name}: ${progress.detail}`,
        }),
    });
  }

  /** k3s is ready (connect with the kubeconfig it wrote) or not (let go of everything). */
  onK3sChanged(ready: boolean): Promise<void> {
    const next = (this.connecting ?? Promise.resolve()).then(() =>
      ready ? this.connect() : this.disconnect(),
    );
    this.connecting = next.finally(() => {
      if (this.connecting === next) this.connecting = undefined;
    });
    return next;
  }

  dispose(): void {
    this.disposed = true;
    this.logs.dispose();
    this.portForward.dispose();
    this.session?.dispose();
    this.session = null;
    this.current = null;
    this.connected.dispose();
    this.objectsChanged.dispose();
    this.readyChanged.dispose();
  }

  private async connect(): Promise<void> {
    if (this.disposed) return;
    const text = await this.options.readKubeconfig();
    // Disposed while the kubeconfig was read (a CLI command that ended at once): connect nothing.
    if (this.isDisposed()) return;
    if (!text) {
      this.options.log.warn('k3s is ready but there is no kubeconfig yet');
      return;
    }
    let connection: KubeConnection;
    try {
      connection = new KubeConnection(text);
    } catch (error) {
      this.options.log.error('Cannot use the kubeconfig', { error: kubeError(error, 'kubeconfig').message });
      return;
    }
    if (this.current?.server === connection.server && this.session) return;
    this.session?.dispose();
    const session = new DisposableStore();
    this.session = session;
    this.current = connection;
    const retry = this.options.watchRetry ?? {};
    const namespace = this.namespace;
    this.pods = session.add(
      new ResourceWatch(kubeListWatch(connection, `/api/v1/namespaces/${namespace}/pods`), retry),
    );
    this.deployments = session.add(
      new ResourceWatch(
        kubeListWatch(connection, `/apis/apps/v1/namespaces/${namespace}/deployments`),
        retry,
      ),
    );
    this.eventWatch = session.add(
      new ResourceWatch(kubeListWatch(connection, `/api/v1/namespaces/${namespace}/events`), retry),
    );
    let reported = false;
    this.synced = false;
    const pending = new Set([this.pods, this.deployments]);
    for (const watch of pending) {
      session.add(
        watch.onDidSync(() => {
          pending.delete(watch);
          if (pending.size > 0 || this.session !== session) return;
          this.synced = true;
          this.readyChanged.fire();
        }),
      );
    }
    for (const watch of [this.pods, this.deployments, this.eventWatch] as const) {
      session.add(watch.onDidChange(() => this.publish(true)));
      session.add(watch.onDidSync(() => (reported = false)));
      session.add(
        watch.onDidFail(problem => {
          if (this.session !== session) return;
          if (!reported) {
            reported = true;
            this.options.log.warn('Lost the watch on the sandbox; retrying', {
              error: kubeError(problem.error, 'Watch').message,
              retryInMs: problem.retryInMs,
            });
          }
          this.publish(false);
        }),
      );
    }
    this.updateView(view => ({ ...view, connected: true }));
    this.connected.fire(connection);
    this.pods.start();
    this.deployments.start();
    this.eventWatch.start();
    this.portForward.start();
  }

  private async disconnect(): Promise<void> {
    if (!this.session) return;
    this.logs.closeAll();
    this.portForward.stop();
    this.session.dispose();
    this.session = null;
    this.current = null;
    this.pods = this.deployments = this.eventWatch = null;
    this.podViews = [];
    this.synced = false;
    this.updateView(view => ({ ...view, connected: false, installed: false, pods: [], warnings: [] }));
    this.connected.fire(null);
    await Promise.resolve();
  }

  private publish(reachable: boolean): void {
    const { pods, deployments, events } = this.objects;
    this.podViews = pods.map(toPodView).sort((a, b) => a.name.localeCompare(b.name));
    const deploymentNamed = (name: string) => deployments.find(item => item.metadata?.name === name);
    const installed = Boolean(deploymentNamed('openclaw-gateway') && deploymentNamed('egress-proxy'));
    this.updateView(view => ({
      ...view,
      connected: reachable,
      installed,
      pods: this.podViews,
      warnings: warningEvents(events),
    }));
    this.portForward.refresh();
    if (!reachable) return;
    this.options.state.setComponent(
      'gateway',
      sandboxComponentStatus('gateway', deploymentNamed('openclaw-gateway'), this.podViews),
    );
    this.options.state.setComponent(
      'proxy',
      sandboxComponentStatus('proxy', deploymentNamed('egress-proxy'), this.podViews),
    );
    this.objectsChanged.fire(this.objects);
  }

  /** A method, so the compiler does not take `disposed` as unchanged across an await. */
  private isDisposed(): boolean {
    return this.disposed;
  }

  private publishOperation(operation: ClusterOperation): void {
    this.updateView(view => ({ ...view, operation }));
    this.options.hub.broadcast('cluster:progress', operation);
  }

  /** Writes the cluster part of AppState (the network service adds its toggles and allowlist). */
  updateView(change: (view: ClusterView) => ClusterView): void {
    this.options.state.update(current => ({ ...current, cluster: change(current.cluster) }));
  }
}

/** The provider keys among the Secret's values: what the gateway's environment references. */
function providerKeysOf(values: Readonly<Record<string, string>>): string[] {
  return Object.keys(values).filter(key => key !== gatewayTokenKey);
}
