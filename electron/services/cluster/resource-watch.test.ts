import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';

import { ResourceWatch, type ListWatchSource } from './resource-watch';

type Pod = KubernetesObject & { metadata: { name: string; resourceVersion: string } };

function pod(name: string, resourceVersion: string): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, resourceVersion } };
}

/** A scripted API: each list and watch call takes the next answer, and records what was asked. */
function scriptedSource() {
  const lists: (() => Promise<{ items: Pod[]; resourceVersion: string }>)[] = [];
  const watches: string[] = [];
  let current: { onEvent: (type: string, object: Pod) => void; done: (error: unknown) => void } | null = null;
  let aborted = 0;
  const source: ListWatchSource<Pod> = {
    list: () => {
      const next = lists.shift();
      if (!next) throw new Error('unexpected list');
      return next();
    },
    watch: (resourceVersion, onEvent, done) => {
      watches.push(resourceVersion);
      current = { onEvent, done };
      return Promise.resolve({ abort: () => (aborted += 1) });
    },
  };
  return {
    source,
    lists,
    watches,
    event: (type: string, object: Pod) => current?.onEvent(type, object),
    end: (error: unknown) => current?.done(error),
    get aborted() {
      return aborted;
    },
  };
}

const tick = () => new Promise(resolve => setTimeout(resolve, 5));

describe('ResourceWatch', () => {
  it('lists, then watches from the list resourceVersion, and tracks adds, updates and deletes', async () => {
    const api = scriptedSource();
    api.lists.push(() => Promise.resolve({ items: [pod('a', '1')], resourceVersion: '10' }));
    const watch = new ResourceWatch(api.source);
    const seen: string[][] = [];
    watch.onDidChange(items => seen.push(items.map(item => item.metadata.name)));
    watch.start();
    await tick();
    expect(api.watches).toEqual(['10']);
    api.event('ADDED', pod('b', '11'));
    api.event('MODIFIED', pod('a', '12'));
    api.event('DELETED', pod('b', '13'));
    expect(seen).toEqual([['a'], ['a', 'b'], ['a', 'b'], ['a']]);
    expect(watch.items[0]?.metadata.resourceVersion).toBe('12');
    watch.dispose();
    expect(api.aborted).toBe(1);
  });

  it('watches again from the last resourceVersion when the server closes the stream', async () => {
    const api = scriptedSource();
    api.lists.push(() => Promise.resolve({ items: [], resourceVersion: '5' }));
    const watch = new ResourceWatch(api.source);
    watch.start();
    await tick();
    api.event('ADDED', pod('a', '7'));
    api.event('BOOKMARK', pod('', '9'));
    api.end(null);
    await tick();
    expect(api.watches).toEqual(['5', '9']);
    watch.dispose();
  });

  it('lists again after 410 Gone, dropping what vanished meanwhile', async () => {
    const api = scriptedSource();
    api.lists.push(() => Promise.resolve({ items: [pod('a', '1'), pod('b', '2')], resourceVersion: '2' }));
    api.lists.push(() => Promise.resolve({ items: [pod('b', '30')], resourceVersion: '30' }));
    const watch = new ResourceWatch(api.source);
    watch.start();
    await tick();
    api.event('ERROR', { apiVersion: 'v1', kind: 'Status', code: 410 } as unknown as Pod);
    api.end(null);
    await tick();
    expect(api.watches).toEqual(['2', '30']);
    expect(watch.items.map(item => item.metadata.name)).toEqual(['b']);
    watch.dispose();
  });

  it('retries with backoff while the API is unreachable, says so, and recovers', async () => {
    const api = scriptedSource();
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    api.lists.push(() => Promise.reject(refused));
    api.lists.push(() => Promise.reject(refused));
    api.lists.push(() => Promise.resolve({ items: [pod('a', '1')], resourceVersion: '1' }));
    const watch = new ResourceWatch(api.source, { retryInitialMs: 5, retryMaxMs: 8 });
    const waits: number[] = [];
    watch.onDidFail(problem => waits.push(problem.retryInMs));
    let synced = 0;
    watch.onDidSync(() => (synced += 1));
    watch.start();
    await new Promise(resolve => setTimeout(resolve, 60));
    expect(waits).toEqual([5, 8]);
    expect(synced).toBe(1);
    expect(watch.items).toHaveLength(1);
    watch.dispose();
  });

  it('closes a watch that was still being opened when it was disposed', async () => {
    const api = scriptedSource();
    api.lists.push(() => Promise.resolve({ items: [], resourceVersion: '1' }));
    let release: () => void = () => undefined;
    const opening = new Promise<void>(resolve => (release = resolve));
    const slow: ListWatchSource<Pod> = {
      list: () => api.source.list(),
      watch: async (resourceVersion, onEvent, done) => {
        await opening;
        return api.source.watch(resourceVersion, onEvent, done);
      },
    };
    const watch = new ResourceWatch(slow);
    watch.start();
    await tick();
    watch.dispose();
    release();
    await tick();
    expect(api.watches).toEqual(['1']);
    expect(api.aborted).toBe(1);
  });

  it('does nothing more once disposed, even when a pending list resolves', async () => {
    const api = scriptedSource();
    let resolveList: (value: { items: Pod[]; resourceVersion: string }) => void = () => undefined;
    api.lists.push(() => new Promise(resolve => (resolveList = resolve)));
    const watch = new ResourceWatch(api.source);
    watch.start();
    watch.dispose();
    resolveList({ items: [pod('a', '1')], resourceVersion: '1' });
    await tick();
    expect(api.watches).toEqual([]);
  });
});
