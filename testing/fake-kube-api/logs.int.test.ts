import { request as httpsRequest } from 'node:https';
import { PassThrough } from 'node:stream';

import { Log } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually, raw, runningPods, startTestCluster, type TestCluster } from './test-clients';

/**
 * Pod logs through client-node's Log and raw requests: the kubelet's errors (container name
 * required, no previous instance, waiting container), timestamps in RFC3339Nano, tailLines,
 * sinceTime, limitBytes, previous after a restart, follow that streams and ends with the
 * container, dropped streams, and a flood read without loss.
 */
let cluster: TestCluster;
const namespace = 'logs';

beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.core.createNamespace({ body: { metadata: { name: namespace } } });
  await cluster.core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: 'multi' },
      spec: {
        initContainers: [
          {
            name: 'seed',
            image: 'busybox:1.37',
            command: ['sh', '-c', 'echo "seeded config for $HOSTNAME"'],
          },
        ],
        containers: [
          { name: 'a', image: 'busybox:1.37' },
          { name: 'b', image: 'busybox:1.37' },
        ],
      },
    },
  });
  await cluster.core.createNamespacedPod({
    namespace,
    body: { metadata: { name: 'single' }, spec: { containers: [{ name: 'app', image: 'busybox:1.37' }] } },
  });
  await runningPods(cluster.core, namespace, 2);
});

afterAll(async () => {
  await cluster.api.close();
});

const logPath = (pod: string, query: string) => `/api/v1/namespaces/${namespace}/pods/${pod}/log?${query}`;

async function logText(pod: string, query: string): Promise<string> {
  const response = await raw(cluster.api, 'GET', logPath(pod, query));
  if (response.status !== 200) throw new Error(`${response.status}: ${response.body}`);
  return response.body;
}

async function logError(
  pod: string,
  query: string,
): Promise<{ status: number; message: string; reason: string }> {
  const response = await raw(cluster.api, 'GET', logPath(pod, query));
  const body = JSON.parse(response.body) as { message: string; reason: string };
  return { status: response.status, message: body.message, reason: body.reason };
}

