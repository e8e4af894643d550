import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually, raw, startTestCluster, type TestCluster } from './test-clients';

/**
 * The simulated node through client-node: status progression with init containers, env from
 * Secrets (CreateContainerConfigError with the real messages, then recovery), crash loops with
 * restart counts, last state and back-off, restartPolicy Never, image pull failures, liveness
 * restarts, the default behaviours (OpenClaw gateway, Squid) and registered ones, and events.
 */
let cluster: TestCluster;
const namespace = 'openclaw';
const gatewayImage = 'ghcr.io/openclaw/openclaw:2026.7.1-2-slim';

beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.core.createNamespace({ body: { metadata: { name: namespace } } });
});

afterAll(async () => {
  await cluster.api.close();
});

async function pod(name: string): Promise<V1Pod> {
  return cluster.core.readNamespacedPod({ name, namespace });
}

async function containerStatus(
  name: string,
  until: (status: V1ContainerStatus) => boolean,
): Promise<V1ContainerStatus> {
  return eventually(async () => {
    const status = (await pod(name)).status?.containerStatuses?.[0];
    return status && until(status) ? status : undefined;
  }, 8000);
}

async function logs(name: string, container?: string): Promise<string> {
  const response = await raw(
    cluster.api,
    'GET',
    `/api/v1/namespaces/${namespace}/pods/${name}/log${container ? `?container=${container}` : ''}`,
  );
  return response.body;
}

const gatewayPod = (name: string, env: unknown[]) => ({
  metadata: { name, labels: { app: 'openclaw-gateway' } },
  spec: {
    initContainers: [
      {
        name: 'seed-config',
        image: 'busybox:1.37',
        command: [
          'sh',
          '-c',
          'if [ ! -f /state/openclaw.json ]; then cp /seed/openclaw.json /state/; echo "seeded openclaw.json"; fi',
        ],
      },
    ],
    containers: [
      {
        name: 'gateway',
        image: gatewayImage,
        env,
        ports: [{ containerPort: 18789 }],
        readinessProbe: { httpGet: { path: '/readyz', port: 18789 }, periodSeconds: 1 },
      },
    ],
  },
});

const tokenFromSecret = [
  {
    name: 'OPENCLAW_GATEWAY_TOKEN',
    valueFrom: { secretKeyRef: { name: 'openclaw-secrets', key: 'OPENCLAW_GATEWAY_TOKEN' } },
  },
];

