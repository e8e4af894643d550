import { ApiError, badRequest } from './api-error';
import { listTypeFor } from './list-types';

/**
 * The three non-apply patch types: JSON merge patch (RFC 7386), strategic merge patch (lists
 * merged by their patchMergeKey, `$patch: delete|replace`, `$setElementOrder`,
 * `$deleteFromPrimitiveList`, `$retainKeys`) and JSON patch (RFC 6902). All pure: they return a
 * new object.
 */
export type Json = null | boolean | number | string | Json[] | JsonObject;
interface JsonObject {
  [key: string]: Json;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) Reflect.deleteProperty(out, key);
    else out[key] = mergePatch(out[key] ?? null, value);
  }
  return out;
}

export function strategicMergePatch(kind: string, target: Json, patch: Json): Json {
  return mergeMap(kind, [], isObject(target) ? target : {}, isObject(patch) ? patch : {});
}

function mergeMap(kind: string, path: string[], target: JsonObject, patch: JsonObject): Json {
  if (patch.$patch === 'replace') {
    const copy = structuredClone(patch);
    delete copy.$patch;
    return stripDirectives(copy);
  }
  if (patch.$patch === 'delete') return null;
  const out: JsonObject = structuredClone(target);
  const retain = patch.$retainKeys;
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$setElementOrder/') || key === '$retainKeys' || key === '$patch') continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = out[field];
      if (Array.isArray(current) && Array.isArray(value)) {
        out[field] = current.filter(item => !value.some(removed => sameJson(removed, item)));
      }
      continue;
    }
    if (value === null) {
      Reflect.deleteProperty(out, key);
      continue;
    }
    const existing = out[key];
    if (isObject(value)) {
      out[key] = mergeMap(kind, [...path, key], isObject(existing) ? existing : {}, value);
      if (out[key] === null) Reflect.deleteProperty(out, key);
    } else if (Array.isArray(value)) {
      out[key] = mergeList(kind, [...path, key], Array.isArray(existing) ? existing : [], value);
    } else {
      out[key] = value;
    }
  }
  for (const [key, value] of Object.entries(patch)) {
    if (!key.startsWith('$setElementOrder/') || !Array.isArray(value)) continue;
    const field = key.slice('$setElementOrder/'.length);
    const current = out[field];
    if (Array.isArray(current)) out[field] = reorder(kind, [...path, field], current, value);
  }
  if (Array.isArray(retain)) {
    for (const key of Object.keys(out)) {
      if (!retain.includes(key)) Reflect.deleteProperty(out, key);
    }
  }
  return out;
}

function mergeList(kind: string, path: string[], target: Json[], patch: Json[]): Json[] {
  const listType = listTypeFor(kind, path);
  if (patch.some(item => isObject(item) && item.$patch === 'replace')) {
    return patch.filter(item => !(isObject(item) && item.$patch === 'replace')).map(stripDirectives);
  }
  if (listType.type === 'set') {
    const out = [...target];
    for (const item of patch) if (!out.some(existing => sameJson(existing, item))) out.push(item);
    return out;
  }
  if (listType.type !== 'map') return patch.map(stripDirectives);
  const mergeKey = listType.keys[0] ?? 'name';
  const out = structuredClone(target);
  for (const item of patch) {
    if (!isObject(item)) continue;
    const index = out.findIndex(
      existing => isObject(existing) && sameJson(existing[mergeKey] ?? null, item[mergeKey] ?? null),
    );
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) {
      const merged = mergeMap(kind, path, out[index] as JsonObject, item);
      if (merged === null) out.splice(index, 1);
      else out[index] = merged;
    } else {
      out.push(stripDirectives(item));
    }
  }
  return out;
}

