/* eslint-disable @typescript-eslint/no-misused-spread -- client-node's models are plain data classes: spreading one
   copies its fields, which is all a request body is. */
import { makeInformer, Watch, type KubernetesObject, type V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { resourceType } from './resources';
import { eventually, startTestCluster, type TestCluster } from './test-clients';

/**
 * Watches through client-node's Watch and makeInformer: the JSON-lines stream from a
 * resourceVersion, initial ADDED events, selectors (leaving one is DELETED), 410 Gone as an
 * ERROR event when the history is gone (and the informer re-listing), bookmarks, timeoutSeconds,
 * and dropped connections (reset or cleanly ended).
 */
let cluster: TestCluster;
const namespace = 'watch';

beforeAll(async () => {
  cluster = await startTestCluster({ historyLimit: 50, watch: { bookmarkIntervalMs: 100 } });
  await cluster.core.createNamespace({ body: { metadata: { name: namespace } } });
});

afterAll(async () => {
  await cluster.api.close();
});

interface Seen {
  type: string;
  object: KubernetesObject & { code?: number; reason?: string; message?: string };
}

interface Watching {
  seen: Seen[];
  done: Promise<unknown>;
  stop(): void;
}

async function watch(path: string, query: Record<string, string | number | boolean>): Promise<Watching> {
  const seen: Seen[] = [];
  let finish: (error: unknown) => void = () => undefined;
  const done = new Promise(resolve => (finish = resolve));
  const controller = await new Watch(cluster.config).watch(
    path,
    query,
    (type, object) => seen.push({ type, object: object as Seen['object'] }),
    error => finish(error),
  );
  return { seen, done, stop: () => controller.abort() };
}

const configMaps = `/api/v1/namespaces/${namespace}/configmaps`;

/** Changes elsewhere in the cluster, moving the resourceVersion on without touching ConfigMaps. */
function churn(count: number): void {
  for (let index = 0; index < count; index++) {
    cluster.api.cluster.updateObject(resourceType('nodes'), undefined, 'lima-clawbar', node => {
      node.metadata.annotations = { ...node.metadata.annotations, tick: String(index) };
    });
  }
}

describe('watch', () => {
  it('streams changes after a resourceVersion, objects carrying kind and apiVersion', async () => {
    const created = await cluster.core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'a', labels: { set: 'one' } }, data: { v: '1' } },
    });
    const watching = await watch(configMaps, { resourceVersion: created.metadata?.resourceVersion ?? '' });
    await cluster.core.replaceNamespacedConfigMap({
      name: 'a',
      namespace,
      body: { ...created, data: { v: '2' } },
    });
    await cluster.core.deleteNamespacedConfigMap({ name: 'a', namespace });
    await eventually(() => (watching.seen.length >= 2 ? true : undefined));
    watching.stop();
    expect(watching.seen.map(event => [event.type, event.object.metadata?.name])).toEqual([
      ['MODIFIED', 'a'],
      ['DELETED', 'a'],
    ]);
    expect(watching.seen[0]?.object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', data: { v: '2' } });
    expect(Number(watching.seen[1]?.object.metadata?.resourceVersion)).toBeGreaterThan(
      Number(watching.seen[0]?.object.metadata?.resourceVersion),
    );
  });

  it('starts with ADDED for what exists when no resourceVersion is given', async () => {
    await cluster.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'b' } } });
    const watching = await watch(configMaps, { fieldSelector: 'metadata.name=b' });
    await eventually(() => (watching.seen.length >= 1 ? true : undefined));
    watching.stop();
    expect(watching.seen[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'b' } } });
  });

  it('reports an object leaving the label selector as DELETED', async () => {
    const created = await cluster.core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'c', labels: { set: 'two' } } },
    });
    const watching = await watch(configMaps, {
      labelSelector: 'set=two',
      resourceVersion: created.metadata?.resourceVersion ?? '',
    });
    await cluster.core.replaceNamespacedConfigMap({
      name: 'c',
      namespace,
      body: { ...created, metadata: { ...created.metadata, labels: { set: 'three' } } },
    });
    await eventually(() => (watching.seen.length >= 1 ? true : undefined));
    watching.stop();
    expect(watching.seen[0]).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'c' } } });
  });

  it('answers a resourceVersion older than the history with an ERROR event carrying 410 Expired, then ends', async () => {
    const old = await cluster.core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'old' } },
    });
    churn(60);
    const watching = await watch(configMaps, { resourceVersion: old.metadata?.resourceVersion ?? '' });
    expect(await watching.done).toBeNull();
    expect(watching.seen).toHaveLength(1);
    expect(watching.seen[0]?.type).toBe('ERROR');
    expect(watching.seen[0]?.object).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
    });
    expect(watching.seen[0]?.object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('sends bookmarks when allowed and ends at timeoutSeconds', async () => {
    const list = await cluster.core.listNamespacedConfigMap({ namespace });
    const watching = await watch(configMaps, {
      resourceVersion: list.metadata?.resourceVersion ?? '',
      allowWatchBookmarks: true,
      timeoutSeconds: 1,
    });
    expect(await watching.done).toBeNull();
    const bookmarks = watching.seen.filter(event => event.type === 'BOOKMARK');
    expect(bookmarks.length).toBeGreaterThanOrEqual(2);
    expect(bookmarks[0]?.object).toEqual({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { resourceVersion: list.metadata?.resourceVersion },
    });
  });

  it('drops watches on demand: a reset errors the watch, a clean end just ends it', async () => {
    const reset = await watch(configMaps, {});
    cluster.api.faults.dropWatches();
    expect(await reset.done).toBeInstanceOf(Error);
    const ended = await watch(configMaps, {});
    cluster.api.faults.dropWatches({ how: 'end' });
    expect(await ended.done).toBeNull();
  });

  it('drops a watch after N more events', async () => {
    const list = await cluster.core.listNamespacedConfigMap({ namespace });
    const watching = await watch(configMaps, { resourceVersion: list.metadata?.resourceVersion ?? '' });
    cluster.api.faults.dropWatches({ after: 2, how: 'end' });
    for (const name of ['n1', 'n2', 'n3'])
      await cluster.core.createNamespacedConfigMap({ namespace, body: { metadata: { name } } });
    expect(await watching.done).toBeNull();
    expect(watching.seen.map(event => event.object.metadata?.name)).toEqual(['n1', 'n2']);
  });
});

