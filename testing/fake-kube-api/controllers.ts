import { ApiError, displayValue } from './api-error';
import { withTypeMeta, type Cluster } from './cluster';
import type { EventRecorder } from './events';
import { fnv32a, rfc3339, safeEncode, stableJson } from './ids';
import { formatQuantity } from './quantity';
import { quotaUsage } from './admission';
import { resourceType, resourceTypes, typeKey, type ResourceType } from './resources';
import { labelSelectorMatcher, type LabelSelectorObject } from './selectors';
import type { KubeObject, ObjectStore, StoreEvent } from './store';
import { WorkQueue } from './work-queue';

/**
 * The controllers k3s runs that our objects depend on: Deployment (ReplicaSets per template with
 * pod-template-hash and revision annotations, Recreate and RollingUpdate, history limit,
 * status and conditions with the real reasons, progress deadline), ReplicaSet (pods from the
 * template through admission, FailedCreate events and the ReplicaFailure condition), namespace
 * (default ServiceAccount and kube-root-ca.crt; termination that empties the namespace), the
 * garbage collector (owner references, Background/Foreground), volumes (PV/PVC binding, the
 * local-path provisioner, protection finalizers) and ResourceQuota status.
 */
type Obj = Record<string, unknown>;

export interface ControllerTiming {
  /** Multiplies every delay; 1 is about real time. */
  scale: number;
}

const deployments = resourceType('deployments.apps');
const replicaSets = resourceType('replicasets.apps');
const pods = resourceType('pods');
const namespaces = resourceType('namespaces');
const serviceAccounts = resourceType('serviceaccounts');
const configMaps = resourceType('configmaps');
const volumes = resourceType('persistentvolumes');
const claims = resourceType('persistentvolumeclaims');
const quotas = resourceType('resourcequotas');

const controllerSource = (component: string) => ({ component });

function object(value: unknown): Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : {};
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.map(object) : [];
}

