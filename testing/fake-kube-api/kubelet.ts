import {
  request as httpRequest,
  createServer as createHttpServer,
  type RequestListener,
  type Server as HttpServer,
} from 'node:http';
import { connect, createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';

import { ApiError, badRequest, displayValue, notFound } from './api-error';
import { qosClass, withTypeMeta, type Cluster } from './cluster';
import { ContainerLog } from './container-log';
import type { EventRecorder } from './events';
import { containerId, imageId, normalizeImage, rfc3339 } from './ids';
import { resourceType } from './resources';
import type { KubeObject, ObjectStore, StoreEvent } from './store';

/**
 * The node: a scheduler that binds pods once their claims are bound, and a kubelet that runs
 * them with realistic status progression — sandbox and pod IP (10.42.0.0/24), image pulls,
 * init containers in order, env from Secrets/ConfigMaps (CreateContainerConfigError when one
 * is missing), HTTP/TCP/exec probes against what the container really serves, restarts with
 * CrashLoopBackOff, graceful termination — and the events each step produces. What a container
 * does is a pluggable behaviour; the defaults are in behaviours.ts.
 */
type Obj = Record<string, unknown>;

export interface PodRef {
  namespace: string;
  name: string;
}

export type PortHandler = { http: RequestListener } | { tcp: (socket: Socket) => void };

export type ProbeKind = 'startup' | 'readiness' | 'liveness';

export interface ExecResult {
  exitCode: number;
  output?: string;
}

export interface ContainerContext {
  /** The pod as it was when the container started. */
  readonly pod: KubeObject;
  /** The container's spec. */
  readonly container: Obj;
  readonly role: 'init' | 'main';
  /** The resolved environment (values from Secrets and ConfigMaps included). */
  readonly env: Readonly<Record<string, string>>;
  readonly restartCount: number;
  /** Aborted when this container instance stops. */
  readonly signal: AbortSignal;
  /** Writes a line (or several, split on newlines) to the container's log. */
  log(line: string): void;
  /** The process exits with this code. */
  exit(code: number): void;
  /** Serves a port inside the pod (reached by port-forward and probes). */
  listen(port: number, handler: PortHandler): void;
  /** Forces a probe's outcome (true = fail, false = pass, undefined = probe for real). */
  failProbe(kind: ProbeKind, failing: boolean | undefined): void;
  /** Runs `fn` after `ms` (scaled like every kubelet delay), unless the container stopped first. */
  after(ms: number, fn: () => void): void;
}

export interface ContainerHooks {
  /** SIGTERM: resolves with the exit code (default 0) once shut down. */
  stop?(): number | undefined | Promise<number | undefined>;
  /** Exec probes run this. */
  exec?(command: string[]): ExecResult | Promise<ExecResult>;
}

export interface Behaviour {
  start(context: ContainerContext): ContainerHooks | undefined;
}

export type BehaviourMatch = (pod: KubeObject, container: Obj, role: 'init' | 'main') => boolean;

export interface KubeletTiming {
  /** Multiplies every delay (1 ≈ real time; tests use small values). */
  scale: number;
}

export interface FloodOptions {
  linesPerSecond: number;
  lineBytes: number;
}

export interface Flood {
  stop(): void;
  readonly written: number;
}

type State =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | {
      terminated: {
        exitCode: number;
        reason: string;
        startedAt?: string;
        finishedAt: string;
        containerID?: string;
        message?: string;
      };
    };

interface Instance {
  log: ContainerLog;
  abort: AbortController;
  hooks: ContainerHooks | undefined;
  servers: Map<number, { server: HttpServer | TcpServer; port: number }>;
  startedAt: string;
  timers: Set<NodeJS.Timeout>;
  exited: boolean;
  overrides: Partial<Record<ProbeKind, boolean>>;
}

interface ContainerRuntime {
  name: string;
  role: 'init' | 'main';
  spec: Obj;
  restartCount: number;
  state: State;
  lastState: State | undefined;
  ready: boolean;
  started: boolean;
  containerID?: string;
  imageID: string;
  logs: ContainerLog[];
  instance?: Instance;
  backoffMs: number;
  pullBackoffMs: number;
  done: boolean;
}

interface PodRuntime {
  uid: string;
  namespace: string;
  name: string;
  ip?: string;
  sandboxReady: boolean;
  initialized: boolean;
  containers: ContainerRuntime[];
  terminating: boolean;
  gone: boolean;
  timers: Set<NodeJS.Timeout>;
  startTime: string;
  statusScheduled: boolean;
  failedPhase?: 'Failed';
}

const base = {
  scheduleMs: 30,
  sandboxMs: 500,
  pullMs: 1200,
  createMs: 100,
  startMs: 100,
  stopMs: 300,
  backoffMs: 10_000,
  backoffMaxMs: 300_000,
  retryMs: 2000,
};

const pods = resourceType('pods');
const secrets = resourceType('secrets');
const configMaps = resourceType('configmaps');
const claims = resourceType('persistentvolumeclaims');

function object(value: unknown): Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : {};
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.map(object) : [];
}

function decode(value: unknown): string {
  return typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : '';
}