function reorder(kind: string, path: string[], list: Json[], order: Json[]): Json[] {
  const listType = listTypeFor(kind, path);
  const mergeKey = listType.type === 'map' ? (listType.keys[0] ?? 'name') : undefined;
  const keyOf = (item: Json): Json => (mergeKey && isObject(item) ? (item[mergeKey] ?? null) : item);
  const ordered: Json[] = [];
  for (const wanted of order) {
    const found = list.find(item => sameJson(keyOf(item), keyOf(wanted)));
    if (found !== undefined) ordered.push(found);
  }
  for (const item of list) if (!ordered.includes(item)) ordered.push(item);
  return ordered;
}

function stripDirectives(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith('$')) continue;
    out[key] = stripDirectives(item);
  }
  return out;
}

export function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every(key => key in b && sameJson(a[key], b[key]));
  }
  return false;
}

interface Operation {
  op: string;
  path: string;
  value?: Json;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw patchError(`invalid JSON pointer ${JSON.stringify(path)}`);
  return path
    .slice(1)
    .split('/')
    .map(part => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function patchError(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

function parentOf(document: Json, parts: string[], path: string): { parent: Json; last: string } {
  let current = document;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(current)) current = current[Number(part)] ?? null;
    else if (isObject(current)) current = current[part] ?? null;
    else current = null;
    if (current === null) throw patchError(`doc is missing path: "${path}": missing value`);
  }
  return { parent: current, last: parts[parts.length - 1] ?? '' };
}

function getAt(document: Json, path: string): Json {
  let current = document;
  for (const part of pointer(path)) {
    if (Array.isArray(current)) current = current[Number(part)] ?? null;
    else if (isObject(current) && part in current) current = current[part] ?? null;
    else throw patchError(`doc is missing path: "${path}": missing value`);
  }
  return current;
}

function add(document: Json, path: string, value: Json): Json {
  const parts = pointer(path);
  if (parts.length === 0) return value;
  const { parent, last } = parentOf(document, parts, path);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) {
      throw patchError(`add operation does not apply: doc is missing path: "${path}": missing value`);
    }
    parent.splice(index, 0, value);
  } else if (isObject(parent)) {
    parent[last] = value;
  } else {
    throw patchError(`add operation does not apply: doc is missing path: "${path}": missing value`);
  }
  return document;
}

function remove(document: Json, path: string, op: string): Json {
  const parts = pointer(path);
  const { parent, last } = parentOf(document, parts, path);
  if (Array.isArray(parent)) {
    const index = Number(last);
    if (!Number.isInteger(index) || index < 0 || index >= parent.length) {
      throw patchError(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
    }
    parent.splice(index, 1);
  } else if (isObject(parent) && last in parent) {
    Reflect.deleteProperty(parent, last);
  } else {
    throw patchError(`${op} operation does not apply: doc is missing key: ${path}: missing value`);
  }
  return document;
}

export function jsonPatch(target: Json, operations: unknown): Json {
  if (!Array.isArray(operations)) {
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  let document = structuredClone(target);
  for (const raw of operations as Operation[]) {
    switch (raw.op) {
      case 'add':
        document = add(document, raw.path, structuredClone(raw.value ?? null));
        break;
      case 'remove':
        document = remove(document, raw.path, 'remove');
        break;
      case 'replace':
        if (raw.path === '') {
          document = structuredClone(raw.value ?? null);
          break;
        }
        document = remove(document, raw.path, 'replace');
        document = add(document, raw.path, structuredClone(raw.value ?? null));
        break;
      case 'move': {
        const value = getAt(document, raw.from ?? '');
        document = remove(document, raw.from ?? '', 'move');
        document = add(document, raw.path, value);
        break;
      }
      case 'copy':
        document = add(document, raw.path, structuredClone(getAt(document, raw.from ?? '')));
        break;
      case 'test':
        if (!sameJson(getAt(document, raw.path), raw.value ?? null)) {
          throw patchError(`testing value ${raw.path} failed: test failed`);
        }
        break;
      default:
        throw badRequest(`Unexpected kind: ${raw.op}`);
    }
  }
  return document;
}
