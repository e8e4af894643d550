import { describe, expect, it } from 'vitest';

import {
  conflictMessage,
  fieldSetOf,
  printPath,
  serverSideApply,
  toFieldsV1,
  trackUpdate,
  type ManagedFieldsEntry,
} from './managed-fields';

const scope = { kind: 'ConfigMap', part: 'all' as const };

describe('field sets', () => {
  it('prints a set in the fieldsV1 format, list items keyed', () => {
    const set = fieldSetOf(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 's', labels: { a: 'b' } },
        spec: { ports: [{ port: 18789 }], selector: { app: 'gateway' } },
      },
      { kind: 'Service', part: 'all' },
      false,
    );
    expect(toFieldsV1(set)).toEqual({
      'f:metadata': { 'f:labels': { 'f:a': {} } },
      'f:spec': {
        'f:ports': { 'k:{"port":18789,"protocol":"TCP"}': { '.': {}, 'f:port': {} } },
        'f:selector': { 'f:app': {} },
      },
    });
  });

  it('prints paths as structured-merge-diff does', () => {
    expect(printPath(['f:spec', 'f:containers', 'k:{"name":"gateway"}', 'f:image'])).toBe(
      '.spec.containers[name="gateway"].image',
    );
    expect(printPath(['f:data', 'f:squid.conf'])).toBe('.data.squid.conf');
  });
});

describe('ownership', () => {
  const entry = (
    manager: string,
    operation: 'Apply' | 'Update',
    fieldsV1: Record<string, unknown>,
  ): ManagedFieldsEntry => ({
    manager,
    operation,
    apiVersion: 'v1',
    time: '2026-01-01T00:00:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1,
  });

  it('moves changed fields to the writer of an ordinary update', () => {
    const before = {
      metadata: {
        name: 'c',
        managedFields: [entry('clawbar', 'Apply', { 'f:data': { 'f:a': {}, 'f:b': {} } })],
      },
      data: { a: '1', b: '2' },
    };
    const after = { metadata: { name: 'c' }, data: { a: 'changed', b: '2' } };
    const entries = trackUpdate(before, after, scope, { manager: 'kubectl-edit', apiVersion: 'v1' });
    expect(entries.map(item => [item.manager, item.operation, item.fieldsV1])).toEqual([
      ['clawbar', 'Apply', { 'f:data': { 'f:b': {} } }],
      ['kubectl-edit', 'Update', { 'f:data': { 'f:a': {} } }],
    ]);
  });

  it('reports conflicts with the real wording and applies over them when forced', () => {
    const live = {
      metadata: { name: 'c', managedFields: [entry('kubectl-edit', 'Update', { 'f:data': { 'f:a': {} } })] },
      data: { a: 'theirs' },
    };
    const input = {
      kind: 'ConfigMap',
      live,
      applied: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'mine' } },
      scope,
      manager: 'clawbar',
      apiVersion: 'v1',
    };
    const refused = serverSideApply({ ...input, force: false });
    expect(refused.ok).toBe(false);
    if (!refused.ok)
      expect(conflictMessage(refused.conflicts)).toBe(
        'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.a',
      );
    const forced = serverSideApply({ ...input, force: true });
    expect(forced.ok && forced.object.data).toEqual({ a: 'mine' });
    expect(forced.ok && forced.managedFields.map(item => item.manager)).toEqual(['clawbar']);
  });
});
