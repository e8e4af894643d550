/* eslint-disable @typescript-eslint/no-misused-spread -- client-node's models are plain data classes: spreading one
   copies its fields, which is all a request body is. */
import {
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type V1Deployment,
  type V1Pod,
  type V1ReplicaSet,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually, runningPods, startTestCluster, type TestCluster } from './test-clients';

/**
 * The Deployment and ReplicaSet controllers through client-node: ReplicaSets per template with
 * pod-template-hash and revision annotations, status and conditions with the real reasons,
 * rollout restart (a new ReplicaSet and new pods), rollback (the old ReplicaSet reused under a new
 * revision), revisionHistoryLimit, Recreate (old pods gone before new ones start), and the
 * progress deadline.
 */
let cluster: TestCluster;
const namespace = 'rollout';

beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.core.createNamespace({ body: { metadata: { name: namespace } } });
});

afterAll(async () => {
  await cluster.api.close();
});

function deployment(
  name: string,
  spec: Partial<NonNullable<V1Deployment['spec']>> = {},
  image = 'busybox:1.37',
): V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } },
      ...spec,
    },
  };
}

async function replicaSets(app: string): Promise<V1ReplicaSet[]> {
  const list = await cluster.apps.listNamespacedReplicaSet({ namespace, labelSelector: `app=${app}` });
  return list.items.sort(
    (a, b) =>
      Number(a.metadata?.annotations?.['deployment.kubernetes.io/revision']) -
      Number(b.metadata?.annotations?.['deployment.kubernetes.io/revision']),
  );
}

async function settled(name: string): Promise<V1Deployment> {
  return eventually(async () => {
    const current = await cluster.apps.readNamespacedDeployment({ name, namespace });
    const progressing = current.status?.conditions?.find(condition => condition.type === 'Progressing');
    const replicas = current.spec?.replicas ?? 1;
    return current.status?.observedGeneration === current.metadata?.generation &&
      progressing?.reason === 'NewReplicaSetAvailable' &&
      current.status?.updatedReplicas === replicas &&
      current.status.replicas === replicas
      ? current
      : undefined;
  }, 8000);
}

function restart(name: string, at: string): Promise<V1Deployment> {
  return cluster.apps.patchNamespacedDeployment(
    {
      name,
      namespace,
      fieldManager: 'kubectl-rollout',
      body: {
        spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } } },
      },
    },
    setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
  );
}

