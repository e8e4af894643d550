/* eslint-disable @typescript-eslint/no-misused-spread -- client-node's models are plain data classes: spreading one
   copies its fields, which is all a request body is. */
import {
  PatchStrategy,
  setHeaderOptions,
  type KubernetesObject,
  type V1Deployment,
  type V1ObjectMeta,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { raw, startTestCluster, statusOf, type TestCluster } from './test-clients';

/**
 * Server-side apply exactly as ClusterService sends it: `KubernetesObjectApi.patch(obj, pretty,
 * dryRun, fieldManager, force, PatchStrategy.ServerSideApply)`; managedFields in the real
 * fieldsV1 format, conflicts with the real message, force, fields an applier stops sending, dry
 * runs, and ownership recorded for ordinary writes.
 */
let cluster: TestCluster;
const namespace = 'apply';

beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.core.createNamespace({ body: { metadata: { name: namespace } } });
});

afterAll(async () => {
  await cluster.api.close();
});

function apply<T extends KubernetesObject>(
  object: T,
  options: { manager?: string; force?: boolean; dryRun?: string } = {},
): Promise<T & { metadata?: V1ObjectMeta }> {
  return cluster.objects.patch(
    object,
    undefined,
    options.dryRun,
    options.manager ?? 'clawbar',
    options.force,
    PatchStrategy.ServerSideApply,
  );
}

const squidConfig = (
  conf: string,
  labels: Record<string, string> = { 'app.kubernetes.io/managed-by': 'clawbar' },
) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'egress-proxy-config', namespace, labels },
  data: { 'squid.conf': conf },
});

function entries(object: KubernetesObject) {
  return (object.metadata?.managedFields ?? []).map(entry => ({
    manager: entry.manager,
    operation: entry.operation,
    fieldsV1: entry.fieldsV1,
    ...(entry.subresource ? { subresource: entry.subresource } : {}),
  }));
}

