import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually, raw, runningPods, startTestCluster, statusOf, type TestCluster } from './test-clients';

/**
 * Fault injection from tests (the typed API) and from a faults file (the demo): 5xx/429 answers
 * once, N times or for a path, latency, refused connections (listener closed and reopened), and
 * the control endpoint other processes use to write container logs.
 */
let cluster: TestCluster;
let directory: string;
let faultsFile: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'fake-kube-api-faults-'));
  faultsFile = join(directory, 'faults.json');
  cluster = await startTestCluster({ faultsFile });
});

afterAll(async () => {
  await cluster.api.close();
  await rm(directory, { recursive: true, force: true });
});

describe('injected failures', () => {
  it('answers 500 once with an InternalError Status, then recovers', async () => {
    cluster.api.faults.failRequests({ status: 500 });
    const failed = await statusOf(cluster.core.listNamespace());
    expect(failed).toMatchObject({
      kind: 'Status',
      code: 500,
      reason: 'InternalError',
      message: 'Internal error occurred: etcdserver: request timed out',
    });
    expect((await cluster.core.listNamespace()).items.length).toBeGreaterThan(0);
  });

  it('fails N times, only for a matching path and method', async () => {
    cluster.api.faults.failRequests({ status: 503, times: 2, path: '/configmaps$', method: 'POST' });
    expect((await cluster.core.listNamespace()).items.length).toBeGreaterThan(0);
    const body = { metadata: { name: 'x' } };
    expect(
      (await statusOf(cluster.core.createNamespacedConfigMap({ namespace: 'default', body }))).code,
    ).toBe(503);
    const second = await raw(
      cluster.api,
      'POST',
      '/api/v1/namespaces/default/configmaps',
      JSON.stringify(body),
      { 'Content-Type': 'application/json' },
    );
    expect(second.status).toBe(503);
    expect(second.headers['retry-after']).toBe('1');
    expect(JSON.parse(second.body)).toMatchObject({
      reason: 'ServiceUnavailable',
      details: { retryAfterSeconds: 1 },
    });
    expect(
      (await cluster.core.createNamespacedConfigMap({ namespace: 'default', body })).metadata?.name,
    ).toBe('x');
  });

  it('fails until cleared with times: Infinity', async () => {
    const remove = cluster.api.faults.failRequests({ status: 429, times: Infinity, path: '^/api/v1/nodes' });
    for (let attempt = 0; attempt < 3; attempt++)
      expect((await statusOf(cluster.core.listNode())).code).toBe(429);
    remove();
    expect((await cluster.core.listNode()).items).toHaveLength(1);
  });

  it('adds latency', async () => {
    const remove = cluster.api.faults.addLatency({ ms: 150, path: '^/api/v1/namespaces$' });
    const started = Date.now();
    await cluster.core.listNamespace();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    remove();
  });

  it('refuses connections while the listener is closed, and serves again once reopened', async () => {
    await cluster.api.faults.refuseConnections();
    await expect(cluster.core.listNamespace()).rejects.toThrow(/ECONNREFUSED/);
    await cluster.api.faults.restoreConnections();
    expect((await cluster.core.listNamespace()).items.length).toBeGreaterThan(0);
    await cluster.api.faults.refuseConnections({ forMs: 100 });
    await expect(cluster.core.listNamespace()).rejects.toThrow(/ECONNREFUSED/);
    await eventually(async () => ((await cluster.core.listNamespace()).items.length > 0 ? true : undefined));
  });

  it('cuts open watches when the listener closes', async () => {
    let done: (error: unknown) => void = () => undefined;
    const finished = new Promise(resolve => (done = resolve));
    await new Watch(cluster.config).watch(
      '/api/v1/namespaces',
      {},
      () => undefined,
      error => done(error),
    );
    await cluster.api.faults.refuseConnections();
    expect(await finished).toBeInstanceOf(Error);
    await cluster.api.faults.restoreConnections();
  });
});

describe('the faults file', () => {
  it('applies request rules while the file says so', async () => {
    await writeFile(
      faultsFile,
      JSON.stringify({
        failRequests: [{ status: 500, times: 'always', path: '^/api/v1/namespaces/default/secrets' }],
      }),
    );
    await eventually(async () =>
      (await statusOf(cluster.core.listNamespacedSecret({ namespace: 'default' }))).code === 500
        ? true
        : undefined,
    );
    await writeFile(faultsFile, JSON.stringify({}));
    await eventually(async () =>
      (await cluster.core.listNamespacedSecret({ namespace: 'default' })).kind === 'SecretList'
        ? true
        : undefined,
    );
  });

  it('drops watches when the file asks', async () => {
    let done: (error: unknown) => void = () => undefined;
    const finished = new Promise(resolve => (done = resolve));
    await new Watch(cluster.config).watch(
      '/api/v1/namespaces',
      {},
      () => undefined,
      error => done(error),
    );
    await writeFile(faultsFile, JSON.stringify({ dropWatches: { how: 'end' } }));
    expect(await finished).toBeNull();
  });
});

describe('the control endpoint', () => {
  it('writes log lines into a container from another process', async () => {
    await cluster.core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { name: 'logger' }, spec: { containers: [{ name: 'c', image: 'busybox:1.37' }] } },
    });
    await runningPods(cluster.core, 'default', 1);
    const response = await raw(
      cluster.api,
      'POST',
      '/fake-kube-api/v1/emit-log',
      JSON.stringify({ namespace: 'default', pod: 'logger', container: 'c', lines: ['from outside'] }),
    );
    expect(response.status).toBe(200);
    await eventually(async () =>
      (await raw(cluster.api, 'GET', '/api/v1/namespaces/default/pods/logger/log')).body === 'from outside\n'
        ? true
        : undefined,
    );
    const refused = await raw(
      cluster.api,
      'POST',
      '/fake-kube-api/v1/emit-log',
      JSON.stringify({ namespace: 'default', pod: 'absent', container: 'c', lines: ['x'] }),
    );
    expect(refused.status).toBe(400);
  });
});
