import type { KubernetesObject } from '@kubernetes/client-node';

import { ClawbarError } from '../../../common/errors';
import { kubeError, type KubeConnection } from './kube-connection';

/** Every object Clawbar creates carries this label; prune and uninstall select exactly these. */
export const managedByLabel = 'app.kubernetes.io/managed-by';
export const managedByValue = 'clawbar';
export const fieldManager = 'clawbar';

/** The kinds Clawbar renders, which prune looks through (namespaced ones in the sandbox namespace). */
export const prunableKinds = [
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'Deployment', namespaced: true },
  { apiVersion: 'v1', kind: 'Service', namespaced: true },
  { apiVersion: 'v1', kind: 'ConfigMap', namespaced: true },
  { apiVersion: 'v1', kind: 'Secret', namespaced: true },
  { apiVersion: 'v1', kind: 'ServiceAccount', namespaced: true },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespaced: true },
  { apiVersion: 'v1', kind: 'ResourceQuota', namespaced: true },
  { apiVersion: 'v1', kind: 'LimitRange', namespaced: true },
  { apiVersion: 'v1', kind: 'PersistentVolume', namespaced: false },
] as const;

export interface ApplyStep {
  /** `Kind/name` of the object being applied or deleted. */
  object: string;
  action: 'apply' | 'prune';
  done: number;
  total: number;
}

export interface ApplyOptions {
  namespace: string;
  signal?: AbortSignal;
  onStep?: (step: ApplyStep) => void;
  /**
   * Take ownership of fields another manager changed. Only on the user's explicit request
   * (repairing drift): a normal apply reports the conflict instead.
   */
  force?: boolean;
  /** Delete Clawbar's objects of these kinds that are no longer rendered. */
  prune?: readonly (typeof prunableKinds)[number][];
}

export interface ApplyResult {
  applied: string[];
  pruned: string[];
}

export function objectKey(object: KubernetesObject): string {
  return `${object.kind ?? ''}/${object.metadata?.name ?? ''}`;
}

/**
 * Server-side apply of the rendered set with field manager `clawbar`, in order, then prune: the
 * objects labelled managed-by=clawbar that the set no longer has are deleted. A conflict with
 * another manager stops the apply with the server's explanation; nothing is forced unless asked.
 */
export async function applyObjects(
  connection: KubeConnection,
  objects: readonly KubernetesObject[],
  options: ApplyOptions,
): Promise<ApplyResult> {
  const applied: string[] = [];
  const pruned: string[] = [];
  const prune = options.prune ?? [];
  const pruneCandidates = prune.length > 0 ? await listManaged(connection, options.namespace, prune) : [];
  const wanted = new Set(objects.map(object => `${object.apiVersion}|${objectKey(object)}`));
  const stale = pruneCandidates.filter(object => !wanted.has(`${object.apiVersion}|${objectKey(object)}`));
  const total = objects.length + stale.length;
  let done = 0;
  for (const object of objects) {
    throwIfAborted(options.signal);
    const key = objectKey(object);
    options.onStep?.({ object: key, action: 'apply', done, total });
    try {
      await connection.apply(object, {
        fieldManager,
        force: options.force ?? false,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      const failure = kubeError(error, `Applying ${key}`);
      if (failure.code === 'cluster-conflict') {
        throw new ClawbarError(
          'cluster-conflict',
          `${failure.message}. Another tool changed ${key}; Clawbar left it as it is. ` +
            'Repair it from Clawbar to take it back.',
        );
      }
      throw failure;
    }
    applied.push(key);
    done += 1;
  }
  for (const object of stale) {
    throwIfAborted(options.signal);
    const key = objectKey(object);
    options.onStep?.({ object: key, action: 'prune', done, total });
    try {
      await connection.objects.delete(object, undefined, undefined, undefined, undefined, 'Foreground');
    } catch (error) {
      const failure = kubeError(error, `Deleting ${key}`);
      if (failure.code !== 'not-found') throw failure;
    }
    pruned.push(key);
    done += 1;
  }
  options.onStep?.({ object: '', action: 'apply', done, total });
  return { applied, pruned };
}

/** Clawbar's own objects of these kinds (by label: nothing else is ever touched). */
export async function listManaged(
  connection: KubeConnection,
  namespace: string,
  kinds: readonly (typeof prunableKinds)[number][],
): Promise<KubernetesObject[]> {
  const found: KubernetesObject[] = [];
  for (const { apiVersion, kind, namespaced } of kinds) {
    try {
      const list = await connection.objects.list(
        apiVersion,
        kind,
        namespaced ? namespace : undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        `${managedByLabel}=${managedByValue}`,
      );
      for (const item of list.items) found.push({ ...item, apiVersion, kind });
    } catch (error) {
      const failure = kubeError(error, `Listing ${kind}`);
      // No such namespace yet: nothing of ours to prune there.
      if (failure.code !== 'not-found') throw failure;
    }
  }
  return found;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ClawbarError('cancelled', 'Cancelled.');
}