describe('pod logs', () => {
  it('requires a container name when the pod has several, naming the init containers too', async () => {
    expect(await logError('multi', '')).toEqual({
      status: 400,
      reason: 'BadRequest',
      message:
        'a container name must be specified for pod multi, choose one of: [a b] or one of the init containers: [seed]',
    });
    const viaClient = new Log(cluster.config).log(namespace, 'multi', '', new PassThrough());
    await expect(viaClient).rejects.toMatchObject({ code: 400 });
  });

  it('serves an init container’s log (its echoes, with env expanded)', async () => {
    expect(await logText('multi', 'container=seed')).toBe('seeded config for multi\n');
  });

  it('refuses previous when there was no previous instance', async () => {
    expect(await logError('single', 'previous=true')).toMatchObject({
      status: 400,
      message: 'previous terminated container "app" in pod "single" not found',
    });
  });

  it('refuses a container that is waiting to start, with its reason', async () => {
    await cluster.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'stuck' },
        spec: {
          containers: [{ name: 'c', image: 'busybox:1.37' }],
          volumes: [{ name: 'creds', secret: { secretName: 'absent' } }],
        },
      },
    });
    await eventually(async () => ((await logError('stuck', '')).status === 400 ? true : undefined));
    expect(await logError('stuck', '')).toMatchObject({
      status: 400,
      message: 'container "c" in pod "stuck" is waiting to start: ContainerCreating',
    });
    const events = await eventually(async () => {
      const list = await cluster.core.listNamespacedEvent({
        namespace,
        fieldSelector: 'involvedObject.name=stuck,reason=FailedMount',
      });
      return list.items[0];
    });
    expect(events.message).toBe('MountVolume.SetUp failed for volume "creds" : secret "absent" not found');
  });

  it('prefixes RFC3339Nano times when asked and honours tailLines, limitBytes and sinceTime', async () => {
    const pod = { namespace, name: 'single' };
    cluster.api.kubelet.emitLog(pod, 'app', ['one', 'two', 'three']);
    await eventually(async () => ((await logText('single', '')).includes('three') ? true : undefined));
    expect(await logText('single', '')).toBe('one\ntwo\nthree\n');
    const stamped = (await logText('single', 'timestamps=true')).trimEnd().split('\n');
    for (const line of stamped)
      expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,8}[1-9])?Z (one|two|three)$/);
    expect(await logText('single', 'tailLines=2')).toBe('two\nthree\n');
    expect(await logText('single', 'limitBytes=6')).toBe('one\ntw');
    const future = new Date(Date.now() + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(await logText('single', `sinceTime=${future}`)).toBe('');
    const firstTime = stamped[0]?.split(' ')[0] ?? '';
    expect(await logText('single', `sinceTime=${firstTime.replace(/\.\d+Z$/, 'Z')}`)).toContain('three');
  });

  it('follows: streams new lines as the container writes them and ends when it terminates', async () => {
    await cluster.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'finite' },
        spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'busybox:1.37' }] },
      },
    });
    await eventually(async () =>
      (await cluster.core.readNamespacedPod({ name: 'finite', namespace })).status?.phase === 'Running'
        ? true
        : undefined,
    );
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const ended = new Promise(resolve => output.on('end', resolve));
    await new Log(cluster.config).log(namespace, 'finite', 'job', output, { follow: true });
    const pod = { namespace, name: 'finite' };
    cluster.api.kubelet.emitLog(pod, 'job', 'working');
    await eventually(() => (text.includes('working') ? true : undefined));
    cluster.api.kubelet.emitLog(pod, 'job', 'done');
    cluster.api.kubelet.exitContainer(pod, 'job', 0);
    await ended;
    expect(text).toBe('working\ndone\n');
    await eventually(async () =>
      (await cluster.core.readNamespacedPod({ name: 'finite', namespace })).status?.phase === 'Succeeded'
        ? true
        : undefined,
    );
  });

  it('keeps the previous instance’s log after a crash', async () => {
    const pod = { namespace, name: 'single' };
    cluster.api.kubelet.emitLog(pod, 'app', 'last words');
    cluster.api.kubelet.exitContainer(pod, 'app', 2);
    await eventually(async () => {
      const status = (await cluster.core.readNamespacedPod({ name: 'single', namespace })).status
        ?.containerStatuses?.[0];
      return status?.restartCount === 1 && status.state?.running ? status : undefined;
    });
    expect(await logText('single', 'previous=true')).toContain('last words');
    expect(await logText('single', '')).not.toContain('last words');
  });

  it('drops a follow stream after N lines (cleanly or with a reset)', async () => {
    const pod = { namespace, name: 'multi' };
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const ended = new Promise(resolve => output.on('end', resolve));
    await new Log(cluster.config).log(namespace, 'multi', 'a', output, { follow: true });
    cluster.api.faults.dropLogStreams({ after: 2, how: 'end' });
    cluster.api.kubelet.emitLog(pod, 'a', ['1', '2', '3', '4']);
    await ended;
    expect(text).toBe('1\n2\n');

    const reset = new Promise<string>(resolve => {
      const request = httpsRequest(
        new URL(logPath('multi', 'container=b&follow=true'), cluster.api.url),
        { headers: { Authorization: `Bearer ${cluster.api.token}` }, ca: cluster.api.caCertPem },
        response => {
          response.on('data', () => undefined);
          response.on('error', error => resolve(error.message));
          response.on('aborted', () => resolve('aborted'));
        },
      );
      request.end();
    });
    await new Promise(resolve => setTimeout(resolve, 50));
    cluster.api.faults.dropLogStreams();
    expect(await reset).toBe('aborted');
  });

  it('delivers a flood in order without losing lines', async () => {
    const pod = { namespace, name: 'multi' };
    let text = '';
    const output = new PassThrough();
    output.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const controller = await new Log(cluster.config).log(namespace, 'multi', 'b', output, { follow: true });
    const flood = cluster.api.kubelet.startFlood(pod, 'b', { linesPerSecond: 40_000, lineBytes: 80 });
    await new Promise(resolve => setTimeout(resolve, 300));
    flood.stop();
    const written = flood.written;
    await eventually(() => (text.split('\n').length - 1 >= written ? true : undefined));
    controller.abort();
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(written);
    expect(written).toBeGreaterThan(1000);
    expect(lines.findIndex((line, index) => !line.startsWith(`flood ${index} `))).toBe(-1);
    expect(lines[0]).toHaveLength(80);
  });
});
