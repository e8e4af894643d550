import { isAtomicStruct, keyDefaults, listTypeFor } from './list-types';
import { isObject, sameJson, type Json } from './merge';

/**
 * Field ownership as structured-merge-diff tracks it: field sets in the `fieldsV1` format
 * (`f:name`, `k:{"name":"c"}`, `v:"x"`, `.`), the managedFields entries (Apply and Update
 * operations, per manager, API version and subresource), server-side apply with conflicts and
 * removal of fields an applier stops sending, and the ownership changes of ordinary writes.
 */
export interface FieldNode {
  self: boolean;
  children: Map<string, FieldNode>;
}

export type FieldPath = string[];

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface Conflict {
  manager: ManagedFieldsEntry;
  path: FieldPath;
}

function node(): FieldNode {
  return { self: false, children: new Map() };
}

export function emptySet(): FieldNode {
  return node();
}

function child(parent: FieldNode, element: string): FieldNode {
  let found = parent.children.get(element);
  if (!found) {
    found = node();
    parent.children.set(element, found);
  }
  return found;
}

export function insert(set: FieldNode, path: FieldPath): void {
  let current = set;
  for (const element of path) current = child(current, element);
  current.self = true;
}

export function has(set: FieldNode, path: FieldPath): boolean {
  let current: FieldNode | undefined = set;
  for (const element of path) {
    current = current.children.get(element);
    if (!current) return false;
  }
  return current.self;
}

/** Whether the set owns the path itself or anything below it. */
export function hasAnyUnder(set: FieldNode, path: FieldPath): boolean {
  let current: FieldNode | undefined = set;
  for (const element of path) {
    current = current.children.get(element);
    if (!current) return false;
  }
  return current.self || current.children.size > 0;
}

/** Removes the path and everything below it; prunes parents left empty. */
export function removePath(set: FieldNode, path: FieldPath): void {
  const trail: [FieldNode, string][] = [];
  let current: FieldNode | undefined = set;
  for (const element of path) {
    const next: FieldNode | undefined = current.children.get(element);
    if (!next) return;
    trail.push([current, element]);
    current = next;
  }
  const last = trail[trail.length - 1];
  if (!last) return;
  last[0].children.delete(last[1]);
  for (let index = trail.length - 2; index >= 0; index--) {
    const [parent, element] = trail[index] ?? [];
    const emptied = parent?.children.get(element ?? '');
    if (parent && element !== undefined && emptied && !emptied.self && emptied.children.size === 0) {
      parent.children.delete(element);
    }
  }
}

/** Every path the set owns itself (leaves, list items, `.` entries). */
export function ownedPaths(set: FieldNode, prefix: FieldPath = []): FieldPath[] {
  const out: FieldPath[] = [];
  if (set.self && prefix.length > 0) out.push(prefix);
  for (const [element, next] of set.children) out.push(...ownedPaths(next, [...prefix, element]));
  return out;
}

export function isEmpty(set: FieldNode): boolean {
  return !set.self && set.children.size === 0;
}

export function toFieldsV1(set: FieldNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (set.self && set.children.size > 0) out['.'] = {};
  for (const [element, next] of [...set.children].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out[element] = toFieldsV1(next);
  }
  return out;
}

export function fromFieldsV1(value: unknown): FieldNode {
  const set = node();
  if (!isObject(value)) return set;
  const keys = Object.keys(value);
  if (keys.length === 0) set.self = true;
  for (const key of keys) {
    if (key === '.') set.self = true;
    else set.children.set(key, fromFieldsV1(value[key]));
  }
  return set;
}

