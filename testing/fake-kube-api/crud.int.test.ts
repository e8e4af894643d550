/* eslint-disable @typescript-eslint/no-misused-spread -- client-node's models are plain data classes: spreading one
   copies its fields, which is all a request body is. */
import {
  KubeConfig,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

import { eventually, raw, runningPods, startTestCluster, statusOf, type TestCluster } from './test-clients';

/**
 * The fake apiserver's REST surface through @kubernetes/client-node: discovery, the verbs, their
 * errors (real Status bodies), selectors and paging, subresources, deletion with propagation and
 * namespace termination, dry runs, and authentication.
 */
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.core.createNamespace({ body: { metadata: { name: 'crud' } } });
});

afterAll(async () => {
  await cluster.api.close();
});

const deployment = (name: string, replicas = 1) => ({
  metadata: { name, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'main', image: 'busybox:1.37' }] },
    },
  },
});

describe('discovery', () => {
  it('serves the resource lists client-node resolves kinds with', async () => {
    const core = JSON.parse((await raw(cluster.api, 'GET', '/api/v1')).body) as {
      kind: string;
      groupVersion: string;
      resources: Record<string, unknown>[];
    };
    expect(core).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
    expect(core.resources).toContainEqual(
      expect.objectContaining({
        name: 'pods',
        singularName: 'pod',
        namespaced: true,
        kind: 'Pod',
        shortNames: ['po'],
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      }),
    );
    expect(core.resources).toContainEqual({
      name: 'pods/log',
      singularName: '',
      namespaced: true,
      kind: 'Pod',
      verbs: ['get'],
    });
    expect(core.resources).toContainEqual(
      expect.objectContaining({ name: 'persistentvolumes', namespaced: false }),
    );
    const apps = JSON.parse((await raw(cluster.api, 'GET', '/apis/apps/v1')).body) as {
      resources: Record<string, unknown>[];
    };
    expect(apps.resources).toContainEqual(
      expect.objectContaining({
        name: 'deployments/scale',
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
      }),
    );
    const groups = JSON.parse((await raw(cluster.api, 'GET', '/apis')).body) as {
      groups: { name: string }[];
    };
    expect(groups.groups.map(group => group.name)).toEqual(['apps', 'networking.k8s.io']);
    // KubernetesObjectApi resolves kinds (namespaced or not) through these lists.
    const list = await cluster.objects.list('v1', 'Namespace');
    expect(list.items.map(item => item.metadata?.name)).toEqual(
      expect.arrayContaining(['crud', 'default', 'kube-system']),
    );
    const node = await cluster.objects.read({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'lima-clawbar' },
    });
    expect(node.metadata?.name).toBe('lima-clawbar');
  });
});

