/* eslint-disable @typescript-eslint/no-misused-spread -- client-node's models are plain data classes: spreading one
   copies its fields, which is all a request body is. */
import { PatchStrategy, type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually, raw, startTestCluster, statusOf, type TestCluster } from './test-clients';

/**
 * Validation with the real error bodies (422 Invalid with causes; 400 for what does not decode),
 * through client-node, and Pod Security admission in a namespace labelled
 * `pod-security.kubernetes.io/enforce: restricted`: pods refused with the real message; a
 * Deployment accepted with a warning whose ReplicaSet then fails to create pods (FailedCreate).
 */
let cluster: TestCluster;
const namespace = 'openclaw';

beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.core.createNamespace({
    body: {
      metadata: {
        name: namespace,
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
        },
      },
    },
  });
});

afterAll(async () => {
  await cluster.api.close();
});

const hardened = {
  securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [
    {
      name: 'gateway',
      image: 'ghcr.io/openclaw/openclaw:2026.7.1-2-slim',
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    },
  ],
};

function deploymentWith(name: string, podSpec: Record<string, unknown>): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: podSpec as unknown as V1Pod['spec'] & object },
    },
  };
}

describe('schema and semantic validation', () => {
  it('rejects the manual guide’s `ip: host-gateway` host alias with 422 Invalid', async () => {
    const status = await statusOf(
      cluster.objects.patch(
        deploymentWith('guide', {
          ...hardened,
          hostAliases: [{ ip: 'host-gateway', hostnames: ['host.lima.internal'] }],
        }),
        undefined,
        undefined,
        'clawbar',
        undefined,
        PatchStrategy.ServerSideApply,
      ),
    );
    expect(status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Deployment.apps "guide" is invalid: spec.template.spec.hostAliases[0].ip: Invalid value: "host-gateway": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      reason: 'Invalid',
      details: {
        name: 'guide',
        group: 'apps',
        kind: 'Deployment',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message:
              'Invalid value: "host-gateway": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
            field: 'spec.template.spec.hostAliases[0].ip',
          },
        ],
      },
      code: 422,
    });
  });

  it('reports several field errors in one message, core kinds without a group', async () => {
    const status = await statusOf(
      cluster.core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name: 'Bad_Name' },
          spec: { containers: [{ name: 'c' }, { name: 'c', image: 'x', ports: [{ containerPort: 70000 }] }] },
        },
      }),
    );
    expect(status.code).toBe(422);
    expect(status.message).toMatch(/^Pod "Bad_Name" is invalid: \[/);
    expect(status.details).toMatchObject({ name: 'Bad_Name', kind: 'Pod' });
    expect(status.details).not.toHaveProperty('group');
    const causes = (status.details?.causes ?? []) as { field: string; reason: string }[];
    expect(causes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'metadata.name', reason: 'FieldValueInvalid' }),
        expect.objectContaining({ field: 'spec.containers[0].image', reason: 'FieldValueRequired' }),
        expect.objectContaining({ field: 'spec.containers[1].name', reason: 'FieldValueDuplicate' }),
        expect.objectContaining({
          field: 'spec.containers[1].ports[0].containerPort',
          reason: 'FieldValueInvalid',
        }),
      ]),
    );
  });

  it('rejects a NodePort outside 30000-32767 and a selector that does not match the template', async () => {
    const service = await statusOf(
      cluster.core.createNamespacedService({
        namespace,
        body: {
          metadata: { name: 'openclaw-gateway' },
          spec: { type: 'NodePort', ports: [{ port: 18789, nodePort: 18789 }] },
        },
      }),
    );
    expect(service.message).toBe(
      'Service "openclaw-gateway" is invalid: spec.ports[0].nodePort: Invalid value: 18789: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    const mismatch = await statusOf(
      cluster.apps.createNamespacedDeployment({
        namespace,
        body: {
          metadata: { name: 'm' },
          spec: {
            selector: { matchLabels: { app: 'a' } },
            template: { metadata: { labels: { app: 'b' } }, spec: hardened },
          },
        },
      }),
    );
    expect(mismatch.message).toBe(
      'Deployment.apps "m" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: `selector` does not match template `labels`',
    );
  });

  it('checks enums and required fields from the schema (kubernetes-models)', async () => {
    const status = await statusOf(
      cluster.core.createNamespacedPod({
        namespace,
        body: { metadata: { name: 'p' }, spec: { ...hardened, restartPolicy: 'Sometimes' } },
      }),
    );
    expect(status.details?.causes).toContainEqual({
      reason: 'FieldValueNotSupported',
      message: 'Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"',
      field: 'spec.restartPolicy',
    });
  });

  it('answers 400 for what does not decode: a wrong type, a bad quantity, bad base64', async () => {
    const wrongType = await raw(
      cluster.api,
      'POST',
      `/apis/apps/v1/namespaces/${namespace}/deployments`,
      JSON.stringify({
        ...deploymentWith('t', hardened),
        spec: { ...deploymentWith('t', hardened).spec, replicas: 'two' },
      }),
      { 'Content-Type': 'application/json' },
    );
    expect(wrongType.status).toBe(400);
    expect(JSON.parse(wrongType.body).message).toMatch(
      /^Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field .*spec\.replicas of type int32$/,
    );
    const quantity = await statusOf(
      cluster.core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name: 'q' },
          spec: {
            ...hardened,
            containers: [{ ...hardened.containers[0], resources: { limits: { cpu: 'lots' } } }],
          } as never,
        },
      }),
    );
    expect(quantity).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect(quantity.message).toContain(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
    const secret = await raw(
      cluster.api,
      'POST',
      `/api/v1/namespaces/${namespace}/secrets`,
      JSON.stringify({ metadata: { name: 's' }, data: { k: 'not base64!' } }),
      {
        'Content-Type': 'application/json',
      },
    );
    expect(JSON.parse(secret.body).message).toBe(
      'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3',
    );
  });

  it('folds Secret stringData into base64 data', async () => {
    const secret = await cluster.core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'openclaw-secrets' }, stringData: { OPENCLAW_GATEWAY_TOKEN: 'abc' } },
    });
    expect(secret.data).toEqual({ OPENCLAW_GATEWAY_TOKEN: Buffer.from('abc').toString('base64') });
    expect(secret.stringData).toBeUndefined();
    expect(secret.type).toBe('Opaque');
  });
});