const untrackedMetadata = new Set([
  'name',
  'namespace',
  'generateName',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

/** Struct nodes that never carry a `.` in Update field sets (non-pointer structs in the Go types). */
const structFields = new Set(['metadata', 'spec', 'status', 'template']);

export interface Scope {
  kind: string;
  /** 'main' tracks everything but status (for kinds with a status subresource); 'status' only status. */
  part: 'all' | 'main' | 'status';
}

function tracked(scope: Scope, key: string): boolean {
  if (key === 'apiVersion' || key === 'kind') return false;
  if (scope.part === 'main') return key !== 'status';
  if (scope.part === 'status') return key === 'status';
  return true;
}

export function keyElement(
  kind: string,
  names: string[],
  item: Record<string, Json>,
  keys: string[],
): string {
  const defaults = keyDefaults(kind, names);
  const key: Record<string, Json> = {};
  for (const name of [...keys].sort()) {
    const value = item[name] ?? (defaults[name] as Json | undefined);
    if (value !== undefined) key[name] = value;
  }
  return `k:${JSON.stringify(key)}`;
}

/**
 * The fields an object sets. `withMapSelf` adds the `.` entries Update operations record for
 * maps and optional structs (apply field sets have them only on list items).
 */
export function fieldSetOf(object: Record<string, unknown>, scope: Scope, withMapSelf: boolean): FieldNode {
  const set = node();
  for (const [key, value] of Object.entries(object)) {
    if (!tracked(scope, key)) continue;
    if (key === 'metadata' && isObject(value)) {
      for (const [metaKey, metaValue] of Object.entries(value)) {
        if (untrackedMetadata.has(metaKey)) continue;
        walk(scope.kind, ['metadata', metaKey], ['f:metadata', `f:${metaKey}`], metaValue, set, withMapSelf);
      }
      continue;
    }
    walk(scope.kind, [key], [`f:${key}`], value as Json, set, withMapSelf);
  }
  return set;
}

function walk(
  kind: string,
  names: string[],
  path: FieldPath,
  value: Json,
  set: FieldNode,
  withMapSelf: boolean,
): void {
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0 || isAtomicStruct(kind, names)) {
      insert(set, path);
      return;
    }
    if (withMapSelf && !structFields.has(names[names.length - 1] ?? '')) insert(set, path);
    for (const key of keys)
      walk(kind, [...names, key], [...path, `f:${key}`], value[key] ?? null, set, withMapSelf);
    return;
  }
  if (Array.isArray(value)) {
    const listType = listTypeFor(kind, names);
    if (listType.type === 'atomic' || value.length === 0) {
      insert(set, path);
      return;
    }
    if (listType.type === 'set') {
      for (const item of value) insert(set, [...path, `v:${JSON.stringify(item)}`]);
      return;
    }
    for (const item of value) {
      if (!isObject(item)) continue;
      const itemPath = [...path, keyElement(kind, names, item, listType.keys)];
      insert(set, itemPath);
      for (const [key, field] of Object.entries(item)) {
        walk(kind, [...names, key], [...itemPath, `f:${key}`], field, set, withMapSelf);
      }
    }
    return;
  }
  insert(set, path);
}

const absent = Symbol('absent');

function parseElement(element: string): { type: string; value: string } {
  return { type: element.slice(0, 1), value: element.slice(2) };
}

/** The value at a field path, or `absent`. */
export function valueAt(object: unknown, path: FieldPath): Json | typeof absent {
  let current: unknown = object;
  for (const element of path) {
    const { type, value } = parseElement(element);
    if (type === 'f') {
      if (!isObject(current) || !(value in current)) return absent;
      current = current[value];
    } else if (type === 'k') {
      if (!Array.isArray(current)) return absent;
      const key = JSON.parse(value) as Record<string, Json>;
      current = current.find(item => matchesKey(item, key));
      if (current === undefined) return absent;
    } else if (type === 'v') {
      if (!Array.isArray(current)) return absent;
      const wanted = JSON.parse(value) as Json;
      const found = (current as Json[]).find(item => sameJson(item, wanted));
      if (found === undefined) return absent;
      current = found;
    } else if (type === 'i') {
      if (!Array.isArray(current)) return absent;
      current = current[Number(value)];
      if (current === undefined) return absent;
    }
  }
  return current as Json;
}

/** Key fields with a default (a port's protocol) match an item that leaves them out. */
function matchesKey(item: unknown, key: Record<string, Json>): boolean {
  if (!isObject(item)) return false;
  return Object.entries(key).every(([name, value]) => {
    const actual = item[name] ?? (name === 'protocol' ? 'TCP' : undefined);
    return sameJson(actual, value);
  });
}

/** structured-merge-diff's path string: `.spec.containers[name="c"].image`. */
export function printPath(path: FieldPath): string {
  let out = '';
  for (const element of path) {
    const { type, value } = parseElement(element);
    if (type === 'f') out += `.${value}`;
    else if (type === 'k') {
      const key = JSON.parse(value) as Record<string, Json>;
      out += `[${Object.entries(key)
        .map(([name, item]) => `${name}=${JSON.stringify(item)}`)
        .join(',')}]`;
    } else if (type === 'v') out += `[=${value}]`;
    else if (type === 'i') out += `[${value}]`;
  }
  return out;
}

/** Deletes the value at a path (a map key, a list item) from an object, in place. */
function deleteAt(object: unknown, path: FieldPath): void {
  const parentPath = path.slice(0, -1);
  const parent = parentPath.length === 0 ? object : valueAt(object, parentPath);
  const last = path[path.length - 1];
  if (parent === absent || last === undefined) return;
  const { type, value } = parseElement(last);
  if (type === 'f' && isObject(parent)) Reflect.deleteProperty(parent, value);
  else if (Array.isArray(parent)) {
    const index =
      type === 'k'
        ? parent.findIndex(item => matchesKey(item, JSON.parse(value) as Record<string, Json>))
        : type === 'v'
          ? parent.findIndex((item: Json) => sameJson(item, JSON.parse(value) as Json))
          : Number(value);
    if (index >= 0) parent.splice(index, 1);
  }
  // A map emptied by the removal goes too (an applier that dropped its only label leaves no `labels: {}`).
  if (parentPath.length > 1 && isObject(parent) && Object.keys(parent).length === 0)
    deleteAt(object, parentPath);
}