describe('create, read, list', () => {
  it('creates with defaults, uid, resourceVersion and managedFields, and refuses a duplicate with 409 AlreadyExists', async () => {
    const created = await cluster.core.createNamespacedConfigMap({
      namespace: 'crud',
      body: { metadata: { name: 'one', labels: { tier: 'a' } }, data: { k: 'v' } },
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata?.managedFields?.[0]).toMatchObject({
      manager: 'node-fetch',
      operation: 'Update',
      fieldsType: 'FieldsV1',
    });
    const duplicate = await statusOf(
      cluster.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'one' } } }),
    );
    expect(duplicate).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps "one" already exists',
      reason: 'AlreadyExists',
      details: { name: 'one', kind: 'configmaps' },
      code: 409,
    });
  });

  it('answers 404 NotFound with the group-qualified resource name', async () => {
    expect(
      await statusOf(cluster.apps.readNamespacedDeployment({ name: 'nope', namespace: 'crud' })),
    ).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'deployments.apps "nope" not found',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
    });
    expect(
      await statusOf(
        cluster.core.createNamespacedConfigMap({ namespace: 'missing', body: { metadata: { name: 'x' } } }),
      ),
    ).toMatchObject({
      code: 404,
      message: 'namespaces "missing" not found',
    });
  });

  it('filters lists by label and field selectors and pages them with limit/continue', async () => {
    for (const [name, tier] of [
      ['two', 'a'],
      ['three', 'b'],
      ['four', 'b'],
    ] as const) {
      await cluster.core.createNamespacedConfigMap({
        namespace: 'crud',
        body: { metadata: { name, labels: { tier } } },
      });
    }
    const byLabel = await cluster.core.listNamespacedConfigMap({
      namespace: 'crud',
      labelSelector: 'tier in (b)',
    });
    expect(byLabel.items.map(item => item.metadata?.name)).toEqual(['four', 'three']);
    const negated = await cluster.core.listNamespacedConfigMap({
      namespace: 'crud',
      labelSelector: 'tier,tier!=b',
    });
    expect(negated.items.map(item => item.metadata?.name)).toEqual(['one', 'two']);
    const byName = await cluster.core.listNamespacedConfigMap({
      namespace: 'crud',
      fieldSelector: 'metadata.name=three',
    });
    expect(byName.items.map(item => item.metadata?.name)).toEqual(['three']);
    expect(
      await statusOf(
        cluster.core.listNamespacedConfigMap({ namespace: 'crud', fieldSelector: 'spec.foo=x' }),
      ),
    ).toMatchObject({
      code: 400,
      message: 'field label not supported: spec.foo',
    });
    const first = await cluster.core.listNamespacedConfigMap({
      namespace: 'crud',
      labelSelector: 'tier',
      limit: 3,
    });
    expect(first.items).toHaveLength(3);
    expect(first.metadata?.remainingItemCount).toBe(1);
    const rest = await cluster.core.listNamespacedConfigMap({
      namespace: 'crud',
      labelSelector: 'tier',
      limit: 3,
      _continue: first.metadata?._continue,
    });
    expect(rest.items.map(item => item.metadata?.name)).toEqual(['two']);
    expect(rest.metadata?._continue).toBeUndefined();
  });

  it('lists items without kind and apiVersion, like the real list encoding', async () => {
    const response = await raw(cluster.api, 'GET', '/api/v1/namespaces/crud/configmaps');
    const list = JSON.parse(response.body) as {
      kind: string;
      apiVersion: string;
      items: Record<string, unknown>[];
    };
    expect(list).toMatchObject({ kind: 'ConfigMapList', apiVersion: 'v1' });
    expect(list.items[0]).not.toHaveProperty('kind');
    const single = JSON.parse(
      (await raw(cluster.api, 'GET', '/api/v1/namespaces/crud/configmaps/one')).body,
    ) as Record<string, unknown>;
    expect(single).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1' });
  });
});