describe('Deployment controller', () => {
  it('creates a ReplicaSet with pod-template-hash and revision 1, pods, and the real status', async () => {
    await cluster.apps.createNamespacedDeployment({ namespace, body: deployment('web') });
    const done = await settled('web');
    expect(done.metadata?.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1' });
    expect(done.status).toMatchObject({
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    expect(
      done.status?.conditions?.map(condition => [
        condition.type,
        condition.status,
        condition.reason,
        condition.message,
      ]),
    ).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
      [
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        expect.stringMatching(/^ReplicaSet "web-[a-z0-9]+" has successfully progressed\.$/),
      ],
    ]);
    const [set] = await replicaSets('web');
    const hash = set?.metadata?.labels?.['pod-template-hash'] ?? '';
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(set?.metadata?.name).toBe(`web-${hash}`);
    expect(set?.metadata?.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '2',
      'deployment.kubernetes.io/max-replicas': '3',
    });
    expect(set?.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      name: 'web',
      controller: true,
      blockOwnerDeletion: true,
    });
    expect(set?.spec?.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    const pods = await runningPods(cluster.core, namespace, 2, 'app=web');
    for (const pod of pods) {
      expect(pod.metadata?.name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(pod.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
      expect(pod.status?.podIP).toMatch(/^10\.42\.0\.\d+$/);
    }
    expect(new Set(pods.map(pod => pod.status?.podIP)).size).toBe(2);
    const events = await cluster.core.listNamespacedEvent({
      namespace,
      fieldSelector: 'involvedObject.name=web',
    });
    expect(events.items[0]).toMatchObject({
      reason: 'ScalingReplicaSet',
      message: `Scaled up replica set web-${hash} from 0 to 2`,
      source: { component: 'deployment-controller' },
      count: 1,
      type: 'Normal',
    });
  });

  it('rolls out a restart: a new ReplicaSet (revision 2), new pods, the old set scaled to 0', async () => {
    const before = (await runningPods(cluster.core, namespace, 2, 'app=web')).map(pod => pod.metadata?.name);
    await restart('web', '2026-01-01T00:00:00Z');
    const done = await settled('web');
    expect(done.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    const sets = await replicaSets('web');
    expect(
      sets.map(set => [set.metadata?.annotations?.['deployment.kubernetes.io/revision'], set.spec?.replicas]),
    ).toEqual([
      ['1', 0],
      ['2', 2],
    ]);
    const after = await runningPods(cluster.core, namespace, 2, 'app=web');
    expect(after.map(pod => pod.metadata?.name).some(name => before.includes(name))).toBe(false);
    expect(after[0]?.metadata?.annotations).toEqual({
      'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z',
    });
  });

  it('rolls back by re-applying the old template: the old ReplicaSet comes back as revision 3', async () => {
    const [first] = await replicaSets('web');
    const template = structuredClone(first?.spec?.template);
    delete template?.metadata?.labels?.['pod-template-hash'];
    await cluster.apps.patchNamespacedDeployment({
      name: 'web',
      namespace,
      body: [{ op: 'replace', path: '/spec/template', value: template }],
    });
    const done = await settled('web');
    expect(done.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    const sets = await replicaSets('web');
    expect(sets).toHaveLength(2);
    const reused = sets.find(set => set.metadata?.name === first?.metadata?.name);
    expect(reused?.metadata?.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '3',
      'deployment.kubernetes.io/revision-history': '1',
    });
    expect(reused?.spec?.replicas).toBe(2);
  });

  it('keeps revisionHistoryLimit old ReplicaSets', async () => {
    await cluster.apps.createNamespacedDeployment({
      namespace,
      body: deployment('limited', { replicas: 1, revisionHistoryLimit: 1 }),
    });
    await settled('limited');
    for (const at of ['2026-01-01T00:00:01Z', '2026-01-01T00:00:02Z', '2026-01-01T00:00:03Z']) {
      await restart('limited', at);
      await settled('limited');
    }
    const sets = await eventually(async () => {
      const current = await replicaSets('limited');
      return current.length === 2 ? current : undefined;
    });
    expect(sets.map(set => set.metadata?.annotations?.['deployment.kubernetes.io/revision'])).toEqual([
      '3',
      '4',
    ]);
  });

  it('Recreate: every old pod is gone before a new one is created', async () => {
    await cluster.apps.createNamespacedDeployment({
      namespace,
      body: deployment('recreated', { strategy: { type: 'Recreate' } }),
    });
    const done = await settled('recreated');
    expect(done.spec?.strategy).toEqual({ type: 'Recreate' });
    const old = new Set(
      (await runningPods(cluster.core, namespace, 2, 'app=recreated')).map(pod => pod.metadata?.name),
    );
    const timeline: string[] = [];
    const list = await cluster.core.listNamespacedPod({ namespace, labelSelector: 'app=recreated' });
    const controller = await new Watch(cluster.config).watch(
      `/api/v1/namespaces/${namespace}/pods`,
      { labelSelector: 'app=recreated', resourceVersion: list.metadata?.resourceVersion ?? '' },
      (type, pod: V1Pod) => {
        if (type === 'ADDED' || type === 'DELETED')
          timeline.push(`${type} ${old.has(pod.metadata?.name) ? 'old' : 'new'}`);
      },
      () => undefined,
    );
    await restart('recreated', '2026-01-01T00:00:00Z');
    await settled('recreated');
    controller.abort();
    expect(timeline).toEqual(['DELETED old', 'DELETED old', 'ADDED new', 'ADDED new']);
  });

  it('reports ProgressDeadlineExceeded when the new pods never become ready', async () => {
    const unregister = cluster.api.kubelet.registerBehaviour(
      (_pod, container) => container.image === 'example.com/never-ready:1',
      { start: context => (context.failProbe('readiness', true), undefined) },
    );
    try {
      await cluster.apps.createNamespacedDeployment({
        namespace,
        body: {
          ...deployment('stalled', { replicas: 1, progressDeadlineSeconds: 5 }, 'example.com/never-ready:1'),
          spec: {
            ...deployment('stalled', { replicas: 1, progressDeadlineSeconds: 5 }, 'example.com/never-ready:1')
              .spec,
            template: {
              metadata: { labels: { app: 'stalled' } },
              spec: {
                containers: [
                  {
                    name: 'main',
                    image: 'example.com/never-ready:1',
                    readinessProbe: { exec: { command: ['true'] }, periodSeconds: 1 },
                  },
                ],
              },
            },
          } as V1Deployment['spec'],
        },
      });
      const stalled = await eventually(async () => {
        const current = await cluster.apps.readNamespacedDeployment({ name: 'stalled', namespace });
        const progressing = current.status?.conditions?.find(condition => condition.type === 'Progressing');
        return progressing?.reason === 'ProgressDeadlineExceeded' ? current : undefined;
      }, 8000);
      const progressing = stalled.status?.conditions?.find(condition => condition.type === 'Progressing');
      expect(progressing).toMatchObject({
        status: 'False',
        message: expect.stringMatching(/^ReplicaSet "stalled-[a-z0-9]+" has timed out progressing\.$/),
      });
      expect(stalled.status?.conditions?.find(condition => condition.type === 'Available')).toMatchObject({
        status: 'False',
        reason: 'MinimumReplicasUnavailable',
      });
      expect(stalled.status?.unavailableReplicas).toBe(1);
      const unhealthy = await eventually(
        async () =>
          (await cluster.core.listNamespacedEvent({ namespace, fieldSelector: 'reason=Unhealthy' })).items[0],
      );
      expect(unhealthy).toMatchObject({
        type: 'Warning',
        message: 'Readiness probe failed: readiness probe forced to fail',
      });
    } finally {
      unregister();
    }
  });
});