export function managerLabel(entry: ManagedFieldsEntry): string {
  let label = JSON.stringify(entry.manager);
  if (entry.subresource) label += ` with subresource ${JSON.stringify(entry.subresource)}`;
  if (entry.operation === 'Update') label += ` using ${entry.apiVersion}`;
  return label;
}

/** The apiserver's conflict message (fieldmanager's `getConflictMessage`). */
export function conflictMessage(conflicts: Conflict[]): string {
  const first = conflicts[0];
  if (conflicts.length === 1 && first) {
    return `Apply failed with 1 conflict: conflict with ${managerLabel(first.manager)}: ${printPath(first.path)}`;
  }
  const byManager = new Map<string, FieldPath[]>();
  for (const conflict of conflicts) {
    const label = managerLabel(conflict.manager);
    byManager.set(label, [...(byManager.get(label) ?? []), conflict.path]);
  }
  const messages: string[] = [];
  for (const label of [...byManager.keys()].sort()) {
    messages.push(`conflicts with ${label}:`);
    for (const path of byManager.get(label) ?? []) messages.push(`- ${printPath(path)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${messages.join('\n')}`;
}

function sameEntryIdentity(
  a: ManagedFieldsEntry,
  b: Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>,
): boolean {
  return (
    a.manager === b.manager &&
    a.operation === b.operation &&
    (a.subresource ?? '') === (b.subresource ?? '') &&
    (a.operation === 'Apply' || a.apiVersion === b.apiVersion)
  );
}

export function readEntries(object: Record<string, unknown>): ManagedFieldsEntry[] {
  const metadata = object.metadata;
  if (!isObject(metadata) || !Array.isArray(metadata.managedFields)) return [];
  return metadata.managedFields as unknown as ManagedFieldsEntry[];
}

function nowSeconds(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function finish(entries: { entry: ManagedFieldsEntry; set: FieldNode }[]): ManagedFieldsEntry[] {
  return entries
    .filter(item => !isEmpty(item.set))
    .map(item => ({ ...item.entry, fieldsV1: toFieldsV1(item.set) }))
    .sort((a, b) => (a.time === b.time ? 0 : a.time < b.time ? -1 : 1));
}

export interface Writer {
  manager: string;
  apiVersion: string;
  subresource?: string;
}

/**
 * Ownership after an ordinary write (create, update, non-apply patch): fields the write added or
 * changed move to the writer's Update entry; removed fields leave every entry.
 */
export function trackUpdate(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown>,
  scope: Scope,
  writer: Writer,
): ManagedFieldsEntry[] {
  const entries = (before ? readEntries(before) : []).map(entry => ({
    entry,
    set: fromFieldsV1(entry.fieldsV1),
  }));
  const afterSet = fieldSetOf(after, scope, true);
  const changed: FieldPath[] = [];
  for (const path of ownedPaths(afterSet)) {
    const previous = before ? valueAt(before, path) : absent;
    const current = valueAt(after, path);
    const isNode = afterSetNodeHasChildren(afterSet, path);
    if (previous === absent || (!isNode && !sameJson(previous, current as Json))) changed.push(path);
  }
  const removed: FieldPath[] = [];
  if (before) {
    for (const path of ownedPaths(fieldSetOf(before, scope, true))) {
      if (valueAt(after, path) === absent) removed.push(path);
    }
  }
  if (changed.length === 0 && removed.length === 0) return finish(entries);
  const identity = {
    manager: writer.manager,
    operation: 'Update' as const,
    apiVersion: writer.apiVersion,
    ...(writer.subresource ? { subresource: writer.subresource } : {}),
  };
  let mine = entries.find(item => sameEntryIdentity(item.entry, identity));
  if (!mine) {
    mine = { entry: { ...identity, time: nowSeconds(), fieldsType: 'FieldsV1', fieldsV1: {} }, set: node() };
    entries.push(mine);
  }
  mine.entry = { ...mine.entry, time: nowSeconds() };
  for (const item of entries) {
    for (const path of [...changed, ...removed]) if (item !== mine) removePath(item.set, path);
    for (const path of removed) removePath(item.set, path);
  }
  for (const path of changed) insert(mine.set, path);
  return finish(entries);
}

function afterSetNodeHasChildren(set: FieldNode, path: FieldPath): boolean {
  let current: FieldNode | undefined = set;
  for (const element of path) current = current?.children.get(element);
  return (current?.children.size ?? 0) > 0;
}

export interface ApplyInput {
  kind: string;
  live: Record<string, unknown> | undefined;
  applied: Record<string, unknown>;
  scope: Scope;
  manager: string;
  apiVersion: string;
  force: boolean;
}

export type ApplyResult =
  | { ok: true; object: Record<string, unknown>; managedFields: ManagedFieldsEntry[] }
  | { ok: false; conflicts: Conflict[] };

/** Server-side apply of `applied` by `manager` over `live`. */
export function serverSideApply(input: ApplyInput): ApplyResult {
  const live = input.live ?? {};
  const entries = readEntries(live).map(entry => ({ entry, set: fromFieldsV1(entry.fieldsV1) }));
  const identity = { manager: input.manager, operation: 'Apply' as const, apiVersion: input.apiVersion };
  const mine = entries.find(item => sameEntryIdentity(item.entry, identity));
  const others = entries.filter(item => item !== mine);
  const appliedSet = fieldSetOf(input.applied, input.scope, false);
  const appliedPaths = ownedPaths(appliedSet);

  const conflicts: Conflict[] = [];
  for (const path of appliedPaths) {
    if (afterSetNodeHasChildren(appliedSet, path)) continue;
    const wanted = valueAt(input.applied, path);
    const current = valueAt(live, path);
    if (current !== absent && wanted !== absent && sameJson(current, wanted)) continue;
    for (const other of others) {
      if (has(other.set, path)) conflicts.push({ manager: other.entry, path });
    }
  }
  if (conflicts.length > 0 && !input.force) return { ok: false, conflicts };
  for (const conflict of conflicts) {
    const owner = others.find(item => item.entry === conflict.manager);
    if (owner) removePath(owner.set, conflict.path);
  }

  const object = structuredClone<Record<string, unknown>>(live);
  if (mine) {
    const dropped = ownedPaths(mine.set).filter(path => !has(appliedSet, path));
    // Deepest first, so removing a list item does not hide the fields inside it.
    dropped.sort((a, b) => b.length - a.length);
    for (const path of dropped) {
      if (others.some(other => hasAnyUnder(other.set, path))) continue;
      deleteAt(object, path);
    }
  }
  mergeApplied(input.kind, [], object, input.applied, input.scope);

  const nextMine = {
    entry: { ...identity, time: nowSeconds(), fieldsType: 'FieldsV1' as const, fieldsV1: {} },
    set: appliedSet,
  };
  return { ok: true, object, managedFields: finish([...others, nextMine]) };
}

function mergeApplied(
  kind: string,
  names: string[],
  target: Record<string, unknown>,
  applied: Record<string, unknown>,
  scope: Scope,
): void {
  for (const [key, value] of Object.entries(applied)) {
    if (names.length === 0 && !tracked(scope, key) && key !== 'apiVersion' && key !== 'kind') continue;
    if (
      names.length === 1 &&
      names[0] === 'metadata' &&
      untrackedMetadata.has(key) &&
      key !== 'name' &&
      key !== 'namespace'
    )
      continue;
    const path = [...names, key];
    if (value === null) {
      Reflect.deleteProperty(target, key);
    } else if (isObject(value) && isAtomicStruct(kind, path)) {
      target[key] = structuredClone(value);
    } else if (isObject(value)) {
      const existing = target[key];
      const into = isObject(existing) ? existing : {};
      mergeApplied(kind, path, into, value, scope);
      target[key] = into;
    } else if (Array.isArray(value)) {
      target[key] = mergeAppliedList(
        kind,
        path,
        Array.isArray(target[key]) ? (target[key] as Json[]) : [],
        value as Json[],
        scope,
      );
    } else {
      target[key] = value;
    }
  }
}

function mergeAppliedList(
  kind: string,
  names: string[],
  live: Json[],
  applied: Json[],
  scope: Scope,
): Json[] {
  const listType = listTypeFor(kind, names);
  if (listType.type === 'atomic') return structuredClone(applied);
  if (listType.type === 'set') {
    const out = [...applied];
    for (const item of live) if (!out.some(existing => sameJson(existing, item))) out.push(item);
    return out;
  }
  const keyOf = (item: Json) =>
    isObject(item) ? keyElement(kind, names, item, listType.keys) : JSON.stringify(item);
  const out: Json[] = [];
  const used = new Set<string>();
  for (const item of applied) {
    const key = keyOf(item);
    used.add(key);
    const existing = live.find(candidate => keyOf(candidate) === key);
    if (isObject(item)) {
      const into = isObject(existing) ? structuredClone(existing) : {};
      mergeApplied(kind, names, into, item, { ...scope, part: 'all' });
      out.push(into);
    } else {
      out.push(item);
    }
  }
  for (const item of live) if (!used.has(keyOf(item))) out.push(item);
  return out;
}