describe('update and patch', () => {
  it('replaces with PUT and refuses a stale resourceVersion with 409 Conflict', async () => {
    const current = await cluster.core.readNamespacedConfigMap({ name: 'one', namespace: 'crud' });
    const updated = await cluster.core.replaceNamespacedConfigMap({
      name: 'one',
      namespace: 'crud',
      body: { ...current, data: { k: 'w' } },
    });
    expect(updated.data).toEqual({ k: 'w' });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(
      Number(current.metadata?.resourceVersion),
    );
    expect(
      await statusOf(
        cluster.core.replaceNamespacedConfigMap({
          name: 'one',
          namespace: 'crud',
          body: { ...current, data: { k: 'stale' } },
        }),
      ),
    ).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on configmaps "one": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('applies JSON merge, strategic merge and JSON patches', async () => {
    await cluster.apps.createNamespacedDeployment({ namespace: 'crud', body: deployment('patched') });
    const restartedAt = '2026-01-01T00:00:00Z';
    const strategic = await cluster.apps.patchNamespacedDeployment(
      {
        name: 'patched',
        namespace: 'crud',
        body: {
          spec: {
            template: {
              metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } },
              spec: { containers: [{ name: 'main', env: [{ name: 'A', value: '1' }] }] },
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const container = strategic.spec?.template.spec?.containers[0];
    expect(strategic.spec?.template.metadata?.annotations).toEqual({
      'kubectl.kubernetes.io/restartedAt': restartedAt,
    });
    expect(container).toMatchObject({
      name: 'main',
      image: 'busybox:1.37',
      env: [{ name: 'A', value: '1' }],
    });
    expect(strategic.metadata?.generation).toBe(2);
    const merged = await cluster.apps.patchNamespacedDeployment(
      { name: 'patched', namespace: 'crud', body: { metadata: { labels: { extra: 'yes', app: null } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(merged.metadata?.labels).toEqual({ extra: 'yes' });
    expect(merged.metadata?.generation).toBe(2);
    const json = await cluster.apps.patchNamespacedDeployment({
      name: 'patched',
      namespace: 'crud',
      body: [{ op: 'replace', path: '/spec/replicas', value: 2 }],
    });
    expect(json.spec?.replicas).toBe(2);
    expect(
      await statusOf(
        cluster.apps.patchNamespacedDeployment({
          name: 'patched',
          namespace: 'crud',
          body: [{ op: 'remove', path: '/spec/nothing' }],
        }),
      ),
    ).toMatchObject({ code: 422 });
  });

  it('serves the status and scale subresources', async () => {
    const scaled = await cluster.apps.replaceNamespacedDeploymentScale({
      name: 'patched',
      namespace: 'crud',
      body: { metadata: { name: 'patched', namespace: 'crud' }, spec: { replicas: 3 } },
    });
    expect(scaled).toMatchObject({
      kind: 'Scale',
      spec: { replicas: 3 },
      status: { selector: 'app=patched' },
    });
    const read = await cluster.apps.readNamespacedDeployment({ name: 'patched', namespace: 'crud' });
    expect(read.spec?.replicas).toBe(3);
    expect(read.metadata?.managedFields?.some(entry => entry.subresource === 'scale')).toBe(true);
    const status = await cluster.apps.readNamespacedDeploymentStatus({ name: 'patched', namespace: 'crud' });
    expect(status.metadata?.name).toBe('patched');
    // Writes to the main resource cannot change status.
    const replaced = await cluster.apps.replaceNamespacedDeployment({
      name: 'patched',
      namespace: 'crud',
      body: { ...read, metadata: { ...read.metadata, resourceVersion: undefined }, status: { replicas: 99 } },
    });
    expect(replaced.status?.replicas).not.toBe(99);
  });

  it('makes no change (and no new resourceVersion) for a write that changes nothing', async () => {
    const current = await cluster.core.readNamespacedConfigMap({ name: 'two', namespace: 'crud' });
    const again = await cluster.core.replaceNamespacedConfigMap({
      name: 'two',
      namespace: 'crud',
      body: current,
    });
    expect(again.metadata?.resourceVersion).toBe(current.metadata?.resourceVersion);
  });

  it('validates and defaults in a dry run without storing anything', async () => {
    const dry = await cluster.core.createNamespacedConfigMap({
      namespace: 'crud',
      dryRun: 'All',
      body: { metadata: { name: 'dry' } },
    });
    expect(dry.metadata?.name).toBe('dry');
    expect(
      await statusOf(cluster.core.readNamespacedConfigMap({ name: 'dry', namespace: 'crud' })),
    ).toMatchObject({ code: 404 });
  });
});

describe('deletion', () => {
  it('deletes a Deployment and, in the background, its ReplicaSets and pods', async () => {
    await cluster.apps.createNamespacedDeployment({ namespace: 'crud', body: deployment('doomed', 2) });
    await runningPods(cluster.core, 'crud', 2, 'app=doomed');
    const status = await cluster.apps.deleteNamespacedDeployment({ name: 'doomed', namespace: 'crud' });
    expect(status).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'doomed', group: 'apps', kind: 'deployments' },
    });
    await eventually(async () => {
      const sets = await cluster.apps.listNamespacedReplicaSet({
        namespace: 'crud',
        labelSelector: 'app=doomed',
      });
      const pods = await cluster.core.listNamespacedPod({ namespace: 'crud', labelSelector: 'app=doomed' });
      return sets.items.length === 0 && pods.items.length === 0 ? true : undefined;
    });
  });

  it('deletes pods gracefully: the pod stays with a deletionTimestamp until its containers stopped', async () => {
    await cluster.core.createNamespacedPod({
      namespace: 'crud',
      body: { metadata: { name: 'solo' }, spec: { containers: [{ name: 'c', image: 'busybox:1.37' }] } },
    });
    await runningPods(cluster.core, 'crud', 1, 'app notin (patched)');
    const pending = await cluster.core.deleteNamespacedPod({ name: 'solo', namespace: 'crud' });
    expect(pending.metadata?.deletionTimestamp).toBeDefined();
    expect(pending.metadata?.deletionGracePeriodSeconds).toBe(30);
    await eventually(async () =>
      (await statusOf(cluster.core.readNamespacedPod({ name: 'solo', namespace: 'crud' }))).code === 404
        ? true
        : undefined,
    );
  });

  it('terminates a namespace: Terminating, no new objects, then gone with everything in it', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>(resolve => (release = resolve));
    const unregister = cluster.api.kubelet.registerBehaviour(
      (_pod, container) => container.image === 'example.com/slow-stop:1',
      { start: () => ({ stop: () => released.then(() => 0) }) },
    );
    try {
      await cluster.core.createNamespace({ body: { metadata: { name: 'short-lived' } } });
      await cluster.core.createNamespacedConfigMap({
        namespace: 'short-lived',
        body: { metadata: { name: 'cm' } },
      });
      await cluster.core.createNamespacedPod({
        namespace: 'short-lived',
        body: {
          metadata: { name: 'lingering' },
          spec: { containers: [{ name: 'c', image: 'example.com/slow-stop:1' }] },
        },
      });
      await runningPods(cluster.core, 'short-lived', 1);
      const terminating = await cluster.core.deleteNamespace({ name: 'short-lived' });
      expect((terminating as { status?: { phase?: string } }).status?.phase).toBe('Terminating');
      expect(
        await statusOf(
          cluster.core.createNamespacedConfigMap({
            namespace: 'short-lived',
            body: { metadata: { name: 'late' } },
          }),
        ),
      ).toMatchObject({
        code: 403,
        reason: 'Forbidden',
        message:
          'configmaps "late" is forbidden: unable to create new content in namespace short-lived because it is being terminated',
      });
      await eventually(async () =>
        (await statusOf(cluster.core.readNamespacedConfigMap({ name: 'cm', namespace: 'short-lived' })))
          .code === 404
          ? true
          : undefined,
      );
      expect((await cluster.core.readNamespace({ name: 'short-lived' })).status?.phase).toBe('Terminating');
      release();
      await eventually(async () =>
        (await statusOf(cluster.core.readNamespace({ name: 'short-lived' }))).code === 404 ? true : undefined,
      );
    } finally {
      unregister();
    }
  });

  it('refuses to delete the default namespace', async () => {
    expect(await statusOf(cluster.core.deleteNamespace({ name: 'default' }))).toMatchObject({
      code: 403,
      message: 'namespaces "default" is forbidden: this namespace may not be deleted',
    });
  });
});

describe('authentication', () => {
  it('answers 401 to anonymous and wrong-token requests', async () => {
    const config = new KubeConfig();
    config.loadFromString(
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'c',
            cluster: {
              server: cluster.api.url,
              'certificate-authority-data': Buffer.from(cluster.api.caCertPem ?? '').toString('base64'),
            },
          },
        ],
        users: [{ name: 'u', user: { token: 'wrong' } }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
    );
    expect((await statusOf(config.makeApiClient(CoreV1Api).listNamespace())).code).toBe(401);
    const anonymous = await raw(cluster.api, 'GET', '/api/v1/namespaces', undefined, { Authorization: '' });
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('serves plain HTTP with a bearer token', async () => {
    const plain = await startTestCluster({ tls: false });
    try {
      expect(plain.api.url).toMatch(/^http:\/\//);
      const configMap: V1ConfigMap = await plain.core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'plain' } },
      });
      expect(configMap.metadata?.name).toBe('plain');
      const anonymous = await fetch(`${plain.api.url}/api/v1/namespaces`);
      expect(anonymous.status).toBe(401);
    } finally {
      await plain.api.close();
    }
  });
});
