import {
  PatchStrategy,
  setHeaderOptions,
  type V1Deployment,
  type V1ReplicaSet,
} from '@kubernetes/client-node';

import { ClawbarError } from '../../../common/errors';
import { kubeError, type KubeConnection } from './kube-connection';

export const restartedAtAnnotation = 'kubectl.kubernetes.io/restartedAt';
const revisionAnnotation = 'deployment.kubernetes.io/revision';

export interface RolloutProgress {
  updated: number;
  ready: number;
  desired: number;
  detail: string;
}

export interface RolloutWaitOptions {
  deadlineMs: number;
  pollMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: RolloutProgress) => void;
}

/**
 * `kubectl rollout restart`: stamps the pod template so the Deployment rolls new pods. A field
 * manager of its own keeps the stamp out of Clawbar's apply, so the next apply does not roll again.
 */
export async function restartDeployment(
  connection: KubeConnection,
  namespace: string,
  name: string,
  now: Date = new Date(),
): Promise<void> {
  const patch = {
    spec: { template: { metadata: { annotations: { [restartedAtAnnotation]: now.toISOString() } } } },
  };
  try {
    await connection.apps.patchNamespacedDeployment(
      { name, namespace, body: patch, fieldManager: 'clawbar-restart' },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  } catch (error) {
    throw kubeError(error, `Restarting ${name}`);
  }
}

/**
 * `kubectl rollout undo`: puts the template of the previous revision back. Later applies of
 * Clawbar's own manifests roll forward again, as they do after `kubectl rollout undo`.
 */
export async function rollbackDeployment(
  connection: KubeConnection,
  namespace: string,
  name: string,
): Promise<number> {
  let deployment: V1Deployment;
  let replicaSets: V1ReplicaSet[];
  try {
    deployment = await connection.apps.readNamespacedDeployment({ name, namespace });
    replicaSets = (await connection.apps.listNamespacedReplicaSet({ namespace })).items;
  } catch (error) {
    throw kubeError(error, `Reading ${name}'s revisions`);
  }
  const uid = deployment.metadata?.uid;
  const owned = replicaSets
    .filter(set => set.metadata?.ownerReferences?.some(owner => owner.uid === uid))
    .map(set => ({ set, revision: Number(set.metadata?.annotations?.[revisionAnnotation] ?? 0) }))
    .filter(entry => entry.revision > 0)
    .sort((a, b) => b.revision - a.revision);
  const current = Number(deployment.metadata?.annotations?.[revisionAnnotation] ?? owned[0]?.revision ?? 0);
  const previous = owned.find(entry => entry.revision < current);
  if (!previous?.set.spec?.template) {
    throw new ClawbarError('not-found', `${name} has no earlier revision to go back to.`);
  }
  const template = structuredClone(previous.set.spec.template);
  delete template.metadata?.labels?.['pod-template-hash'];
  if (!deployment.spec) throw new ClawbarError('cluster-api-error', `${name} has no spec.`);
  deployment.spec.template = template;
  try {
    await connection.apps.replaceNamespacedDeployment({
      name,
      namespace,
      body: deployment,
      fieldManager: 'clawbar-rollback',
    });
  } catch (error) {
    throw kubeError(error, `Rolling ${name} back`);
  }
  return previous.revision;
}

/**
 * Waits until the Deployment runs its newest template everywhere and every pod is ready, like
 * `kubectl rollout status`, reporting progress. Fails at the deadline, or early when the server
 * says the rollout exceeded its progress deadline.
 */
export async function waitForRollout(
  connection: KubeConnection,
  namespace: string,
  name: string,
  options: RolloutWaitOptions,
): Promise<void> {
  const started = Date.now();
  const pollMs = options.pollMs ?? 500;
  for (;;) {
    if (options.signal?.aborted) throw new ClawbarError('cancelled', 'Cancelled.');
    let deployment: V1Deployment | undefined;
    try {
      deployment = await connection.apps.readNamespacedDeployment({ name, namespace });
    } catch (error) {
      const failure = kubeError(error, `Reading ${name}`);
      if (failure.code !== 'cluster-unreachable') throw failure;
    }
    if (deployment) {
      const verdict = rolloutVerdict(deployment);
      options.onProgress?.(verdict.progress);
      if (verdict.done) return;
      if (verdict.failed) {
        throw new ClawbarError('cluster-rollout-failed', `${name}: ${verdict.failed}`);
      }
    }
    if (Date.now() - started > options.deadlineMs) {
      throw new ClawbarError(
        'timeout',
        `${name} did not finish rolling out within ${Math.round(options.deadlineMs / 1000)} s` +
          (deployment ? ` (${rolloutVerdict(deployment).progress.detail})` : ''),
      );
    }
    await new Promise(resolve => setTimeout(resolve, pollMs));
  }
}

/** Pure: how far a Deployment's rollout is, as `kubectl rollout status` reads it. */
export function rolloutVerdict(deployment: V1Deployment): {
  done: boolean;
  failed: string | null;
  progress: RolloutProgress;
} {
  const desired = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  const updated = status.updatedReplicas ?? 0;
  const ready = status.readyReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const total = status.replicas ?? 0;
  const observed = (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
  const progressing = status.conditions?.find(condition => condition.type === 'Progressing');
  const failed =
    progressing?.reason === 'ProgressDeadlineExceeded'
      ? (progressing.message ?? 'the rollout exceeded its progress deadline')
      : null;
  let detail: string;
  if (!observed) detail = 'waiting for the controller to see the change';
  else if (updated < desired) detail = `${updated} of ${desired} new pods created`;
  else if (total > updated) detail = `${total - updated} old pods terminating`;
  else if (available < updated || ready < desired) detail = `${ready} of ${desired} new pods ready`;
  else detail = 'rolled out';
  const done = observed && updated >= desired && total <= updated && available >= desired && ready >= desired;
  return { done, failed: done ? null : failed, progress: { updated, ready, desired, detail } };
}