describe('the simulated kubelet', () => {
  it('holds a container in CreateContainerConfigError until its Secret and key exist', async () => {
    await cluster.core.createNamespacedPod({
      namespace,
      body: gatewayPod('gateway', tokenFromSecret) as V1Pod,
    });
    const missing = await containerStatus(
      'gateway',
      status => status.state?.waiting?.reason === 'CreateContainerConfigError',
    );
    expect(missing.state?.waiting?.message).toBe('secret "openclaw-secrets" not found');
    const failed = await eventually(
      async () =>
        (
          await cluster.core.listNamespacedEvent({
            namespace,
            fieldSelector: 'involvedObject.name=gateway,reason=Failed',
          })
        ).items[0],
    );
    expect(failed).toMatchObject({
      type: 'Warning',
      message: 'Error: secret "openclaw-secrets" not found',
      involvedObject: { fieldPath: 'spec.containers{gateway}' },
      source: { component: 'kubelet', host: 'lima-clawbar' },
    });
    // The init container ran already.
    expect((await pod('gateway')).status?.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    expect(await logs('gateway', 'seed-config')).toBe('seeded openclaw.json\n');

    await cluster.core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'openclaw-secrets' }, stringData: { OTHER: 'x' } },
    });
    const wrongKey = await containerStatus(
      'gateway',
      status => status.state?.waiting?.message?.startsWith("couldn't") === true,
    );
    expect(wrongKey.state?.waiting?.message).toBe(
      "couldn't find key OPENCLAW_GATEWAY_TOKEN in Secret openclaw/openclaw-secrets",
    );

    await cluster.core.replaceNamespacedSecret({
      name: 'openclaw-secrets',
      namespace,
      body: {
        metadata: { name: 'openclaw-secrets' },
        stringData: { OPENCLAW_GATEWAY_TOKEN: 'a'.repeat(64) },
      },
    });
    const running = await containerStatus('gateway', status => status.ready);
    expect(running).toMatchObject({
      name: 'gateway',
      image: gatewayImage,
      imageID: expect.stringMatching(/^ghcr\.io\/openclaw\/openclaw@sha256:[0-9a-f]{64}$/),
      containerID: expect.stringMatching(/^containerd:\/\/[0-9a-f]{64}$/),
      restartCount: 0,
      started: true,
      lastState: {},
    });
    const status = (await pod('gateway')).status;
    expect(status?.phase).toBe('Running');
    expect(status?.conditions?.map(condition => [condition.type, condition.status])).toEqual([
      ['PodReadyToStartContainers', 'True'],
      ['Initialized', 'True'],
      ['Ready', 'True'],
      ['ContainersReady', 'True'],
      ['PodScheduled', 'True'],
    ]);
    expect(status?.qosClass).toBe('BestEffort');
    const gatewayLog = await logs('gateway', 'gateway');
    expect(gatewayLog).toContain('[gateway] listening on ws://0.0.0.0:18789 (bind: lan)');
    expect(gatewayLog).toContain('[gateway] ready');
    expect(gatewayLog).not.toContain('a'.repeat(64));
  });

  it('records the events of a pod’s start, the scheduler’s in the events.k8s.io shape', async () => {
    const events = (
      await cluster.core.listNamespacedEvent({ namespace, fieldSelector: 'involvedObject.name=gateway' })
    ).items;
    const reasons = events.map(event => event.reason);
    expect(reasons).toEqual(expect.arrayContaining(['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']));
    const scheduled = events.find(event => event.reason === 'Scheduled');
    expect(scheduled).toMatchObject({
      message: 'Successfully assigned openclaw/gateway to lima-clawbar',
      action: 'Binding',
      reportingComponent: 'default-scheduler',
      type: 'Normal',
    });
    expect(scheduled?.eventTime).toBeDefined();
    expect(scheduled?.count).toBeUndefined();
    const pulled = events.filter(event => event.reason === 'Pulled').map(event => event.message);
    expect(
      pulled.some(message =>
        /^Successfully pulled image "ghcr\.io\/openclaw\/openclaw:2026\.7\.1-2-slim" in \d+\.\d{3}s \(\d+\.\d{3}s including waiting\)\. Image size: \d+ bytes\.$/.test(
          message ?? '',
        ),
      ),
    ).toBe(true);
    expect(
      events.find(
        event => event.reason === 'Started' && event.involvedObject.fieldPath === 'spec.containers{gateway}',
      ),
    ).toMatchObject({ message: 'Started container gateway', count: 1, source: { component: 'kubelet' } });
  });

  it('crash-loops a gateway started without its token: restart count, last state, back-off', async () => {
    await cluster.core.createNamespacedPod({ namespace, body: gatewayPod('tokenless', []) as V1Pod });
    const looping = await containerStatus(
      'tokenless',
      status => status.state?.waiting?.reason === 'CrashLoopBackOff',
    );
    expect(looping.restartCount).toBeGreaterThanOrEqual(1);
    expect(looping.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(looping.state?.waiting?.message).toMatch(
      /^back-off \d+s restarting failed container=gateway pod=tokenless_openclaw\([0-9a-f-]+\)$/,
    );
    const backOff = await eventually(
      async () =>
        (
          await cluster.core.listNamespacedEvent({
            namespace,
            fieldSelector: 'involvedObject.name=tokenless,reason=BackOff',
          })
        ).items[0],
    );
    expect(backOff.message).toMatch(
      /^Back-off restarting failed container gateway in pod tokenless_openclaw\(/,
    );
    expect(await logs('tokenless', 'gateway')).toContain('no token is set');
    const pulled = (
      await cluster.core.listNamespacedEvent({
        namespace,
        fieldSelector: 'involvedObject.name=tokenless,reason=Pulled',
      })
    ).items.map(event => event.message);
    expect(pulled).toContain(`Container image "${gatewayImage}" already present on machine`);
    const more = await containerStatus('tokenless', status => status.restartCount >= 2);
    expect(more.restartCount).toBeGreaterThanOrEqual(2);
  });

  it('runs a pod with restartPolicy Never to Succeeded or Failed', async () => {
    const unregister = cluster.api.kubelet.registerBehaviour(
      (_pod, container) => container.image === 'example.com/probe:1',
      {
        start: context => {
          context.log(`checking ${context.env.TARGET ?? ''}`);
          context.after(50, () => context.exit(context.env.TARGET === 'ok' ? 0 : 3));
          return undefined;
        },
      },
    );
    try {
      for (const [name, target, phase] of [
        ['probe-ok', 'ok', 'Succeeded'],
        ['probe-bad', 'bad', 'Failed'],
      ] as const) {
        await cluster.core.createNamespacedPod({
          namespace,
          body: {
            metadata: { name },
            spec: {
              restartPolicy: 'Never',
              containers: [
                { name: 'probe', image: 'example.com/probe:1', env: [{ name: 'TARGET', value: target }] },
              ],
            },
          },
        });
        const done = await eventually(async () => {
          const current = await pod(name);
          return current.status?.phase === phase ? current : undefined;
        });
        expect(done.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
          exitCode: target === 'ok' ? 0 : 3,
          reason: target === 'ok' ? 'Completed' : 'Error',
        });
        expect(done.status?.containerStatuses?.[0]?.restartCount).toBe(0);
        expect(await logs(name)).toBe(`checking ${target}\n`);
      }
    } finally {
      unregister();
    }
  });

  it('restarts a container whose liveness probe fails', async () => {
    const unregister = cluster.api.kubelet.registerBehaviour(
      (_pod, container) => container.image === 'example.com/wedges:1',
      {
        start: context => {
          if (context.restartCount === 0) context.after(100, () => context.failProbe('liveness', true));
          return undefined;
        },
      },
    );
    try {
      await cluster.core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name: 'wedged' },
          spec: {
            containers: [
              {
                name: 'app',
                image: 'example.com/wedges:1',
                livenessProbe: { exec: { command: ['true'] }, periodSeconds: 1, failureThreshold: 2 },
              },
            ],
          },
        },
      });
      const restarted = await containerStatus(
        'wedged',
        status => status.restartCount === 1 && status.state?.running !== undefined,
      );
      expect(restarted.lastState?.terminated).toBeDefined();
      const killing = await eventually(
        async () =>
          (
            await cluster.core.listNamespacedEvent({
              namespace,
              fieldSelector: 'involvedObject.name=wedged,reason=Killing',
            })
          ).items[0],
      );
      expect(killing.message).toBe('Container app failed liveness probe, will be restarted');
    } finally {
      unregister();
    }
  });

  it('reports image pull failures as ErrImagePull then ImagePullBackOff', async () => {
    cluster.api.kubelet.failImagePulls(image =>
      image.includes('does-not-exist')
        ? `rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/${image}": failed to resolve reference "docker.io/library/${image}": docker.io/library/${image}: not found`
        : undefined,
    );
    await cluster.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'unpullable' },
        spec: { containers: [{ name: 'c', image: 'does-not-exist:1' }] },
      },
    });
    const backOff = await containerStatus(
      'unpullable',
      status => status.state?.waiting?.reason === 'ImagePullBackOff',
    );
    expect(backOff.state?.waiting?.message).toMatch(
      /^Back-off pulling image "does-not-exist:1": ErrImagePull: rpc error: code = NotFound/,
    );
    expect(backOff.imageID).toBe('');
    cluster.api.kubelet.failImagePulls(() => undefined);
  });

  it('runs Squid with its startup log and lets the demo write access-log lines', async () => {
    await cluster.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'squid' },
        spec: {
          containers: [
            {
              name: 'squid',
              image: 'ubuntu/squid:6.13-25.04_beta',
              readinessProbe: { tcpSocket: { port: 3128 } },
            },
          ],
        },
      },
    });
    await containerStatus('squid', status => status.ready);
    const line =
      '1767225600.123      0 10.42.0.7 TCP_DENIED/403 3982 CONNECT evil.example:443 - HIER_NONE/- text/html';
    cluster.api.kubelet.emitLog({ namespace, name: 'squid' }, 'squid', line);
    const text = await eventually(async () => {
      const current = await logs('squid');
      return current.includes('TCP_DENIED') ? current : undefined;
    });
    expect(text).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\| Current Directory is \//);
    expect(text).toContain('Accepting HTTP Socket connections at conn3 local=0.0.0.0:3128');
    expect(text.trimEnd().split('\n').at(-1)).toBe(line);
  });
});
