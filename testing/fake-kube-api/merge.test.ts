import { describe, expect, it } from 'vitest';

import { jsonPatch, mergePatch, strategicMergePatch, type Json } from './merge';

const deployment: Json = {
  spec: {
    template: {
      metadata: { labels: { app: 'gateway' } },
      spec: {
        containers: [
          {
            name: 'gateway',
            image: 'a:1',
            env: [{ name: 'A', value: '1' }],
            ports: [{ containerPort: 18789 }],
          },
          { name: 'sidecar', image: 'b:1' },
        ],
      },
    },
  },
};

describe('JSON merge patch', () => {
  it('merges maps, deletes nulls, replaces lists', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { b: { c: null, e: 4 }, l: [3] })).toEqual({
      a: 1,
      b: { d: 3, e: 4 },
      l: [3],
    });
  });
});

describe('strategic merge patch', () => {
  it('merges containers and env by name (what kubectl rollout restart and set env send)', () => {
    const patched = strategicMergePatch('Deployment', deployment, {
      spec: {
        template: {
          metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': 'now' } },
          spec: { containers: [{ name: 'gateway', env: [{ name: 'B', value: '2' }] }] },
        },
      },
    }) as {
      spec: {
        template: {
          metadata: unknown;
          spec: { containers: { name: string; env?: unknown[]; image: string }[] };
        };
      };
    };
    expect(patched.spec.template.metadata).toEqual({
      labels: { app: 'gateway' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': 'now' },
    });
    expect(patched.spec.template.spec.containers.map(container => container.name)).toEqual([
      'gateway',
      'sidecar',
    ]);
    expect(patched.spec.template.spec.containers[0]?.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
    expect(patched.spec.template.spec.containers[0]?.image).toBe('a:1');
  });

  it('honours $patch: delete and $patch: replace', () => {
    const deleted = strategicMergePatch('Deployment', deployment, {
      spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } },
    }) as {
      spec: { template: { spec: { containers: { name: string }[] } } };
    };
    expect(deleted.spec.template.spec.containers.map(container => container.name)).toEqual(['gateway']);
    const replaced = strategicMergePatch('Deployment', deployment, {
      spec: { template: { metadata: { $patch: 'replace', labels: { x: 'y' } } } },
    }) as {
      spec: { template: { metadata: unknown } };
    };
    expect(replaced.spec.template.metadata).toEqual({ labels: { x: 'y' } });
  });
});

describe('JSON patch', () => {
  it('applies add, replace, remove, move, copy and test', () => {
    const result = jsonPatch({ a: { b: 1 }, list: [1, 2] }, [
      { op: 'add', path: '/a/c', value: 2 },
      { op: 'replace', path: '/a/b', value: 3 },
      { op: 'add', path: '/list/-', value: 3 },
      { op: 'remove', path: '/list/0' },
      { op: 'copy', from: '/a/b', path: '/copied' },
      { op: 'move', from: '/a/c', path: '/moved' },
      { op: 'test', path: '/moved', value: 2 },
    ]);
    expect(result).toEqual({ a: { b: 3 }, list: [2, 3], copied: 3, moved: 2 });
  });

  it('fails a test operation or a missing path with a 422', () => {
    expect(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(
      'testing value /a failed',
    );
    expect(() => jsonPatch({ a: 1 }, [{ op: 'remove', path: '/b' }])).toThrow(
      /remove operation does not apply/,
    );
  });
});