function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes}m0s` : `${minutes}m${rest}s`;
}

class ConfigError extends Error {}

export class Kubelet {
  private readonly runtimes = new Map<string, PodRuntime>();
  private readonly behaviours: { match: BehaviourMatch; behaviour: Behaviour }[] = [];
  private readonly pulled: Set<string>;
  private readonly unsubscribe: () => void;
  private readonly schedulingTimers = new Map<string, NodeJS.Timeout>();
  private pullFailure: (image: string) => string | undefined = () => undefined;
  private stopped = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
    readonly nodeName: string,
    private readonly timing: KubeletTiming,
  ) {
    const images = store.extras('kubelet.images');
    this.pulled = new Set(
      Array.isArray(images) ? images.filter((image): image is string => typeof image === 'string') : [],
    );
    this.unsubscribe = store.subscribe(event => this.onChange(event));
    for (const pod of store.list('pods')) this.consider(withTypeMeta(pods, pod), true);
  }

  /** Decides what a container does. Later registrations win; returns a function that removes it. */
  registerBehaviour(match: BehaviourMatch, behaviour: Behaviour): () => void {
    const entry = { match, behaviour };
    this.behaviours.push(entry);
    return () => {
      const index = this.behaviours.indexOf(entry);
      if (index >= 0) this.behaviours.splice(index, 1);
    };
  }

  /** Makes pulls of matching images fail with the registry's message (ErrImagePull → ImagePullBackOff). */
  failImagePulls(decide: (image: string) => string | undefined): void {
    this.pullFailure = decide;
  }

  /** Writes lines to a running container's log, as if the process printed them. */
  emitLog(pod: PodRef, container: string, lines: string | readonly string[]): void {
    const instance = this.runningInstance(pod, container);
    instance.log.writeMany(typeof lines === 'string' ? [lines] : lines);
  }

  /** The container process exits with `exitCode` (a crash, when non-zero). */
  exitContainer(pod: PodRef, container: string, exitCode: number): void {
    const runtime = this.runtimeFor(pod);
    const target = runtime?.containers.find(item => item.name === container);
    if (!runtime || !target?.instance || target.instance.exited)
      throw new Error(`container ${container} of ${pod.namespace}/${pod.name} is not running`);
    this.exit(runtime, target, exitCode, exitCode === 0 ? 'Completed' : 'Error');
  }

  /** Writes log lines as fast as asked, in batches, until stopped or the container stops. */
  startFlood(pod: PodRef, container: string, options: FloodOptions): Flood {
    const instance = this.runningInstance(pod, container);
    const started = process.hrtime.bigint();
    let written = 0;
    const filler = 'x'.repeat(Math.max(0, options.lineBytes));
    const timer = setInterval(() => {
      if (instance.exited) {
        clearInterval(timer);
        return;
      }
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      const due = Math.floor((elapsedMs * options.linesPerSecond) / 1000) - written;
      if (due <= 0) return;
      const first = written;
      instance.log.writeBatch(due, index => {
        const head = `flood ${first + index} `;
        return head.length >= options.lineBytes ? head : head + filler.slice(head.length);
      });
      written += due;
    }, 5);
    instance.timers.add(timer);
    return {
      stop: () => clearInterval(timer),
      get written() {
        return written;
      },
    };
  }

  /** The log a `GET …/log` reads, with the kubelet's errors for the cases it refuses. */
  logFor(ref: PodRef, containerName: string | null, previous: boolean): ContainerLog {
    const pod = this.cluster.find(pods, ref.namespace, ref.name);
    if (!pod) throw notFound({ resource: 'pods', group: '' }, ref.name);
    const spec = object(pod.spec);
    const main = list(spec.containers).map(item => String(item.name));
    const init = list(spec.initContainers).map(item => String(item.name));
    let name = containerName;
    if (!name) {
      if (main.length === 1 && init.length === 0) name = main[0] ?? '';
      else {
        throw badRequest(
          `a container name must be specified for pod ${ref.name}, choose one of: [${main.join(' ')}]${init.length > 0 ? ` or one of the init containers: [${init.join(' ')}]` : ''}`,
        );
      }
    }
    if (!main.includes(name) && !init.includes(name))
      throw badRequest(`container ${name} is not valid for pod ${ref.name}`);
    const runtime = this.runtimes.get(pod.metadata.uid ?? '');
    const container = runtime?.containers.find(item => item.name === name);
    if (previous) {
      const log =
        container && container.logs.length >= 2 ? container.logs[container.logs.length - 2] : undefined;
      if (!log) throw badRequest(`previous terminated container "${name}" in pod "${ref.name}" not found`);
      return log;
    }
    const current = container?.logs[container.logs.length - 1];
    if (!current) {
      const status = [
        ...list(object(pod.status).initContainerStatuses),
        ...list(object(pod.status).containerStatuses),
      ].find(item => item.name === name);
      const reason = displayValue(object(object(status?.state).waiting).reason ?? 'ContainerCreating');
      throw badRequest(`container "${name}" in pod "${ref.name}" is waiting to start: ${reason}`);
    }
    return current;
  }

  /** Connects to a port the pod serves (for port-forward); rejects with the kubelet's message. */
  connectPort(ref: PodRef, port: number): Promise<Socket> {
    const pod = this.cluster.find(pods, ref.namespace, ref.name);
    const runtime = pod ? this.runtimes.get(pod.metadata.uid ?? '') : undefined;
    const served = runtime?.containers
      .map(item => (item.instance?.exited ? undefined : item.instance?.servers.get(port)))
      .find(item => item !== undefined);
    const refused = () =>
      new Error(
        `error forwarding port ${port} to pod ${pod?.metadata.uid ?? ''}, uid : failed to execute portforward in network namespace "/var/run/netns/cni-${(pod?.metadata.uid ?? '').slice(0, 8)}": failed to connect to localhost:${port} inside namespace "${pod?.metadata.uid ?? ''}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused IPv6 dial tcp6 [::1]:${port}: connect: connection refused `,
      );
    if (!served) return Promise.reject(refused());
    return new Promise((resolve, reject) => {
      const socket = connect(served.port, '127.0.0.1');
      socket.once('connect', () => resolve(socket));
      socket.once('error', () => reject(refused()));
    });
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    for (const timer of this.schedulingTimers.values()) clearTimeout(timer);
    for (const runtime of this.runtimes.values()) this.teardown(runtime);
    this.runtimes.clear();
  }

  private ms(value: number): number {
    return Math.max(1, Math.round(value * this.timing.scale));
  }

  private sleep(runtime: PodRuntime, ms: number): Promise<void> {
    return new Promise(resolve => {
      const timer = setTimeout(() => {
        runtime.timers.delete(timer);
        resolve();
      }, this.ms(ms));
      runtime.timers.add(timer);
    });
  }

  private runtimeFor(ref: PodRef): PodRuntime | undefined {
    for (const runtime of this.runtimes.values())
      if (runtime.namespace === ref.namespace && runtime.name === ref.name) return runtime;
    return undefined;
  }

  private runningInstance(ref: PodRef, container: string): Instance {
    const target = this.runtimeFor(ref)?.containers.find(item => item.name === container);
    if (!target?.instance || target.instance.exited)
      throw new Error(`container ${container} of ${ref.namespace}/${ref.name} is not running`);
    return target.instance;
  }

  private onChange(event: StoreEvent): void {
    if (this.stopped) return;
    if (event.typeKey === 'pods') {
      if (event.type === 'DELETED') {
        const runtime = this.runtimes.get(event.object.metadata.uid ?? '');
        if (runtime) {
          runtime.gone = true;
          this.teardown(runtime);
          this.runtimes.delete(runtime.uid);
        }
        return;
      }
      this.consider(withTypeMeta(pods, event.object), false);
      return;
    }
    if (event.typeKey === 'persistentvolumeclaims' || event.typeKey === 'persistentvolumes') {
      for (const pod of this.store.list('pods'))
        if (!object(pod.spec).nodeName) this.scheduleSoon(withTypeMeta(pods, pod));
    }
  }

  private consider(pod: KubeObject, recovering: boolean): void {
    const spec = object(pod.spec);
    const uid = pod.metadata.uid ?? '';
    if (!spec.nodeName) {
      if (!pod.metadata.deletionTimestamp) this.scheduleSoon(pod);
      return;
    }
    if (spec.nodeName !== this.nodeName) return;
    let runtime = this.runtimes.get(uid);
    if (!runtime) {
      const phase = object(pod.status).phase;
      if (phase === 'Succeeded' || phase === 'Failed') return;
      runtime = this.createRuntime(pod);
      this.runtimes.set(uid, runtime);
      void this.runPod(runtime, pod, recovering);
    }
    if (pod.metadata.deletionTimestamp && !runtime.terminating) {
      runtime.terminating = true;
      void this.terminate(runtime, pod);
    }
  }

  // Scheduler.

  private scheduleSoon(pod: KubeObject): void {
    const uid = pod.metadata.uid ?? '';
    if (this.schedulingTimers.has(uid)) return;
    const timer = setTimeout(() => {
      this.schedulingTimers.delete(uid);
      this.schedule(pod.metadata.namespace ?? '', pod.metadata.name ?? '');
    }, this.ms(base.scheduleMs));
    timer.unref();
    this.schedulingTimers.set(uid, timer);
  }

  private schedule(namespace: string, name: string): void {
    if (this.stopped) return;
    const pod = this.cluster.find(pods, namespace, name);
    if (!pod || object(pod.spec).nodeName || pod.metadata.deletionTimestamp) return;
    const problem = this.unschedulable(pod);
    if (problem) {
      const message = `0/1 nodes are available: ${problem}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.`;
      const existing = list(object(pod.status).conditions).find(item => item.type === 'PodScheduled');
      if (existing?.message !== message) {
        this.events.record({
          involved: pod,
          type: 'Warning',
          reason: 'FailedScheduling',
          message,
          source: { component: 'default-scheduler' },
          action: 'Scheduling',
        });
        this.cluster.updateStatus(pods, namespace, name, current => {
          current.status = {
            ...object(current.status),
            conditions: [
              {
                type: 'PodScheduled',
                status: 'False',
                lastProbeTime: null,
                lastTransitionTime: rfc3339(),
                reason: 'Unschedulable',
                message,
              },
            ],
          };
        });
      }
      const timer = setTimeout(() => this.schedule(namespace, name), this.ms(base.retryMs));
      timer.unref();
      return;
    }
    this.cluster.updateObject(pods, namespace, name, current => {
      current.spec = { ...object(current.spec), nodeName: this.nodeName };
    });
    this.cluster.updateStatus(pods, namespace, name, current => {
      current.status = {
        ...object(current.status),
        conditions: [
          { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339() },
        ],
      };
    });
    this.events.record({
      involved: pod,
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${namespace}/${name} to ${this.nodeName}`,
      source: { component: 'default-scheduler' },
      action: 'Binding',
    });
  }

  private unschedulable(pod: KubeObject): string | undefined {
    for (const volume of list(object(pod.spec).volumes)) {
      const claimName = object(volume.persistentVolumeClaim).claimName;
      if (typeof claimName !== 'string') continue;
      const claim = this.cluster.find(claims, pod.metadata.namespace, claimName);
      if (!claim) return `persistentvolumeclaim "${claimName}" not found`;
      if (claim.metadata.deletionTimestamp) return `persistentvolumeclaim "${claimName}" is being deleted`;
      if (object(claim.status).phase !== 'Bound') {
        const storageClass = object(claim.spec).storageClassName;
        if (storageClass === 'local-path' || storageClass === undefined) continue;
        return 'pod has unbound immediate PersistentVolumeClaims';
      }
    }
    return undefined;
  }

  // Kubelet.

  private createRuntime(pod: KubeObject): PodRuntime {
    const spec = object(pod.spec);
    const statuses = [
      ...list(object(pod.status).initContainerStatuses),
      ...list(object(pod.status).containerStatuses),
    ];
    const containers: ContainerRuntime[] = [
      ...list(spec.initContainers).map(item => ({ item, role: 'init' as const })),
      ...list(spec.containers).map(item => ({ item, role: 'main' as const })),
    ].map(({ item, role }) => {
      const previous = statuses.find(status => status.name === item.name);
      return {
        name: String(item.name),
        role,
        spec: item,
        restartCount: typeof previous?.restartCount === 'number' ? previous.restartCount : 0,
        state: {
          waiting: {
            reason:
              role === 'init'
                ? 'PodInitializing'
                : list(spec.initContainers).length > 0
                  ? 'PodInitializing'
                  : 'ContainerCreating',
          },
        },
        lastState: undefined,
        ready: false,
        started: false,
        imageID: '',
        logs: [],
        backoffMs: 0,
        pullBackoffMs: 0,
        done: false,
      };
    });
    return {
      uid: pod.metadata.uid ?? '',
      namespace: pod.metadata.namespace ?? '',
      name: pod.metadata.name ?? '',
      sandboxReady: false,
      initialized: list(spec.initContainers).length === 0,
      containers,
      terminating: false,
      gone: false,
      timers: new Set(),
      startTime:
        typeof object(pod.status).startTime === 'string' ? String(object(pod.status).startTime) : rfc3339(),
      statusScheduled: false,
    };
  }

  private event(
    runtime: PodRuntime,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    container?: ContainerRuntime,
  ): void {
    const pod = this.cluster.find(pods, runtime.namespace, runtime.name);
    if (!pod) return;
    this.events.record({
      involved: pod,
      type,
      reason,
      message,
      source: { component: 'kubelet', host: this.nodeName },
      ...(container
        ? {
            fieldPath: `spec.${container.role === 'init' ? 'initContainers' : 'containers'}{${container.name}}`,
          }
        : {}),
    });
  }

  private alive(runtime: PodRuntime): boolean {
    return !runtime.gone && !runtime.terminating && !this.stopped;
  }

  private async runPod(runtime: PodRuntime, pod: KubeObject, recovering: boolean): Promise<void> {
    const wasRunning =
      recovering &&
      object(pod.status).phase !== 'Pending' &&
      list(object(pod.status).containerStatuses).length > 0;
    if (wasRunning) {
      // The node restarted: every container is gone and comes back in a new sandbox.
      for (const container of runtime.containers) {
        container.lastState = { terminated: { exitCode: 255, reason: 'Unknown', finishedAt: rfc3339() } };
        if (container.role === 'main') container.restartCount++;
      }
      this.event(
        runtime,
        'Normal',
        'SandboxChanged',
        'Pod sandbox changed, it will be killed and re-created.',
      );
    }
    this.flushStatus(runtime);
    await this.sleep(runtime, base.sandboxMs);
    while (this.alive(runtime)) {
      const missing = this.missingVolumeSource(pod);
      if (!missing) break;
      this.event(
        runtime,
        'Warning',
        'FailedMount',
        `MountVolume.SetUp failed for volume "${missing.volume}" : ${missing.message}`,
      );
      await this.sleep(runtime, base.retryMs);
    }
    if (!this.alive(runtime)) return;
    runtime.ip = this.allocateIp();
    runtime.sandboxReady = true;
    this.flushStatus(runtime);
    for (const container of runtime.containers.filter(item => item.role === 'init')) {
      if (wasRunning) {
        container.done = true;
        container.state = { terminated: { exitCode: 0, reason: 'Completed', finishedAt: rfc3339() } };
        continue;
      }
      const completed = await this.runToCompletion(runtime, container);
      if (!completed) return;
    }
    runtime.initialized = true;
    for (const container of runtime.containers.filter(item => item.role === 'main')) {
      container.state = { waiting: { reason: 'ContainerCreating' } };
    }
    this.flushStatus(runtime);
    for (const container of runtime.containers.filter(item => item.role === 'main'))
      void this.startContainer(runtime, container);
  }

  /** Runs an init container until it succeeds (restarting on failure unless restartPolicy is Never). */
  private runToCompletion(runtime: PodRuntime, container: ContainerRuntime): Promise<boolean> {
    return new Promise(resolve => {
      const check = () => {
        if (!this.alive(runtime) || runtime.failedPhase || container.done) {
          resolve(container.done);
          return;
        }
        const timer = setTimeout(() => {
          runtime.timers.delete(timer);
          check();
        }, this.ms(20));
        runtime.timers.add(timer);
      };
      void this.startContainer(runtime, container).then(check);
    });
  }

  private missingVolumeSource(pod: KubeObject): { volume: string; message: string } | undefined {
    for (const volume of list(object(pod.spec).volumes)) {
      const secret = object(volume.secret);
      if (
        typeof secret.secretName === 'string' &&
        secret.optional !== true &&
        !this.cluster.find(secrets, pod.metadata.namespace, secret.secretName)
      ) {
        return { volume: String(volume.name), message: `secret "${secret.secretName}" not found` };
      }
      const configMap = object(volume.configMap);
      if (
        typeof configMap.name === 'string' &&
        configMap.optional !== true &&
        !this.cluster.find(configMaps, pod.metadata.namespace, configMap.name)
      ) {
        return { volume: String(volume.name), message: `configmap "${configMap.name}" not found` };
      }
    }
    return undefined;
  }

  private allocateIp(): string {
    const used = new Set<string>();
    for (const runtime of this.runtimes.values()) if (runtime.ip) used.add(runtime.ip);
    for (const pod of this.store.list('pods')) {
      const ip = object(pod.status).podIP;
      if (typeof ip === 'string') used.add(ip);
    }
    const last = this.store.extras('kubelet.lastIp');
    const recent = typeof last === 'number' ? last : 1;
    for (let step = 1; step <= 253; step++) {
      const octet = ((recent - 2 + step) % 253) + 2;
      const ip = `10.42.0.${octet}`;
      if (!used.has(ip)) {
        this.store.setExtras('kubelet.lastIp', octet);
        return ip;
      }
    }
    return '10.42.0.254';
  }

  private behaviourFor(pod: KubeObject, container: ContainerRuntime): Behaviour | undefined {
    for (let index = this.behaviours.length - 1; index >= 0; index--) {
      const entry = this.behaviours[index];
      if (entry?.match(pod, container.spec, container.role)) return entry.behaviour;
    }
    return undefined;
  }

  private async pull(runtime: PodRuntime, container: ContainerRuntime): Promise<boolean> {
    const image = displayValue(container.spec.image ?? '');
    const policy = container.spec.imagePullPolicy ?? 'IfNotPresent';
    const present = this.pulled.has(normalizeImage(image));
    if (present && policy !== 'Always') {
      this.event(
        runtime,
        'Normal',
        'Pulled',
        `Container image "${image}" already present on machine`,
        container,
      );
      container.imageID = imageId(image);
      return true;
    }
    if (policy === 'Never') {
      container.state = {
        waiting: {
          reason: 'ErrImageNeverPull',
          message: `Container image "${image}" is not present with pull policy of Never`,
        },
      };
      this.event(
        runtime,
        'Warning',
        'ErrImageNeverPull',
        `Container image "${image}" is not present with pull policy of Never`,
        container,
      );
      this.flushStatus(runtime);
      return false;
    }
    this.event(runtime, 'Normal', 'Pulling', `Pulling image "${image}"`, container);
    const started = Date.now();
    await this.sleep(runtime, present ? base.pullMs / 4 : base.pullMs);
    if (!this.alive(runtime)) return false;
    const failure = this.pullFailure(image);
    if (failure) {
      const message = `Failed to pull image "${image}": ${failure}`;
      this.event(runtime, 'Warning', 'Failed', message, container);
      this.event(runtime, 'Warning', 'Failed', 'Error: ErrImagePull', container);
      container.state = { waiting: { reason: 'ErrImagePull', message } };
      this.flushStatus(runtime);
      container.pullBackoffMs =
        container.pullBackoffMs === 0
          ? base.backoffMs
          : Math.min(base.backoffMaxMs, container.pullBackoffMs * 2);
      await this.sleep(runtime, base.retryMs / 2);
      if (!this.alive(runtime)) return false;
      container.state = {
        waiting: {
          reason: 'ImagePullBackOff',
          message: `Back-off pulling image "${image}": ErrImagePull: ${failure}`,
        },
      };
      this.event(runtime, 'Normal', 'BackOff', `Back-off pulling image "${image}"`, container);
      this.event(runtime, 'Warning', 'Failed', 'Error: ImagePullBackOff', container);
      this.flushStatus(runtime);
      await this.sleep(runtime, container.pullBackoffMs);
      return false;
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(3);
    const size = 50_000_000 + ((image.length * 7_919_113) % 400_000_000);
    this.event(
      runtime,
      'Normal',
      'Pulled',
      `Successfully pulled image "${image}" in ${seconds}s (${seconds}s including waiting). Image size: ${size} bytes.`,
      container,
    );
    this.pulled.add(normalizeImage(image));
    this.store.setExtras('kubelet.images', [...this.pulled]);
    container.imageID = imageId(image);
    container.pullBackoffMs = 0;
    return true;
  }

  private resolveEnv(pod: KubeObject, container: ContainerRuntime): Record<string, string> {
    const namespace = pod.metadata.namespace ?? '';
    const env: Record<string, string> = {};
    if (object(pod.spec).enableServiceLinks !== false) {
      for (const service of this.store.list('services', namespace)) {
        const prefix = String(service.metadata.name).toUpperCase().replace(/-/g, '_');
        const spec = object(service.spec);
        const port = list(spec.ports)[0]?.port;
        if (typeof spec.clusterIP === 'string' && spec.clusterIP !== 'None' && port !== undefined) {
          env[`${prefix}_SERVICE_HOST`] = spec.clusterIP;
          env[`${prefix}_SERVICE_PORT`] = displayValue(port);
        }
      }
    }
    env.KUBERNETES_SERVICE_HOST = '10.43.0.1';
    env.KUBERNETES_SERVICE_PORT = '443';
    env.HOSTNAME = pod.metadata.name ?? '';
    const secretData = (name: string, optional: boolean): Obj | undefined => {
      const secret = this.cluster.find(secrets, namespace, name);
      if (!secret && !optional) throw new ConfigError(`secret "${name}" not found`);
      return secret ? object(secret.data) : undefined;
    };
    const configData = (name: string, optional: boolean): Obj | undefined => {
      const configMap = this.cluster.find(configMaps, namespace, name);
      if (!configMap && !optional) throw new ConfigError(`configmap "${name}" not found`);
      return configMap ? object(configMap.data) : undefined;
    };
    for (const source of list(container.spec.envFrom)) {
      const prefix = typeof source.prefix === 'string' ? source.prefix : '';
      const secretRef = object(source.secretRef);
      const configRef = object(source.configMapRef);
      if (typeof secretRef.name === 'string') {
        for (const [key, value] of Object.entries(
          secretData(secretRef.name, secretRef.optional === true) ?? {},
        ))
          env[prefix + key] = decode(value);
      }
      if (typeof configRef.name === 'string') {
        for (const [key, value] of Object.entries(
          configData(configRef.name, configRef.optional === true) ?? {},
        ))
          env[prefix + key] = String(value);
      }
    }
    for (const item of list(container.spec.env)) {
      const name = String(item.name);
      if (typeof item.value === 'string') {
        env[name] = item.value.replace(
          /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g,
          (whole, variable: string) => env[variable] ?? whole,
        );
        continue;
      }
      const from = object(item.valueFrom);
      const secretKey = object(from.secretKeyRef);
      const configKey = object(from.configMapKeyRef);
      const fieldRef = object(from.fieldRef);
      if (typeof secretKey.name === 'string') {
        const optional = secretKey.optional === true;
        const data = secretData(secretKey.name, optional);
        const key = String(secretKey.key);
        if (data && data[key] === undefined && !optional)
          throw new ConfigError(`couldn't find key ${key} in Secret ${namespace}/${secretKey.name}`);
        if (data?.[key] !== undefined) env[name] = decode(data[key]);
      } else if (typeof configKey.name === 'string') {
        const optional = configKey.optional === true;
        const data = configData(configKey.name, optional);
        const key = String(configKey.key);
        if (data && data[key] === undefined && !optional)
          throw new ConfigError(`couldn't find key ${key} in ConfigMap ${namespace}/${configKey.name}`);
        if (data?.[key] !== undefined) env[name] = displayValue(data[key]);
      } else if (typeof fieldRef.fieldPath === 'string') {
        const values: Record<string, string | undefined> = {
          'metadata.name': pod.metadata.name,
          'metadata.namespace': pod.metadata.namespace,
          'metadata.uid': pod.metadata.uid,
          'spec.nodeName': this.nodeName,
          'spec.serviceAccountName': displayValue(object(pod.spec).serviceAccountName ?? 'default'),
          'status.hostIP': '192.168.5.15',
          'status.podIP': this.runtimes.get(pod.metadata.uid ?? '')?.ip,
        };
        env[name] = values[fieldRef.fieldPath] ?? '';
      } else if (from.resourceFieldRef !== undefined) {
        const ref = object(from.resourceFieldRef);
        const [field = '', resource = ''] = String(ref.resource).split('.');
        env[name] = displayValue(object(object(container.spec.resources)[field])[resource] ?? '0');
      }
    }
    return env;
  }

  private async startContainer(runtime: PodRuntime, container: ContainerRuntime): Promise<void> {
    for (;;) {
      if (!this.alive(runtime)) return;
      const pulled = await this.pull(runtime, container);
      if (!this.alive(runtime)) return;
      if (!pulled) {
        if ('waiting' in container.state && container.state.waiting.reason === 'ErrImageNeverPull') return;
        continue;
      }
      const pod = this.cluster.find(pods, runtime.namespace, runtime.name);
      if (!pod) return;
      let env: Record<string, string>;
      try {
        env = this.resolveEnv(pod, container);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        container.state = { waiting: { reason: 'CreateContainerConfigError', message: error.message } };
        this.event(runtime, 'Warning', 'Failed', `Error: ${error.message}`, container);
        this.flushStatus(runtime);
        await this.sleep(runtime, base.retryMs);
        continue;
      }
      await this.sleep(runtime, base.createMs);
      if (!this.alive(runtime)) return;
      container.containerID = containerId();
      this.event(runtime, 'Normal', 'Created', `Created container: ${container.name}`, container);
      await this.sleep(runtime, base.startMs);
      if (!this.alive(runtime)) return;
      this.run(runtime, pod, container, env);
      this.event(runtime, 'Normal', 'Started', `Started container ${container.name}`, container);
      return;
    }
  }

  private run(
    runtime: PodRuntime,
    pod: KubeObject,
    container: ContainerRuntime,
    env: Record<string, string>,
  ): void {
    const startedAt = rfc3339();
    const log = new ContainerLog();
    container.logs.push(log);
    if (container.logs.length > 2) container.logs.splice(0, container.logs.length - 2);
    const instance: Instance = {
      log,
      abort: new AbortController(),
      hooks: undefined,
      servers: new Map(),
      startedAt,
      timers: new Set(),
      exited: false,
      overrides: {},
    };
    container.instance = instance;
    container.state = { running: { startedAt } };
    container.started = !container.spec.startupProbe;
    container.ready = false;
    const context: ContainerContext = {
      pod,
      container: container.spec,
      role: container.role,
      env,
      restartCount: container.restartCount,
      signal: instance.abort.signal,
      log: line => instance.log.write(line),
      exit: code => {
        if (!instance.exited) this.exit(runtime, container, code, code === 0 ? 'Completed' : 'Error');
      },
      listen: (port, handler) => this.listen(instance, port, handler),
      failProbe: (kind, failing) => {
        if (failing === undefined) Reflect.deleteProperty(instance.overrides, kind);
        else instance.overrides[kind] = failing;
      },
      after: (ms, fn) => {
        const timer = setTimeout(() => {
          instance.timers.delete(timer);
          if (!instance.exited) fn();
        }, this.ms(ms));
        instance.timers.add(timer);
      },
    };
    const behaviour = this.behaviourFor(pod, container);
    try {
      instance.hooks = behaviour?.start(context) ?? undefined;
    } catch (error) {
      instance.log.write(String((error as Error).stack ?? error));
      this.exit(runtime, container, 1, 'Error');
      return;
    }
    if (instance.exited) return;
    if (container.role === 'main') this.startProbes(runtime, container, instance);
    this.flushStatus(runtime);
  }

  private listen(instance: Instance, port: number, handler: PortHandler): void {
    if (instance.exited) return;
    let server: HttpServer | TcpServer;
    if ('http' in handler) {
      server = createHttpServer(handler.http);
    } else {
      // A TCP server's close() leaves open connections alone; the container's end must cut them.
      const sockets = new Set<Socket>();
      const tcp = createTcpServer(socket => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        handler.tcp(socket);
      });
      tcp.on('close', () => {
        for (const socket of sockets) socket.destroy();
      });
      const close = tcp.close.bind(tcp);
      tcp.close = (callback?: (error?: Error) => void) => {
        for (const socket of sockets) socket.destroy();
        return close(callback);
      };
      server = tcp;
    }
    const entry = { server, port: 0 };
    instance.servers.set(port, entry);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      entry.port = typeof address === 'object' && address ? address.port : 0;
      if (instance.exited) closeServer(server);
    });
  }

  private startProbes(runtime: PodRuntime, container: ContainerRuntime, instance: Instance): void {
    const startup = object(container.spec.startupProbe);
    const readiness = object(container.spec.readinessProbe);
    const liveness = object(container.spec.livenessProbe);
    const hasStartup = Object.keys(startup).length > 0;
    const hasReadiness = Object.keys(readiness).length > 0;
    const hasLiveness = Object.keys(liveness).length > 0;
    const later = (ms: number, fn: () => void) => {
      const timer = setTimeout(() => {
        instance.timers.delete(timer);
        if (!instance.exited && this.alive(runtime)) fn();
      }, this.ms(ms));
      instance.timers.add(timer);
    };
    const loop = (kind: ProbeKind, probe: Obj, onResult: (ok: boolean, message: string) => boolean) => {
      let failures = 0;
      let successes = 0;
      const period = Number(probe.periodSeconds ?? 10) * 1000;
      const threshold = Number(probe.failureThreshold ?? 3);
      const successThreshold = Number(probe.successThreshold ?? 1);
      const tick = () => {
        void this.probe(runtime, container, instance, kind, probe).then(({ ok, message }) => {
          if (instance.exited || !this.alive(runtime)) return;
          if (ok) {
            failures = 0;
            successes++;
            if (successes >= successThreshold && !onResult(true, message)) return;
          } else {
            successes = 0;
            failures++;
            const label = kind === 'startup' ? 'Startup' : kind === 'readiness' ? 'Readiness' : 'Liveness';
            this.event(runtime, 'Warning', 'Unhealthy', `${label} probe failed: ${message}`, container);
            if (failures >= threshold && !onResult(false, message)) return;
          }
          later(period, tick);
        });
      };
      later(Number(probe.initialDelaySeconds ?? 0) * 1000, tick);
    };
    const afterStartup = () => {
      container.started = true;
      if (!hasReadiness) container.ready = true;
      this.flushStatus(runtime);
      if (hasReadiness) {
        loop('readiness', readiness, ok => {
          if (container.ready !== ok) {
            container.ready = ok;
            this.flushStatus(runtime);
          }
          return true;
        });
      }
      if (hasLiveness) {
        loop('liveness', liveness, ok => {
          if (ok) return true;
          this.event(
            runtime,
            'Normal',
            'Killing',
            `Container ${container.name} failed liveness probe, will be restarted`,
            container,
          );
          void this.kill(runtime, container, instance);
          return false;
        });
      }
    };
    if (hasStartup) {
      loop('startup', startup, ok => {
        if (ok) {
          afterStartup();
          return false;
        }
        this.event(
          runtime,
          'Normal',
          'Killing',
          `Container ${container.name} failed startup probe, will be restarted`,
          container,
        );
        void this.kill(runtime, container, instance);
        return false;
      });
    } else {
      afterStartup();
    }
  }

  private async probe(
    runtime: PodRuntime,
    container: ContainerRuntime,
    instance: Instance,
    kind: ProbeKind,
    probe: Obj,
  ): Promise<{ ok: boolean; message: string }> {
    const override = instance.overrides[kind];
    if (override !== undefined)
      return { ok: !override, message: override ? `${kind} probe forced to fail` : '' };
    const ip = runtime.ip ?? '10.42.0.1';
    const timeoutMs = this.ms(Number(probe.timeoutSeconds ?? 1) * 1000);
    const resolvePort = (value: unknown): number => {
      if (typeof value === 'number') return value;
      const named = list(container.spec.ports).find(port => port.name === value);
      return Number(named?.containerPort ?? value);
    };
    const httpGet = object(probe.httpGet);
    if (Object.keys(httpGet).length > 0) {
      const port = resolvePort(httpGet.port);
      const path = typeof httpGet.path === 'string' ? httpGet.path : '/';
      const url = `http://${ip}:${port}${path}`;
      const served = instance.servers.get(port);
      if (!served || served.port === 0)
        return { ok: false, message: `Get "${url}": dial tcp ${ip}:${port}: connect: connection refused` };
      return new Promise(resolve => {
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port: served.port,
            path,
            method: 'GET',
            headers: { 'User-Agent': 'kube-probe/1.35', Accept: '*/*' },
            timeout: timeoutMs,
          },
          response => {
            response.resume();
            const code = response.statusCode ?? 0;
            resolve(
              code >= 200 && code < 400
                ? { ok: true, message: '' }
                : { ok: false, message: `HTTP probe failed with statuscode: ${code}` },
            );
          },
        );
        request.on('timeout', () => {
          request.destroy();
          resolve({
            ok: false,
            message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
          });
        });
        request.on('error', () =>
          resolve({
            ok: false,
            message: `Get "${url}": dial tcp ${ip}:${port}: connect: connection refused`,
          }),
        );
        request.end();
      });
    }
    const tcp = object(probe.tcpSocket ?? probe.grpc);
    if (Object.keys(tcp).length > 0) {
      const port = resolvePort(tcp.port);
      const served = instance.servers.get(port);
      return served && served.port !== 0
        ? { ok: true, message: '' }
        : { ok: false, message: `dial tcp ${ip}:${port}: connect: connection refused` };
    }
    const exec = object(probe.exec);
    const command = Array.isArray(exec.command) ? exec.command.map(String) : [];
    if (!instance.hooks?.exec) return { ok: true, message: '' };
    const result = await instance.hooks.exec(command);
    return result.exitCode === 0
      ? { ok: true, message: '' }
      : {
          ok: false,
          message:
            result.output ?? `command ${JSON.stringify(command.join(' '))} exited with ${result.exitCode}`,
        };
  }

  /** Stops a container instance (SIGTERM, then the grace period), as for a failed liveness probe. */
  private async kill(runtime: PodRuntime, container: ContainerRuntime, instance: Instance): Promise<void> {
    if (instance.exited) return;
    const code = await this.stopInstance(runtime, instance);
    // exit() ignores an instance that already exited while it was being stopped.
    this.exit(runtime, container, code, code === 0 ? 'Completed' : 'Error');
  }

  private async stopInstance(runtime: PodRuntime, instance: Instance): Promise<number> {
    const pod = this.cluster.find(pods, runtime.namespace, runtime.name);
    const grace =
      Number(
        pod?.metadata.deletionGracePeriodSeconds ?? object(pod?.spec).terminationGracePeriodSeconds ?? 30,
      ) * 1000;
    const stopping = Promise.resolve(instance.hooks?.stop?.()).catch(() => 1);
    const deadline = new Promise<number>(resolve => {
      const timer = setTimeout(() => resolve(137), this.ms(grace));
      instance.timers.add(timer);
    });
    const minimum = this.sleep(runtime, base.stopMs);
    const [code] = await Promise.all([Promise.race([stopping, deadline]), minimum]);
    return code ?? 0;
  }

  private exit(runtime: PodRuntime, container: ContainerRuntime, exitCode: number, reason: string): void {
    const instance = container.instance;
    if (!instance || instance.exited) return;
    instance.exited = true;
    instance.abort.abort();
    for (const timer of instance.timers) clearTimeout(timer);
    instance.timers.clear();
    for (const { server } of instance.servers.values()) closeServer(server);
    instance.log.finish();
    const terminated: State = {
      terminated: {
        exitCode,
        reason,
        startedAt: instance.startedAt,
        finishedAt: rfc3339(),
        ...(container.containerID ? { containerID: container.containerID } : {}),
      },
    };
    container.state = terminated;
    container.ready = false;
    container.started = false;
    if (!this.alive(runtime)) {
      this.flushStatus(runtime);
      return;
    }
    const pod = this.cluster.find(pods, runtime.namespace, runtime.name);
    const policy = displayValue(object(pod?.spec).restartPolicy ?? 'Always');
    if (container.role === 'init') {
      if (exitCode === 0) {
        container.done = true;
        this.flushStatus(runtime);
        return;
      }
      if (policy === 'Never') {
        runtime.failedPhase = 'Failed';
        this.flushStatus(runtime);
        return;
      }
    } else if (policy === 'Never' || (policy === 'OnFailure' && exitCode === 0)) {
      container.done = true;
      this.flushStatus(runtime);
      return;
    }
    this.restartLater(runtime, container, terminated);
  }

  private restartLater(runtime: PodRuntime, container: ContainerRuntime, terminated: State): void {
    const pod = this.cluster.find(pods, runtime.namespace, runtime.name);
    const delay = container.backoffMs;
    container.backoffMs = delay === 0 ? base.backoffMs : Math.min(base.backoffMaxMs, delay * 2);
    const restart = () => {
      if (!this.alive(runtime)) return;
      container.lastState = terminated;
      container.restartCount++;
      container.state = { waiting: { reason: 'ContainerCreating' } };
      void this.startContainer(runtime, container);
    };
    if (delay === 0) {
      this.flushStatus(runtime);
      const timer = setTimeout(() => {
        runtime.timers.delete(timer);
        restart();
      }, this.ms(50));
      runtime.timers.add(timer);
      return;
    }
    const podLabel = `${runtime.name}_${runtime.namespace}(${pod?.metadata.uid ?? runtime.uid})`;
    container.lastState = terminated;
    container.state = {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off ${formatDuration(delay)} restarting failed container=${container.name} pod=${podLabel}`,
      },
    };
    this.event(
      runtime,
      'Warning',
      'BackOff',
      `Back-off restarting failed container ${container.name} in pod ${podLabel}`,
      container,
    );
    this.flushStatus(runtime);
    const timer = setTimeout(() => {
      runtime.timers.delete(timer);
      restart();
    }, this.ms(delay));
    runtime.timers.add(timer);
  }

  private async terminate(runtime: PodRuntime, pod: KubeObject): Promise<void> {
    for (const timer of runtime.timers) clearTimeout(timer);
    runtime.timers.clear();
    const running = runtime.containers.filter(container => container.instance && !container.instance.exited);
    await Promise.all(
      running.map(async container => {
        const instance = container.instance;
        if (!instance) return;
        this.event(runtime, 'Normal', 'Killing', `Stopping container ${container.name}`, container);
        const code = await this.stopInstance(runtime, instance);
        this.exit(runtime, container, code, code === 0 ? 'Completed' : 'Error');
      }),
    );
    for (const container of runtime.containers) {
      if (!('terminated' in container.state))
        container.state = { terminated: { exitCode: 0, reason: 'Completed', finishedAt: rfc3339() } };
    }
    this.writeStatus(runtime);
    this.teardown(runtime);
    this.runtimes.delete(runtime.uid);
    if (!this.stopped) this.cluster.finalizeDeletion(pods, pod.metadata.namespace, pod.metadata.name ?? '');
  }

  private teardown(runtime: PodRuntime): void {
    for (const timer of runtime.timers) clearTimeout(timer);
    runtime.timers.clear();
    for (const container of runtime.containers) {
      const instance = container.instance;
      if (!instance || instance.exited) continue;
      instance.exited = true;
      instance.abort.abort();
      for (const timer of instance.timers) clearTimeout(timer);
      for (const { server } of instance.servers.values()) closeServer(server);
      instance.log.finish();
    }
  }

  private flushStatus(runtime: PodRuntime): void {
    if (runtime.statusScheduled) return;
    runtime.statusScheduled = true;
    setImmediate(() => {
      runtime.statusScheduled = false;
      if (!runtime.gone && !this.stopped) this.writeStatus(runtime);
    });
  }

  private writeStatus(runtime: PodRuntime): void {
    try {
      this.cluster.updateStatus(pods, runtime.namespace, runtime.name, pod => {
        pod.status = this.statusOf(runtime, pod);
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.flushStatus(runtime);
    }
  }

  private statusOf(runtime: PodRuntime, pod: KubeObject): Obj {
    const previous = object(pod.status);
    const previousConditions = list(previous.conditions);
    const now = rfc3339();
    const conditionFor = (type: string, ok: boolean, reason?: string, message?: string): Obj => {
      const status = ok ? 'True' : 'False';
      const existing = previousConditions.find(item => item.type === type);
      return {
        type,
        status,
        lastProbeTime: null,
        lastTransitionTime: existing?.status === status ? existing.lastTransitionTime : now,
        ...(!ok && reason ? { reason } : {}),
        ...(!ok && message ? { message } : {}),
      };
    };
    const init = runtime.containers.filter(item => item.role === 'init');
    const main = runtime.containers.filter(item => item.role === 'main');
    const unready = main.filter(item => !item.ready).map(item => item.name);
    const incomplete = init.filter(item => !item.done).map(item => item.name);
    const terminal = main.every(item => item.done);
    let phase = 'Pending';
    if (runtime.failedPhase) phase = 'Failed';
    else if (runtime.initialized && main.length > 0 && terminal) {
      phase = main.every(item => 'terminated' in item.state && item.state.terminated.exitCode === 0)
        ? 'Succeeded'
        : 'Failed';
    } else if (runtime.initialized && main.some(item => item.instance !== undefined || item.restartCount > 0))
      phase = 'Running';
    const scheduled = previousConditions.find(item => item.type === 'PodScheduled') ?? {
      type: 'PodScheduled',
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: now,
    };
    const statusOf = (item: ContainerRuntime): Obj => ({
      ...(item.containerID ? { containerID: item.containerID } : {}),
      image: normalizeImage(displayValue(item.spec.image ?? '')),
      imageID: item.imageID,
      lastState: item.lastState ?? {},
      name: item.name,
      ready: item.ready,
      restartCount: item.restartCount,
      started: item.started,
      state: item.state,
    });
    const readyReason = incomplete.length > 0 ? 'ContainersNotInitialized' : 'ContainersNotReady';
    const readyMessage =
      incomplete.length > 0
        ? `containers with incomplete status: [${incomplete.join(' ')}]`
        : `containers with unready status: [${unready.join(' ')}]`;
    const succeeded = phase === 'Succeeded' || phase === 'Failed';
    return {
      phase,
      conditions: [
        conditionFor('PodReadyToStartContainers', runtime.sandboxReady && !succeeded),
        conditionFor(
          'Initialized',
          incomplete.length === 0,
          'ContainersNotInitialized',
          `containers with incomplete status: [${incomplete.join(' ')}]`,
        ),
        conditionFor(
          'Ready',
          unready.length === 0 && incomplete.length === 0,
          succeeded ? 'PodCompleted' : readyReason,
          succeeded ? undefined : readyMessage,
        ),
        conditionFor(
          'ContainersReady',
          unready.length === 0 && incomplete.length === 0,
          succeeded ? 'PodCompleted' : readyReason,
          succeeded ? undefined : readyMessage,
        ),
        scheduled,
      ],
      hostIP: '192.168.5.15',
      hostIPs: [{ ip: '192.168.5.15' }],
      ...(runtime.ip ? { podIP: runtime.ip, podIPs: [{ ip: runtime.ip }] } : {}),
      startTime: runtime.startTime,
      ...(init.length > 0 ? { initContainerStatuses: init.map(statusOf) } : {}),
      containerStatuses: main.map(statusOf),
      qosClass: previous.qosClass ?? qosClass(object(pod.spec)),
    };
  }
}

function closeServer(server: HttpServer | TcpServer): void {
  if ('closeAllConnections' in server) server.closeAllConnections();
  server.close();
}