describe('makeInformer', () => {
  it('lists then watches, and re-lists after 410 Gone', async () => {
    let lists = 0;
    const informer = makeInformer<V1ConfigMap>(cluster.config, configMaps, () => {
      lists++;
      return cluster.core.listNamespacedConfigMap({ namespace });
    });
    const added: string[] = [];
    const deleted: string[] = [];
    informer.on('add', object => added.push(object.metadata?.name ?? ''));
    informer.on('delete', object => deleted.push(object.metadata?.name ?? ''));
    const errors: unknown[] = [];
    informer.on('error', error => errors.push(error));
    await informer.start();
    try {
      expect(lists).toBe(1);
      expect(informer.list(namespace).map(item => item.metadata?.name)).toContain('b');
      await cluster.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'informed' } } });
      await eventually(() => (added.includes('informed') ? true : undefined));

      await cluster.core.deleteNamespacedConfigMap({ name: 'informed', namespace });
      await eventually(() => (deleted.includes('informed') ? true : undefined));
      // The informer resumes from its last resourceVersion: make that older than the history, then cut the watch.
      churn(60);
      cluster.api.faults.dropWatches({ how: 'end' });
      await eventually(() => (lists === 2 ? true : undefined));
      expect(errors).toEqual([]);
      await cluster.core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: 'after-relist' } },
      });
      await eventually(() => (added.includes('after-relist') ? true : undefined));
    } finally {
      await informer.stop();
    }
  });
});