describe('Pod Security admission (enforce: restricted)', () => {
  it('refuses a violating pod with the real forbidden message', async () => {
    const status = await statusOf(
      cluster.core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name: 'x' },
          spec: {
            containers: [{ name: 'c', image: 'nginx' }],
            volumes: [{ name: 'state', hostPath: { path: '/Users/me/.openclaw' } }],
          },
        },
      }),
    );
    expect(status).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      details: { name: 'x', kind: 'pods' },
      message:
        'pods "x" is forbidden: violates PodSecurity "restricted:latest": hostPath volumes (volume "state"), ' +
        'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), restricted volume types (volume "state" uses restricted volume type "hostPath"), ' +
        'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    });
  });

  it('admits a compliant pod', async () => {
    const pod = await cluster.core.createNamespacedPod({
      namespace,
      body: { metadata: { name: 'ok' }, spec: hardened },
    });
    expect(pod.status?.phase).toBe('Pending');
  });

  it('accepts a violating Deployment with a warning, then its ReplicaSet fails to create pods', async () => {
    const response = await raw(
      cluster.api,
      'POST',
      `/apis/apps/v1/namespaces/${namespace}/deployments`,
      JSON.stringify(deploymentWith('unhardened', { containers: [{ name: 'c', image: 'nginx' }] })),
      {
        'Content-Type': 'application/json',
      },
    );
    expect(response.status).toBe(201);
    expect(response.headers.warning).toBe(
      '299 - "would violate PodSecurity \\"restricted:latest\\": allowPrivilegeEscalation != false (container \\"c\\" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container \\"c\\" must set securityContext.capabilities.drop=[\\"ALL\\"]), runAsNonRoot != true (pod or container \\"c\\" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container \\"c\\" must set securityContext.seccompProfile.type to \\"RuntimeDefault\\" or \\"Localhost\\")"',
    );
    const failed = await eventually(async () => {
      const events = await cluster.core.listNamespacedEvent({
        namespace,
        fieldSelector: 'reason=FailedCreate',
      });
      return events.items[0];
    });
    expect(failed).toMatchObject({
      type: 'Warning',
      reason: 'FailedCreate',
      involvedObject: { kind: 'ReplicaSet' },
      source: { component: 'replicaset-controller' },
    });
    expect(failed.message).toMatch(
      /^Error creating: pods "unhardened-[a-z0-9]+-[a-z0-9]{5}" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false/,
    );
    const deployment = await eventually(async () => {
      const current = await cluster.apps.readNamespacedDeployment({ name: 'unhardened', namespace });
      return current.status?.conditions?.some(condition => condition.type === 'ReplicaFailure')
        ? current
        : undefined;
    });
    expect(
      deployment.status?.conditions?.find(condition => condition.type === 'ReplicaFailure'),
    ).toMatchObject({ status: 'True', reason: 'FailedCreate' });
    expect(
      (await cluster.core.listNamespacedPod({ namespace, labelSelector: 'app=unhardened' })).items,
    ).toHaveLength(0);
  });
});