function keyOf(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}`;
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}

function controllerOf(target: KubeObject): { kind: string; name: string; uid: string } | undefined {
  return target.metadata.ownerReferences?.find(reference => reference.controller === true);
}

function condition(conditions: unknown, type: string): Obj | undefined {
  return list(conditions).find(item => item.type === type);
}

interface ConditionUpdate {
  type: string;
  status: string;
  reason: string;
  message: string;
}

/**
 * Sets a condition, keeping lastTransitionTime unless the status changes. Deployment conditions
 * also carry lastUpdateTime, moved on any change (or on progress, for Progressing).
 */
function setCondition(
  target: Obj,
  next: ConditionUpdate,
  options: { updateTime?: boolean; progress?: boolean } = {},
): void {
  const conditions = list(target.conditions);
  const now = rfc3339();
  const existing = conditions.find(item => item.type === next.type);
  if (existing) {
    const changed = existing.status !== next.status;
    const updated =
      changed ||
      existing.reason !== next.reason ||
      existing.message !== next.message ||
      options.progress === true;
    Object.assign(existing, next);
    if (changed) existing.lastTransitionTime = now;
    if (updated && options.updateTime) existing.lastUpdateTime = now;
  } else {
    conditions.push({
      ...next,
      ...(options.updateTime ? { lastUpdateTime: now } : {}),
      lastTransitionTime: now,
    });
  }
  target.conditions = conditions;
}

function removeCondition(target: Obj, type: string): void {
  const conditions = list(target.conditions).filter(item => item.type !== type);
  if (conditions.length > 0) target.conditions = conditions;
  else delete target.conditions;
}

export function podReady(pod: KubeObject): boolean {
  return condition(object(pod.status).conditions, 'Ready')?.status === 'True';
}

function podAvailable(pod: KubeObject, minReadySeconds: number): boolean {
  const ready = condition(object(pod.status).conditions, 'Ready');
  if (ready?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = Date.parse(String(ready.lastTransitionTime));
  return Number.isFinite(since) && Date.now() - since >= minReadySeconds * 1000;
}

function isActivePod(pod: KubeObject): boolean {
  const phase = object(pod.status).phase;
  return !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

function revisionOf(target: KubeObject): number {
  return Number(target.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '0') || 0;
}

/** A template without the pod-template-hash label, for "is this the same template". */
function templateKey(template: unknown): string {
  const copy = structuredClone(object(template));
  const metadata = object(copy.metadata);
  const labels = { ...object(metadata.labels) };
  Reflect.deleteProperty(labels, 'pod-template-hash');
  if (Object.keys(labels).length > 0) metadata.labels = labels;
  else delete metadata.labels;
  copy.metadata = metadata;
  return stableJson(copy);
}

export function podTemplateHash(template: unknown, collisionCount = 0): string {
  return safeEncode(
    String(fnv32a(`${templateKey(template)}${collisionCount > 0 ? String(collisionCount) : ''}`)),
  );
}

function intOrPercent(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.endsWith('%')) {
    const fraction = (Number(value.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(fraction) : Math.floor(fraction);
  }
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return 0;
}

function ownedBy(target: KubeObject, owner: KubeObject): boolean {
  return controllerOf(target)?.uid === owner.metadata.uid;
}

export class Controllers {
  private readonly deploymentQueue: WorkQueue;
  private readonly replicaSetQueue: WorkQueue;
  private readonly namespaceQueue: WorkQueue;
  private readonly garbageQueue: WorkQueue;
  private readonly volumeQueue: WorkQueue;
  private readonly quotaQueue: WorkQueue;
  private readonly unsubscribe: () => void;
  private readonly createBackoff = new Map<string, number>();

  constructor(
    private readonly cluster: Cluster,
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
    private readonly timing: ControllerTiming,
    log: (message: string) => void,
    /** The cluster CA published in every namespace's kube-root-ca.crt. */
    private readonly rootCa: string,
  ) {
    const retry = this.ms(500);
    const failed = (name: string) => (key: string, error: unknown) => {
      if (!(error instanceof ApiError && error.code === 409))
        log(`${name} ${key}: ${(error as Error).message}`);
    };
    this.deploymentQueue = new WorkQueue(key => this.syncDeployment(key), failed('deployment'), retry);
    this.replicaSetQueue = new WorkQueue(key => this.syncReplicaSet(key), failed('replicaset'), retry);
    this.namespaceQueue = new WorkQueue(key => this.syncNamespace(key), failed('namespace'), retry);
    this.garbageQueue = new WorkQueue(key => this.collectGarbage(key), failed('garbage collector'), retry);
    this.volumeQueue = new WorkQueue(() => this.syncVolumes(), failed('volume binder'), retry);
    this.quotaQueue = new WorkQueue(key => this.syncQuota(key), failed('resource quota'), retry);
    this.unsubscribe = store.subscribe(event => this.onChange(event));
    for (const item of store.list(typeKey(deployments)))
      this.deploymentQueue.add(keyOf(item.metadata.namespace, item.metadata.name));
    for (const item of store.list(typeKey(replicaSets)))
      this.replicaSetQueue.add(keyOf(item.metadata.namespace, item.metadata.name));
    for (const item of store.list(typeKey(namespaces)))
      this.namespaceQueue.add(keyOf(undefined, item.metadata.name));
    for (const item of store.list(typeKey(quotas)))
      this.quotaQueue.add(keyOf(item.metadata.namespace, item.metadata.name));
    this.volumeQueue.add('all');
    this.garbageQueue.add('sweep');
  }

  stop(): void {
    this.unsubscribe();
    for (const queue of [
      this.deploymentQueue,
      this.replicaSetQueue,
      this.namespaceQueue,
      this.garbageQueue,
      this.volumeQueue,
      this.quotaQueue,
    ]) {
      queue.stop();
    }
  }

  private ms(value: number): number {
    return Math.max(1, Math.round(value * this.timing.scale));
  }

  private onChange(event: StoreEvent): void {
    const target = event.object;
    const key = keyOf(target.metadata.namespace, target.metadata.name);
    switch (event.typeKey) {
      case 'deployments.apps':
        this.deploymentQueue.add(key);
        break;
      case 'replicasets.apps': {
        this.replicaSetQueue.add(key);
        const owner = controllerOf(target);
        if (owner?.kind === 'Deployment')
          this.deploymentQueue.add(keyOf(target.metadata.namespace, owner.name));
        break;
      }
      case 'pods': {
        const owner = controllerOf(target);
        if (owner?.kind === 'ReplicaSet') {
          this.replicaSetQueue.add(keyOf(target.metadata.namespace, owner.name));
          // Recreate waits for the old pods to be gone, which changes no ReplicaSet status.
          const set = this.store.get(typeKey(replicaSets), target.metadata.namespace, owner.name);
          const deployment = set ? controllerOf(set) : undefined;
          if (deployment?.kind === 'Deployment')
            this.deploymentQueue.add(keyOf(target.metadata.namespace, deployment.name));
        }
        this.volumeQueue.add('all');
        break;
      }
      case 'namespaces':
        this.namespaceQueue.add(keyOf(undefined, target.metadata.name));
        break;
      case 'persistentvolumes':
      case 'persistentvolumeclaims':
        this.volumeQueue.add('all');
        break;
      case 'resourcequotas':
        this.quotaQueue.add(key);
        break;
    }
    if (target.metadata.namespace && event.typeKey !== 'events') {
      for (const quota of this.store.list(typeKey(quotas), target.metadata.namespace)) {
        this.quotaQueue.add(keyOf(quota.metadata.namespace, quota.metadata.name));
      }
    }
    if (event.type === 'DELETED' || target.metadata.deletionTimestamp) this.garbageQueue.add('sweep');
    if (event.typeKey === 'namespaces' || target.metadata.namespace) {
      const namespace = this.store.get(
        'namespaces',
        undefined,
        target.metadata.namespace ?? target.metadata.name ?? '',
      );
      if (namespace?.metadata.deletionTimestamp)
        this.namespaceQueue.add(keyOf(undefined, namespace.metadata.name));
    }
  }

  // Deployment controller.

  private syncDeployment(key: string): void {
    const [namespace, name] = splitKey(key);
    const deployment = this.cluster.find(deployments, namespace, name);
    if (!deployment || deployment.metadata.deletionTimestamp) return;
    const spec = object(deployment.spec);
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const owned = this.store
      .list(typeKey(replicaSets), namespace)
      .filter(item => ownedBy(item, deployment))
      .map(item => withTypeMeta(replicaSets, item));
    const wanted = templateKey(spec.template);
    let newSet = owned.find(item => templateKey(object(item.spec).template) === wanted);
    const oldSets = owned.filter(item => item !== newSet);
    const maxRevision = owned.reduce((max, item) => Math.max(max, revisionOf(item)), 0);
    const strategy = object(spec.strategy);
    const recreate = strategy.type === 'Recreate';
    const paused = spec.paused === true;
    let created = false;

    if (!paused) {
      if (!newSet) {
        const hash = podTemplateHash(
          spec.template,
          typeof object(deployment.status).collisionCount === 'number'
            ? (object(deployment.status).collisionCount as number)
            : 0,
        );
        const rollingUpdate = object(strategy.rollingUpdate);
        const surge = recreate ? 0 : intOrPercent(rollingUpdate.maxSurge ?? '25%', replicas, true);
        const total = owned.reduce((sum, item) => sum + Number(object(item.spec).replicas ?? 0), 0);
        const initial = recreate ? 0 : Math.max(0, Math.min(replicas, replicas + surge - total));
        newSet = this.createReplicaSet(
          deployment,
          hash,
          maxRevision + 1,
          recreate &&
            oldSets.some(
              item =>
                Number(object(item.spec).replicas ?? 0) > 0 || Number(object(item.status).replicas ?? 0) > 0,
            )
            ? 0
            : initial,
        );
        created = true;
      } else if (revisionOf(newSet) < maxRevision || revisionOf(newSet) === 0) {
        const revision = maxRevision + (revisionOf(newSet) === maxRevision ? 0 : 1);
        const previous = revisionOf(newSet);
        newSet =
          this.cluster.updateObject(replicaSets, namespace, newSet.metadata.name ?? '', current => {
            const annotations = { ...(current.metadata.annotations ?? {}) };
            annotations['deployment.kubernetes.io/revision'] = String(revision);
            if (previous > 0) {
              const history = annotations['deployment.kubernetes.io/revision-history'];
              annotations['deployment.kubernetes.io/revision-history'] = history
                ? `${history},${previous}`
                : String(previous);
            }
            current.metadata.annotations = annotations;
          }) ?? newSet;
      }
      if (newSet) this.scale(deployment, newSet, oldSets, replicas, recreate);
    }

    if (newSet) {
      const revision = String(revisionOf(newSet));
      if (deployment.metadata.annotations?.['deployment.kubernetes.io/revision'] !== revision) {
        this.cluster.updateObject(deployments, namespace, name, current => {
          current.metadata.annotations = {
            ...(current.metadata.annotations ?? {}),
            'deployment.kubernetes.io/revision': revision,
          };
        });
      }
    }
    if (!paused) this.cleanupHistory(deployment, newSet);
    this.deploymentStatus(deployment, newSet, replicas, created);
  }

  private createReplicaSet(
    deployment: KubeObject,
    hash: string,
    revision: number,
    replicas: number,
  ): KubeObject | undefined {
    const spec = object(deployment.spec);
    const template = structuredClone(object(spec.template));
    const templateMetadata = object(template.metadata);
    templateMetadata.labels = { ...object(templateMetadata.labels), 'pod-template-hash': hash };
    template.metadata = templateMetadata;
    const selector = structuredClone(object(spec.selector)) as LabelSelectorObject;
    selector.matchLabels = { ...(selector.matchLabels ?? {}), 'pod-template-hash': hash };
    const annotations: Record<string, string> = {};
    for (const [key, value] of Object.entries(deployment.metadata.annotations ?? {})) {
      if (
        key === 'kubectl.kubernetes.io/last-applied-configuration' ||
        key.startsWith('deployment.kubernetes.io/')
      )
        continue;
      annotations[key] = value;
    }
    const desired = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const surge =
      object(spec.strategy).type === 'Recreate'
        ? 0
        : intOrPercent(object(object(spec.strategy).rollingUpdate).maxSurge ?? '25%', desired, true);
    annotations['deployment.kubernetes.io/desired-replicas'] = String(desired);
    annotations['deployment.kubernetes.io/max-replicas'] = String(desired + surge);
    annotations['deployment.kubernetes.io/revision'] = String(revision);
    const name = `${deployment.metadata.name ?? ''}-${hash}`;
    const result = this.cluster.create(
      replicaSets,
      deployment.metadata.namespace,
      {
        metadata: {
          name,
          namespace: deployment.metadata.namespace,
          labels: { ...object(templateMetadata.labels) },
          annotations,
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: deployment.metadata.name,
              uid: deployment.metadata.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: { replicas, minReadySeconds: spec.minReadySeconds, selector, template },
      },
      { manager: 'k3s', internal: true },
    ).object;
    if (replicas > 0) this.scalingEvent(deployment, name, 0, replicas);
    return result;
  }

  private scalingEvent(deployment: KubeObject, name: string, from: number, to: number): void {
    this.events.record({
      involved: deployment,
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: `Scaled ${to > from ? 'up' : 'down'} replica set ${name} from ${from} to ${to}`,
      source: controllerSource('deployment-controller'),
    });
  }

  private setReplicas(deployment: KubeObject, set: KubeObject, replicas: number): KubeObject {
    const current = Number(object(set.spec).replicas ?? 0);
    if (current === replicas) return set;
    const spec = object(deployment.spec);
    const desired = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const surge =
      object(spec.strategy).type === 'Recreate'
        ? 0
        : intOrPercent(object(object(spec.strategy).rollingUpdate).maxSurge ?? '25%', desired, true);
    const updated = this.cluster.updateObject(
      replicaSets,
      set.metadata.namespace,
      set.metadata.name ?? '',
      target => {
        target.spec = { ...object(target.spec), replicas };
        target.metadata.annotations = {
          ...(target.metadata.annotations ?? {}),
          'deployment.kubernetes.io/desired-replicas': String(desired),
          'deployment.kubernetes.io/max-replicas': String(desired + surge),
        };
      },
    );
    this.scalingEvent(deployment, set.metadata.name ?? '', current, replicas);
    return updated ?? set;
  }

  private scale(
    deployment: KubeObject,
    newSet: KubeObject,
    oldSets: KubeObject[],
    replicas: number,
    recreate: boolean,
  ): void {
    const namespace = deployment.metadata.namespace;
    if (recreate) {
      for (const set of oldSets)
        if (Number(object(set.spec).replicas ?? 0) > 0) this.setReplicas(deployment, set, 0);
      const oldPodsLeft = this.store
        .list('pods', namespace)
        .some(pod => oldSets.some(set => ownedBy(pod, set)));
      if (!oldPodsLeft) this.setReplicas(deployment, newSet, replicas);
      return;
    }
    const rolling = object(object(deployment.spec).strategy).rollingUpdate;
    const surge = intOrPercent(object(rolling).maxSurge ?? '25%', replicas, true);
    let unavailable = intOrPercent(object(rolling).maxUnavailable ?? '25%', replicas, false);
    if (surge === 0 && unavailable === 0) unavailable = 1;
    const specReplicas = (set: KubeObject) => Number(object(set.spec).replicas ?? 0);
    const total = specReplicas(newSet) + oldSets.reduce((sum, set) => sum + specReplicas(set), 0);
    let current = newSet;
    if (specReplicas(newSet) < replicas) {
      const room = replicas + surge - total;
      if (room > 0)
        current = this.setReplicas(deployment, newSet, Math.min(replicas, specReplicas(newSet) + room));
    } else if (specReplicas(newSet) > replicas) {
      current = this.setReplicas(deployment, newSet, replicas);
    }
    const oldTotal = oldSets.reduce((sum, set) => sum + specReplicas(set), 0);
    if (oldTotal === 0) return;
    const allPods = specReplicas(current) + oldTotal;
    const newAvailable = Number(object(current.status).availableReplicas ?? 0);
    const newUnavailable = Math.max(0, specReplicas(current) - newAvailable);
    let budget = allPods - (replicas - unavailable) - newUnavailable;
    const byRevision = [...oldSets].sort((a, b) => revisionOf(a) - revisionOf(b));
    // Old pods that are not available cost nothing to remove.
    for (const set of byRevision) {
      const unavailableOld = specReplicas(set) - Number(object(set.status).availableReplicas ?? 0);
      if (unavailableOld > 0 && specReplicas(set) > 0) {
        this.setReplicas(deployment, set, specReplicas(set) - Math.min(unavailableOld, specReplicas(set)));
      }
    }
    for (const set of byRevision) {
      const fresh = this.cluster.find(replicaSets, set.metadata.namespace, set.metadata.name ?? '') ?? set;
      const count = specReplicas(fresh);
      if (budget <= 0 || count === 0) continue;
      const down = Math.min(count, budget);
      this.setReplicas(deployment, fresh, count - down);
      budget -= down;
    }
  }

  private cleanupHistory(deployment: KubeObject, newSet: KubeObject | undefined): void {
    const limit = Number(object(deployment.spec).revisionHistoryLimit ?? 10);
    const namespace = deployment.metadata.namespace;
    const old = this.store
      .list(typeKey(replicaSets), namespace)
      .filter(item => ownedBy(item, deployment) && item.metadata.uid !== newSet?.metadata.uid)
      .filter(
        item =>
          Number(object(item.spec).replicas ?? 0) === 0 &&
          Number(object(item.status).replicas ?? 0) === 0 &&
          !item.metadata.deletionTimestamp,
      )
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    const excess = old.length - limit;
    for (const set of old.slice(0, Math.max(0, excess))) {
      this.cluster.delete(replicaSets, namespace, set.metadata.name ?? '');
    }
  }

  private deploymentStatus(
    deployment: KubeObject,
    newSet: KubeObject | undefined,
    replicas: number,
    created: boolean,
  ): void {
    const namespace = deployment.metadata.namespace;
    const owned = this.store.list(typeKey(replicaSets), namespace).filter(item => ownedBy(item, deployment));
    const freshNew = newSet ? owned.find(item => item.metadata.uid === newSet.metadata.uid) : undefined;
    const sum = (field: string) =>
      owned.reduce((total, item) => total + Number(object(item.status)[field] ?? 0), 0);
    const statusReplicas = sum('replicas');
    const ready = sum('readyReplicas');
    const available = sum('availableReplicas');
    const updated = Number(object(freshNew?.status).replicas ?? 0);
    const spec = object(deployment.spec);
    const recreate = object(spec.strategy).type === 'Recreate';
    const maxUnavailable =
      recreate || replicas === 0
        ? 0
        : Math.min(
            replicas,
            intOrPercent(
              object(object(spec.strategy).rollingUpdate).maxUnavailable ?? '25%',
              replicas,
              false,
            ),
          );
    const setName = freshNew?.metadata.name ?? '';
    const complete =
      updated === replicas &&
      available === replicas &&
      statusReplicas === replicas &&
      Number(object(freshNew?.status).availableReplicas ?? 0) === replicas;
    const deadlineSeconds =
      typeof spec.progressDeadlineSeconds === 'number' ? spec.progressDeadlineSeconds : 600;
    const failure = condition(object(freshNew?.status).conditions, 'ReplicaFailure');
    let recheckMs: number | undefined;
    this.cluster.updateStatus(deployments, namespace, deployment.metadata.name ?? '', current => {
      const status = { ...object(current.status) };
      const previousProgress = condition(status.conditions, 'Progressing');
      status.observedGeneration = current.metadata.generation;
      status.replicas = statusReplicas;
      status.updatedReplicas = updated;
      status.readyReplicas = ready;
      status.availableReplicas = available;
      if (replicas - available > 0) status.unavailableReplicas = replicas - available;
      else delete status.unavailableReplicas;
      for (const field of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas'] as const) {
        if (status[field] === 0) Reflect.deleteProperty(status, field);
      }
      const timed = { updateTime: true };
      setCondition(
        status,
        available >= replicas - maxUnavailable
          ? {
              type: 'Available',
              status: 'True',
              reason: 'MinimumReplicasAvailable',
              message: 'Deployment has minimum availability.',
            }
          : {
              type: 'Available',
              status: 'False',
              reason: 'MinimumReplicasUnavailable',
              message: 'Deployment does not have minimum availability.',
            },
        timed,
      );
      if (spec.paused === true) {
        setCondition(
          status,
          {
            type: 'Progressing',
            status: 'Unknown',
            reason: 'DeploymentPaused',
            message: 'Deployment is paused',
          },
          timed,
        );
      } else if (complete) {
        setCondition(
          status,
          {
            type: 'Progressing',
            status: 'True',
            reason: 'NewReplicaSetAvailable',
            message: `ReplicaSet "${setName}" has successfully progressed.`,
          },
          timed,
        );
      } else if (created) {
        setCondition(
          status,
          {
            type: 'Progressing',
            status: 'True',
            reason: 'NewReplicaSetCreated',
            message: `Created new replica set "${setName}"`,
          },
          timed,
        );
      } else {
        const lastUpdate = Date.parse(
          displayValue(previousProgress?.lastUpdateTime ?? previousProgress?.lastTransitionTime ?? ''),
        );
        const progressed =
          previousProgress === undefined ||
          previousProgress.reason === 'NewReplicaSetAvailable' ||
          Number(object(current.status).updatedReplicas ?? 0) !== updated ||
          Number(object(current.status).availableReplicas ?? 0) !== available ||
          Number(object(current.status).replicas ?? 0) !== statusReplicas;
        const elapsed = Number.isFinite(lastUpdate) ? Date.now() - lastUpdate : 0;
        const previousReason = previousProgress?.reason;
        const updating = {
          type: 'Progressing',
          status: 'True',
          reason: 'ReplicaSetUpdated',
          message: `ReplicaSet "${setName}" is progressing.`,
        };
        if (progressed) {
          setCondition(
            status,
            previousReason === undefined
              ? {
                  type: 'Progressing',
                  status: 'True',
                  reason: 'FoundNewReplicaSet',
                  message: `Found new replica set "${setName}"`,
                }
              : updating,
            { ...timed, progress: true },
          );
          recheckMs = this.ms(deadlineSeconds * 1000) + 50;
        } else if (previousReason === 'ProgressDeadlineExceeded') {
          // Stays exceeded until something changes.
        } else if (elapsed > this.ms(deadlineSeconds * 1000)) {
          setCondition(
            status,
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: `ReplicaSet "${setName}" has timed out progressing.`,
            },
            timed,
          );
        } else if (previousReason !== 'ReplicaSetUpdated') {
          setCondition(status, updating, { ...timed, progress: true });
          recheckMs = this.ms(deadlineSeconds * 1000) + 50;
        } else {
          recheckMs = Math.max(50, this.ms(deadlineSeconds * 1000) - elapsed + 50);
        }
      }
      if (failure?.status === 'True') {
        setCondition(
          status,
          {
            type: 'ReplicaFailure',
            status: 'True',
            reason: String(failure.reason),
            message: String(failure.message),
          },
          timed,
        );
      } else {
        removeCondition(status, 'ReplicaFailure');
      }
      current.status = status;
    });
    if (recheckMs !== undefined)
      this.deploymentQueue.addAfter(keyOf(namespace, deployment.metadata.name), recheckMs);
  }

  // ReplicaSet controller.

  private syncReplicaSet(key: string): void {
    const [namespace, name] = splitKey(key);
    const set = this.cluster.find(replicaSets, namespace, name);
    if (!set || set.metadata.deletionTimestamp) return;
    const spec = object(set.spec);
    const wanted = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const matches = labelSelectorMatcher(spec.selector as LabelSelectorObject);
    const owned = this.store
      .list('pods', namespace)
      .filter(pod => ownedBy(pod, set) && matches(pod.metadata.labels))
      .map(pod => withTypeMeta(pods, pod));
    const active = owned.filter(isActivePod);
    let failure: string | undefined;
    if (active.length < wanted) {
      for (let index = active.length; index < wanted; index++) {
        try {
          const created = this.createPod(set);
          this.events.record({
            involved: set,
            type: 'Normal',
            reason: 'SuccessfulCreate',
            message: `Created pod: ${created.metadata.name ?? ''}`,
            source: controllerSource('replicaset-controller'),
          });
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          failure = error.message;
          this.events.record({
            involved: set,
            type: 'Warning',
            reason: 'FailedCreate',
            message: `Error creating: ${error.message}`,
            source: controllerSource('replicaset-controller'),
          });
          break;
        }
      }
      if (failure) {
        const delay = Math.min(this.ms(30_000), (this.createBackoff.get(key) ?? this.ms(1000)) * 2);
        this.createBackoff.set(key, delay);
        this.replicaSetQueue.addAfter(key, delay);
      } else {
        this.createBackoff.delete(key);
      }
    } else if (active.length > wanted) {
      const victims = [...active].sort((a, b) => {
        const readyDifference = Number(podReady(a)) - Number(podReady(b));
        if (readyDifference !== 0) return readyDifference;
        return String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp));
      });
      for (const pod of victims.slice(0, active.length - wanted)) {
        this.cluster.delete(pods, namespace, pod.metadata.name ?? '');
        this.events.record({
          involved: set,
          type: 'Normal',
          reason: 'SuccessfulDelete',
          message: `Deleted pod: ${pod.metadata.name ?? ''}`,
          source: controllerSource('replicaset-controller'),
        });
      }
    }
    const current = this.store.list('pods', namespace).filter(pod => ownedBy(pod, set) && isActivePod(pod));
    const minReady = Number(spec.minReadySeconds ?? 0);
    const readyCount = current.filter(podReady).length;
    const availableCount = current.filter(pod => podAvailable(pod, minReady)).length;
    if (minReady > 0 && readyCount > availableCount)
      this.replicaSetQueue.addAfter(key, this.ms(minReady * 1000));
    this.cluster.updateStatus(replicaSets, namespace, name, target => {
      const status: Obj = {
        ...object(target.status),
        replicas: current.length,
        fullyLabeledReplicas: current.length,
        observedGeneration: target.metadata.generation,
      };
      status.readyReplicas = readyCount;
      status.availableReplicas = availableCount;
      for (const field of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'] as const)
        if (status[field] === 0) Reflect.deleteProperty(status, field);
      if (failure)
        setCondition(status, {
          type: 'ReplicaFailure',
          status: 'True',
          reason: 'FailedCreate',
          message: failure,
        });
      else if (active.length >= wanted) removeCondition(status, 'ReplicaFailure');
      target.status = status;
    });
  }

  private createPod(set: KubeObject): KubeObject {
    const template = object(object(set.spec).template);
    const metadata = object(template.metadata);
    return this.cluster.create(
      pods,
      set.metadata.namespace,
      {
        metadata: {
          generateName: `${set.metadata.name ?? ''}-`,
          namespace: set.metadata.namespace,
          labels: metadata.labels,
          ...(metadata.annotations ? { annotations: metadata.annotations } : {}),
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: set.metadata.name,
              uid: set.metadata.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: structuredClone(template.spec),
      },
      { manager: 'k3s', internal: true },
    ).object;
  }

  // Namespace controller.

  private syncNamespace(key: string): void {
    const [, name] = splitKey(key);
    const namespace = this.cluster.find(namespaces, undefined, name);
    if (!namespace) return;
    if (!namespace.metadata.deletionTimestamp) {
      if (!this.cluster.find(serviceAccounts, name, 'default')) {
        this.cluster.create(
          serviceAccounts,
          name,
          { metadata: { name: 'default' } },
          { manager: 'k3s', internal: true },
        );
      }
      if (!this.cluster.find(configMaps, name, 'kube-root-ca.crt')) {
        this.cluster.create(
          configMaps,
          name,
          {
            metadata: {
              name: 'kube-root-ca.crt',
              annotations: {
                'kubernetes.io/description':
                  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
              },
            },
            data: { 'ca.crt': this.rootCa },
          },
          { manager: 'k3s', internal: true },
        );
      }
      return;
    }
    let remaining = 0;
    for (const type of resourceTypes) {
      if (!type.namespaced) continue;
      for (const item of this.store.list(typeKey(type), name)) {
        remaining++;
        if (!item.metadata.deletionTimestamp) {
          try {
            this.cluster.delete(type, name, item.metadata.name ?? '');
          } catch (error) {
            if (!(error instanceof ApiError && error.code === 404)) throw error;
          }
        }
      }
    }
    if (remaining > 0) {
      this.namespaceQueue.addAfter(key, this.ms(200));
      return;
    }
    this.store.remove('namespaces', undefined, name);
  }

  // Garbage collector.

  private collectGarbage(_key: string): void {
    const alive = new Set<string>();
    const all: { type: ResourceType; item: KubeObject }[] = [];
    for (const type of resourceTypes) {
      for (const item of this.store.list(typeKey(type))) {
        if (item.metadata.uid) alive.add(item.metadata.uid);
        all.push({ type, item });
      }
    }
    for (const { type, item } of all) {
      const references = item.metadata.ownerReferences ?? [];
      if (
        references.length > 0 &&
        references.every(reference => !alive.has(reference.uid)) &&
        !item.metadata.deletionTimestamp
      ) {
        try {
          this.cluster.delete(type, item.metadata.namespace, item.metadata.name ?? '');
        } catch (error) {
          if (!(error instanceof ApiError && error.code === 404)) throw error;
        }
      }
    }
    for (const { type, item } of all) {
      if (
        !item.metadata.deletionTimestamp ||
        !(item.metadata.finalizers ?? []).includes('foregroundDeletion')
      )
        continue;
      const dependents = all.filter(other =>
        (other.item.metadata.ownerReferences ?? []).some(reference => reference.uid === item.metadata.uid),
      );
      for (const dependent of dependents) {
        if (!dependent.item.metadata.deletionTimestamp) {
          this.cluster.delete(
            dependent.type,
            dependent.item.metadata.namespace,
            dependent.item.metadata.name ?? '',
            { propagationPolicy: 'Foreground' },
          );
        }
      }
      if (dependents.length === 0) {
        this.cluster.updateObject(type, item.metadata.namespace, item.metadata.name ?? '', current => {
          current.metadata.finalizers = (current.metadata.finalizers ?? []).filter(
            finalizer => finalizer !== 'foregroundDeletion',
          );
        });
      } else {
        this.garbageQueue.addAfter('sweep', this.ms(200));
      }
    }
  }

  // Volume binder, local-path provisioner and protection finalizers.

  private syncVolumes(): void {
    const allClaims = this.store.list(typeKey(claims)).map(item => withTypeMeta(claims, item));
    const allVolumes = this.store.list(typeKey(volumes)).map(item => withTypeMeta(volumes, item));
    const allPods = this.store.list('pods');
    const usedClaims = new Set<string>();
    for (const pod of allPods) {
      for (const volume of list(object(pod.spec).volumes)) {
        const claimName = object(volume.persistentVolumeClaim).claimName;
        if (typeof claimName === 'string' && isActivePod(pod))
          usedClaims.add(keyOf(pod.metadata.namespace, claimName));
      }
    }
    for (const volume of allVolumes) {
      if (
        !volume.metadata.deletionTimestamp &&
        !(volume.metadata.finalizers ?? []).includes('kubernetes.io/pv-protection')
      ) {
        this.cluster.updateObject(volumes, undefined, volume.metadata.name ?? '', current => {
          current.metadata.finalizers = [
            ...(current.metadata.finalizers ?? []),
            'kubernetes.io/pv-protection',
          ];
        });
      }
      const claimRef = object(object(volume.spec).claimRef);
      const bound = claimRef.name
        ? allClaims.find(
            claim => claim.metadata.name === claimRef.name && claim.metadata.namespace === claimRef.namespace,
          )
        : undefined;
      const phase = object(volume.status).phase;
      if (claimRef.name && !bound && phase === 'Bound') {
        this.cluster.updateStatus(volumes, undefined, volume.metadata.name ?? '', current => {
          current.status = { phase: 'Released' };
        });
      } else if (!claimRef.name && phase !== 'Available') {
        this.cluster.updateStatus(volumes, undefined, volume.metadata.name ?? '', current => {
          current.status = { phase: 'Available' };
        });
      }
      if (volume.metadata.deletionTimestamp && (!claimRef.name || !bound)) {
        this.removeFinalizer(volumes, volume, 'kubernetes.io/pv-protection');
      }
    }
    for (const claim of allClaims) {
      const namespace = claim.metadata.namespace;
      const claimName = claim.metadata.name ?? '';
      if (
        !claim.metadata.deletionTimestamp &&
        !(claim.metadata.finalizers ?? []).includes('kubernetes.io/pvc-protection')
      ) {
        this.cluster.updateObject(claims, namespace, claimName, current => {
          current.metadata.finalizers = [
            ...(current.metadata.finalizers ?? []),
            'kubernetes.io/pvc-protection',
          ];
        });
      }
      if (claim.metadata.deletionTimestamp && !usedClaims.has(keyOf(namespace, claimName))) {
        this.removeFinalizer(claims, claim, 'kubernetes.io/pvc-protection');
        continue;
      }
      if (object(claim.status).phase === 'Bound') continue;
      const spec = object(claim.spec);
      let volume: KubeObject | undefined;
      if (typeof spec.volumeName === 'string' && spec.volumeName) {
        volume = allVolumes.find(item => item.metadata.name === spec.volumeName);
      } else if (
        spec.storageClassName === '' ||
        (typeof spec.storageClassName === 'string' && spec.storageClassName !== 'local-path')
      ) {
        volume = allVolumes.find(item => {
          const volumeSpec = object(item.spec);
          return (
            object(item.status).phase === 'Available' &&
            !object(volumeSpec.claimRef).name &&
            (volumeSpec.storageClassName ?? '') === spec.storageClassName
          );
        });
      } else if (usedClaims.has(keyOf(namespace, claimName))) {
        volume = this.provision(claim);
      }
      if (!volume) continue;
      const volumeClaim = object(object(volume.spec).claimRef);
      if (volumeClaim.name && (volumeClaim.name !== claimName || volumeClaim.namespace !== namespace))
        continue;
      const byController = !(typeof spec.volumeName === 'string' && spec.volumeName);
      this.cluster.updateObject(volumes, undefined, volume.metadata.name ?? '', current => {
        current.spec = {
          ...object(current.spec),
          claimRef: {
            kind: 'PersistentVolumeClaim',
            namespace,
            name: claimName,
            uid: claim.metadata.uid,
            apiVersion: 'v1',
            resourceVersion: claim.metadata.resourceVersion,
          },
        };
        current.metadata.annotations = {
          ...(current.metadata.annotations ?? {}),
          'pv.kubernetes.io/bound-by-controller': 'yes',
        };
      });
      this.cluster.updateStatus(volumes, undefined, volume.metadata.name ?? '', current => {
        current.status = { phase: 'Bound' };
      });
      this.cluster.updateObject(claims, namespace, claimName, current => {
        current.spec = { ...object(current.spec), volumeName: volume.metadata.name };
        current.metadata.annotations = {
          ...(current.metadata.annotations ?? {}),
          'pv.kubernetes.io/bind-completed': 'yes',
          ...(byController ? { 'pv.kubernetes.io/bound-by-controller': 'yes' } : {}),
        };
      });
      this.cluster.updateStatus(claims, namespace, claimName, current => {
        const volumeSpec = object(volume.spec);
        current.status = {
          phase: 'Bound',
          accessModes: volumeSpec.accessModes,
          capacity: volumeSpec.capacity,
        };
      });
    }
  }

  private provision(claim: KubeObject): KubeObject {
    const spec = object(claim.spec);
    const name = `pvc-${claim.metadata.uid ?? ''}`;
    const existing = this.cluster.find(volumes, undefined, name);
    if (existing) return existing;
    return this.cluster.create(
      volumes,
      undefined,
      {
        metadata: {
          name,
          annotations: {
            'local.path.provisioner/selected-node': 'node',
            'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path',
          },
        },
        spec: {
          accessModes: spec.accessModes,
          capacity: { storage: object(object(spec.resources).requests).storage },
          hostPath: {
            path: `/var/lib/rancher/k3s/storage/${name}_${claim.metadata.namespace ?? ''}_${claim.metadata.name ?? ''}`,
            type: 'DirectoryOrCreate',
          },
          persistentVolumeReclaimPolicy: 'Delete',
          storageClassName: 'local-path',
        },
      },
      { manager: 'local-path-provisioner', internal: true },
    ).object;
  }

  private removeFinalizer(type: ResourceType, target: KubeObject, finalizer: string): void {
    if (!(target.metadata.finalizers ?? []).includes(finalizer)) return;
    this.cluster.updateObject(type, target.metadata.namespace, target.metadata.name ?? '', current => {
      current.metadata.finalizers = (current.metadata.finalizers ?? []).filter(item => item !== finalizer);
    });
  }

  // ResourceQuota status.

  private syncQuota(key: string): void {
    const [namespace, name] = splitKey(key);
    const quota = this.cluster.find(quotas, namespace, name);
    if (!quota || quota.metadata.deletionTimestamp) return;
    const hard = object(object(quota.spec).hard);
    const used = quotaUsage(this.store, namespace, hard);
    this.cluster.updateStatus(quotas, namespace, name, current => {
      current.status = {
        hard,
        used: Object.fromEntries(
          Object.entries(used).map(([resource, quantity]) => [resource, formatQuantity(quantity)]),
        ),
      };
    });
  }
}