describe('server-side apply', () => {
  it('creates the object and records the applier’s fields in fieldsV1', async () => {
    const created = await apply(squidConfig('http_port 3128'));
    expect(created.metadata.uid).toBeDefined();
    expect(entries(created)).toEqual([
      {
        manager: 'clawbar',
        operation: 'Apply',
        fieldsV1: {
          'f:data': { 'f:squid.conf': {} },
          'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/managed-by': {} } },
        },
      },
    ]);
    const response = await raw(
      cluster.api,
      'PATCH',
      `/api/v1/namespaces/${namespace}/configmaps/egress-proxy-config?fieldManager=clawbar`,
      JSON.stringify(squidConfig('http_port 3128')),
      {
        'Content-Type': 'application/apply-patch+yaml',
      },
    );
    expect(response.status).toBe(200);
  });

  it('keys list items the way structured-merge-diff does', async () => {
    const deployment: V1Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'gateway', namespace },
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { app: 'gateway' } },
        template: {
          metadata: { labels: { app: 'gateway' } },
          spec: {
            containers: [
              {
                name: 'gateway',
                image: 'ghcr.io/openclaw/openclaw:2026.7.1-2-slim',
                ports: [{ containerPort: 18789, name: 'http' }],
                env: [
                  {
                    name: 'OPENCLAW_GATEWAY_TOKEN',
                    valueFrom: { secretKeyRef: { name: 'openclaw-secrets', key: 'OPENCLAW_GATEWAY_TOKEN' } },
                  },
                ],
              },
            ],
          },
        },
      },
    };
    const created = await apply(deployment);
    const fields = created.metadata?.managedFields?.find(entry => entry.manager === 'clawbar')
      ?.fieldsV1 as Record<string, Record<string, unknown>>;
    expect(fields['f:spec']).toEqual({
      'f:replicas': {},
      'f:selector': {},
      'f:strategy': { 'f:type': {} },
      'f:template': {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:containers': {
            'k:{"name":"gateway"}': {
              '.': {},
              'f:env': {
                'k:{"name":"OPENCLAW_GATEWAY_TOKEN"}': {
                  '.': {},
                  'f:name': {},
                  'f:valueFrom': { 'f:secretKeyRef': { 'f:key': {}, 'f:name': {} } },
                },
              },
              'f:image': {},
              'f:name': {},
              'f:ports': {
                'k:{"containerPort":18789,"protocol":"TCP"}': {
                  '.': {},
                  'f:containerPort': {},
                  'f:name': {},
                },
              },
            },
          },
        },
      },
    });
    // Defaults the applier did not send are filled in but owned by no one.
    expect(created.spec?.revisionHistoryLimit).toBe(10);
    expect(created.spec?.template.spec?.containers[0]?.terminationMessagePath).toBe('/dev/termination-log');
  });

  it('refuses a field another manager changed, with the real conflict message, unless forced', async () => {
    await cluster.core.patchNamespacedConfigMap(
      {
        name: 'egress-proxy-config',
        namespace,
        fieldManager: 'kubectl-edit',
        body: { data: { 'squid.conf': 'http_access allow all' } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const edited = await cluster.core.readNamespacedConfigMap({ name: 'egress-proxy-config', namespace });
    expect(entries(edited)).toContainEqual({
      manager: 'kubectl-edit',
      operation: 'Update',
      fieldsV1: { 'f:data': { 'f:squid.conf': {} } },
    });
    expect(entries(edited).find(entry => entry.manager === 'clawbar')?.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/managed-by': {} } },
    });

    const refused = await statusOf(apply(squidConfig('http_port 3128')));
    expect(refused).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.squid.conf',
      reason: 'Conflict',
      details: {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "kubectl-edit" using v1',
            field: '.data.squid.conf',
          },
        ],
      },
      code: 409,
    });
    expect(
      (await cluster.core.readNamespacedConfigMap({ name: 'egress-proxy-config', namespace })).data,
    ).toEqual({ 'squid.conf': 'http_access allow all' });

    // Re-applying the value the other manager set is not a conflict: the field becomes shared.
    const shared = await apply(squidConfig('http_access allow all'));
    expect(entries(shared).find(entry => entry.manager === 'kubectl-edit')).toBeDefined();

    const forced = await apply(squidConfig('http_port 3128'), { force: true });
    expect(forced.data).toEqual({ 'squid.conf': 'http_port 3128' });
    expect(entries(forced).map(entry => entry.manager)).toEqual(['clawbar']);
  });

  it('lists every conflict, grouped by manager', async () => {
    await cluster.core.patchNamespacedConfigMap(
      {
        name: 'egress-proxy-config',
        namespace,
        fieldManager: 'helm',
        body: {
          metadata: { labels: { 'app.kubernetes.io/managed-by': 'Helm' } },
          data: { 'squid.conf': 'x' },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const refused = await statusOf(apply(squidConfig('http_port 3128')));
    expect(refused.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "helm" using v1:\n- .data.squid.conf\n- .metadata.labels.app.kubernetes.io/managed-by',
    );
    await apply(squidConfig('http_port 3128'), { force: true });
  });

  it('conflicts between two appliers name the other applier without an API version', async () => {
    const refused = await statusOf(apply(squidConfig('other'), { manager: 'other-tool' }));
    expect(refused.message).toBe('Apply failed with 1 conflict: conflict with "clawbar": .data.squid.conf');
  });

  it('removes fields the applier owned and no longer sends; keeps fields others own', async () => {
    await apply(
      squidConfig('http_port 3128', { 'app.kubernetes.io/managed-by': 'clawbar', tier: 'proxy', old: 'yes' }),
    );
    await cluster.core.patchNamespacedConfigMap(
      {
        name: 'egress-proxy-config',
        namespace,
        fieldManager: 'someone',
        body: { metadata: { labels: { note: 'mine' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const applied = await apply(
      squidConfig('http_port 3128', { 'app.kubernetes.io/managed-by': 'clawbar', tier: 'proxy' }),
    );
    expect(applied.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'clawbar',
      tier: 'proxy',
      note: 'mine',
    });
  });

  it('changes nothing when the same configuration is applied again', async () => {
    const first = await apply(
      squidConfig('http_port 3128', { 'app.kubernetes.io/managed-by': 'clawbar', tier: 'proxy' }),
    );
    const second = await apply(
      squidConfig('http_port 3128', { 'app.kubernetes.io/managed-by': 'clawbar', tier: 'proxy' }),
    );
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
  });

  it('keeps another manager’s template annotation (rollout restart) when the applier re-applies', async () => {
    await cluster.apps.patchNamespacedDeployment(
      {
        name: 'gateway',
        namespace,
        fieldManager: 'kubectl-rollout',
        body: {
          spec: {
            template: {
              metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' } },
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const current = await cluster.apps.readNamespacedDeployment({ name: 'gateway', namespace });
    const { managedFields: _managedFields, ...metadata } = current.metadata ?? {};
    const reapplied = await apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: metadata.name, namespace },
      spec: {
        ...current.spec,
        template: { ...current.spec?.template, metadata: { labels: { app: 'gateway' } } },
      } as V1Deployment['spec'],
    });
    expect(reapplied.spec?.template.metadata?.annotations).toEqual({
      'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z',
    });
  });

  it('dry-runs an apply without storing it', async () => {
    const dry = await apply(squidConfig('dry run'), { dryRun: 'All', force: true });
    expect(dry.data).toEqual({ 'squid.conf': 'dry run' });
    expect(
      (await cluster.core.readNamespacedConfigMap({ name: 'egress-proxy-config', namespace })).data,
    ).toEqual({ 'squid.conf': 'http_port 3128' });
    const created = await apply(
      { ...squidConfig('x'), metadata: { name: 'never-created', namespace } },
      { dryRun: 'All' },
    );
    expect(created.metadata.name).toBe('never-created');
    expect(
      (await statusOf(cluster.core.readNamespacedConfigMap({ name: 'never-created', namespace }))).code,
    ).toBe(404);
  });

  it('requires a field manager and refuses force on other patch types', async () => {
    const response = await raw(
      cluster.api,
      'PATCH',
      `/api/v1/namespaces/${namespace}/configmaps/egress-proxy-config`,
      JSON.stringify(squidConfig('x')),
      {
        'Content-Type': 'application/apply-patch+yaml',
      },
    );
    expect(response.status).toBe(422);
    expect(JSON.parse(response.body)).toMatchObject({
      reason: 'Invalid',
      message:
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    });
    const forced = await raw(
      cluster.api,
      'PATCH',
      `/api/v1/namespaces/${namespace}/configmaps/egress-proxy-config?force=true`,
      '{}',
      {
        'Content-Type': 'application/merge-patch+json',
      },
    );
    expect(JSON.parse(forced.body)).toMatchObject({
      code: 422,
      message:
        'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    });
    const unknown = await raw(
      cluster.api,
      'PATCH',
      `/api/v1/namespaces/${namespace}/configmaps/egress-proxy-config`,
      '{}',
      { 'Content-Type': 'text/plain' },
    );
    expect(unknown.status).toBe(415);
  });

  it('accepts YAML apply bodies as kubectl sends them', async () => {
    const yaml = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\n  namespace: ${namespace}\ndata:\n  a: "1"\n`;
    const response = await raw(
      cluster.api,
      'PATCH',
      `/api/v1/namespaces/${namespace}/configmaps/from-yaml?fieldManager=kubectl`,
      yaml,
      {
        'Content-Type': 'application/apply-patch+yaml',
      },
    );
    expect(response.status).toBe(201);
    expect(JSON.parse(response.body)).toMatchObject({ kind: 'ConfigMap', data: { a: '1' } });
  });
});