describe('NetworkPolicy', () => {
  it('stores a policy with the defaults the apiserver adds, and rejects a bad CIDR', async () => {
    const created = await cluster.networking.createNamespacedNetworkPolicy({
      namespace,
      body: {
        metadata: { name: 'proxy-to-internet' },
        spec: {
          podSelector: { matchLabels: { app: 'egress-proxy' } },
          egress: [
            {
              to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] } }],
              ports: [{ port: 443 }, { port: 80 }],
            },
          ],
        },
      },
    });
    expect(created.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(created.spec?.egress?.[0]?.ports).toEqual([
      { port: 443, protocol: 'TCP' },
      { port: 80, protocol: 'TCP' },
    ]);
    expect(created.metadata?.generation).toBe(1);
    const bad = await statusOf(
      cluster.networking.createNamespacedNetworkPolicy({
        namespace,
        body: {
          metadata: { name: 'bad' },
          spec: {
            podSelector: {},
            egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['192.168.0.0/16'] } }] }],
          },
        },
      }),
    );
    expect(bad.message).toBe(
      'NetworkPolicy.networking.k8s.io "bad" is invalid: spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "192.168.0.0/16": must be a strict subset of `cidr`',
    );
  });
});

describe('ResourceQuota and LimitRange', () => {
  const quotaNamespace = 'quota';

  it('refuses a pod without the limits a quota counts, fills them from a LimitRange, and counts usage', async () => {
    await cluster.core.createNamespace({ body: { metadata: { name: quotaNamespace } } });
    await cluster.core.createNamespacedResourceQuota({
      namespace: quotaNamespace,
      body: {
        metadata: { name: 'openclaw' },
        spec: { hard: { 'limits.cpu': '2', 'limits.memory': '2Gi', pods: '2' } },
      },
    });
    const refused = await statusOf(
      cluster.core.createNamespacedPod({
        namespace: quotaNamespace,
        body: { metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: 'busybox:1.37' }] } },
      }),
    );
    expect(refused).toMatchObject({
      code: 403,
      message:
        'pods "a" is forbidden: failed quota: openclaw: must specify limits.cpu for: c; limits.memory for: c',
    });
    await cluster.core.createNamespacedLimitRange({
      namespace: quotaNamespace,
      body: {
        metadata: { name: 'openclaw' },
        spec: {
          limits: [
            {
              type: 'Container',
              _default: { cpu: '1500m', memory: '1Gi' },
              defaultRequest: { cpu: '100m', memory: '128Mi' },
            },
          ],
        },
      },
    });
    const admitted = await cluster.core.createNamespacedPod({
      namespace: quotaNamespace,
      body: { metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: 'busybox:1.37' }] } },
    });
    expect(admitted.spec?.containers[0]?.resources).toEqual({
      limits: { cpu: '1500m', memory: '1Gi' },
      requests: { cpu: '100m', memory: '128Mi' },
    });
    expect(admitted.status?.qosClass).toBe('Burstable');
    const exceeded = await statusOf(
      cluster.core.createNamespacedPod({
        namespace: quotaNamespace,
        body: { metadata: { name: 'b' }, spec: { containers: [{ name: 'c', image: 'busybox:1.37' }] } },
      }),
    );
    expect(exceeded.message).toBe(
      'pods "b" is forbidden: exceeded quota: openclaw, requested: limits.cpu=1500m, used: limits.cpu=1500m, limited: limits.cpu=2',
    );
    const quota = await eventually(async () => {
      const current = await cluster.core.readNamespacedResourceQuota({
        name: 'openclaw',
        namespace: quotaNamespace,
      });
      return current.status?.used?.pods === '1' ? current : undefined;
    });
    expect(quota.status).toEqual({
      hard: { 'limits.cpu': '2', 'limits.memory': '2Gi', pods: '2' },
      used: { 'limits.cpu': '1500m', 'limits.memory': '1Gi', pods: '1' },
    });
  });
});
