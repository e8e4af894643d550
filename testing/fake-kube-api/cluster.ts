import { parse as parseYaml } from 'yaml';

import { admitPodSecurity, admitQuota, applyLimitRanges, checkNamespace } from './admission';
import {
  ApiError,
  alreadyExists,
  badRequest,
  displayValue,
  conflict,
  forbidden,
  invalid,
  notFound,
  staleResourceVersion,
  type QualifiedResource,
} from './api-error';
import { applyDefaults } from './defaults';
import { newUid, randomSuffix, rfc3339, stableJson } from './ids';
import {
  conflictMessage,
  printPath,
  readEntries,
  serverSideApply,
  trackUpdate,
  type ManagedFieldsEntry,
  type Scope,
} from './managed-fields';
import { isObject, jsonPatch, mergePatch, strategicMergePatch, type Json } from './merge';
import { apiVersionOf, hasStatusSubresource, typeKey, type ResourceType } from './resources';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import type { KubeObject, ObjectStore } from './store';
import { validateObject } from './validation';

/**
 * The apiserver's write path for every kind the fake serves, shared by the REST layer and the
 * simulated controllers: decoding and identity checks, defaulting, per-kind preparation
 * (status reset on create, ClusterIP allocation, Secret stringData), mutating admission,
 * validation, validating admission, managedFields, optimistic concurrency, no-op detection,
 * graceful deletion, finalizers and dry runs.
 */
type Obj = Record<string, unknown>;

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface WriteOptions {
  /** The field manager (`?fieldManager=`); for non-apply writes it defaults from the User-Agent. */
  manager?: string;
  userAgent?: string;
  dryRun?: boolean;
  subresource?: 'status' | 'scale';
  /** A write by the fake's own controllers: immutability rules (set by users) do not apply. */
  internal?: boolean;
  force?: boolean;
}

export interface WriteResult {
  object: KubeObject;
  warnings: string[];
  created: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export type DeleteResult = { kind: 'deleted'; status: Obj } | { kind: 'pending'; object: KubeObject };

export interface ListOptions {
  labelSelector?: string | null;
  fieldSelector?: string | null;
  limit?: number;
  continueToken?: string | null;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

const protectedNamespaces = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

export function qualifiedResource(type: ResourceType): QualifiedResource {
  return { resource: type.resource, group: type.group };
}

/** The apiserver's default field manager: the User-Agent up to its first `/`. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  const prefix = (userAgent ?? '').split('/')[0] ?? '';
  return prefix.slice(0, 128) || 'unknown';
}

function object(value: unknown): Obj {
  return isObject(value) ? value : {};
}

function scopeFor(type: ResourceType, subresource: WriteOptions['subresource']): Scope {
  if (!hasStatusSubresource(type)) return { kind: type.kind, part: 'all' };
  return { kind: type.kind, part: subresource === 'status' ? 'status' : 'main' };
}

/** Objects compared for "did this write change anything" (a no-op write stores nothing). */
function comparable(value: KubeObject): string {
  const copy = structuredClone(value);
  delete copy.metadata.resourceVersion;
  copy.metadata.managedFields = readEntries(copy).map(entry => ({ ...entry, time: '' }));
  return stableJson(copy);
}

function initialStatus(kind: string, created: KubeObject): Obj | undefined {
  switch (kind) {
    case 'Pod':
      return { phase: 'Pending', qosClass: qosClass(object(created.spec)) };
    case 'Namespace':
      return { phase: 'Active' };
    case 'PersistentVolumeClaim':
    case 'PersistentVolume':
      return { phase: 'Pending' };
    case 'Service':
      return { loadBalancer: {} };
    case 'ReplicaSet':
      return { replicas: 0 };
    default:
      return {};
  }
}

export function qosClass(spec: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = Array.isArray(spec.containers) ? spec.containers.map(object) : [];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const container of containers) {
    const resources = object(container.resources);
    const requests = object(resources.requests);
    const limits = object(resources.limits);
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) any = true;
    for (const resource of ['cpu', 'memory']) {
      if (
        limits[resource] === undefined ||
        (requests[resource] !== undefined &&
          displayValue(requests[resource]) !== displayValue(limits[resource]))
      ) {
        guaranteed = false;
      }
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Secret.stringData is write-only: merged into data and dropped. */
function foldStringData(secret: Obj): void {
  const stringData = object(secret.stringData);
  if (Object.keys(stringData).length === 0) {
    delete secret.stringData;
    return;
  }
  const data = object(secret.data);
  for (const [key, value] of Object.entries(stringData)) data[key] = base64(String(value));
  secret.data = data;
  delete secret.stringData;
}

export class Cluster {
  private readonly serviceIps = new Set<string>(['10.43.0.1', '10.43.0.10']);

  constructor(readonly store: ObjectStore) {
    for (const service of store.list('services')) {
      const ip = object(service.spec).clusterIP;
      if (typeof ip === 'string') this.serviceIps.add(ip);
    }
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const found = this.store.get(typeKey(type), type.namespaced ? namespace : undefined, name);
    if (!found) throw notFound(qualifiedResource(type), name);
    return withTypeMeta(type, found);
  }

  find(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.store.get(typeKey(type), type.namespaced ? namespace : undefined, name);
    return found ? withTypeMeta(type, found) : undefined;
  }

  list(type: ResourceType, namespace: string | undefined, options: ListOptions = {}): ListResult {
    const labels = parseLabelSelector(options.labelSelector);
    const fields = parseFieldSelector(options.fieldSelector, type.kind);
    const all = this.store
      .list(typeKey(type), type.namespaced ? namespace : undefined)
      .filter(item => labels(item.metadata.labels) && fields(item));
    const resourceVersion = String(this.store.resourceVersion);
    let start = 0;
    if (options.continueToken) {
      const token = decodeContinue(options.continueToken);
      start = all.findIndex(
        item => `${item.metadata.namespace ?? ''}/${item.metadata.name ?? ''}` > token.start,
      );
      if (start < 0) start = all.length;
    }
    const limit = options.limit && options.limit > 0 ? options.limit : undefined;
    const page = limit ? all.slice(start, start + limit) : all.slice(start);
    const remaining = all.length - start - page.length;
    const last = page[page.length - 1];
    return {
      items: page,
      resourceVersion,
      ...(limit && remaining > 0 && last
        ? {
            continueToken: encodeContinue(
              Number(resourceVersion),
              `${last.metadata.namespace ?? ''}/${last.metadata.name ?? ''}`,
            ),
            remainingItemCount: remaining,
          }
        : {}),
    };
  }

  create(
    type: ResourceType,
    namespace: string | undefined,
    body: unknown,
    options: WriteOptions = {},
  ): WriteResult {
    const candidate = this.decode(type, namespace, body);
    const name = this.nameFor(type, candidate);
    if (type.namespaced) checkNamespace(this.store, type, candidate.metadata.namespace ?? '', name);
    if (this.find(type, candidate.metadata.namespace, name))
      throw alreadyExists(qualifiedResource(type), name);
    const writer = { manager: this.manager(options), apiVersion: apiVersionOf(type) };
    return this.finishCreate(type, candidate, options, before =>
      trackUpdate(undefined, before, scopeFor(type, undefined), writer),
    );
  }

  /** PUT: replaces the object (or its status), with the resourceVersion precondition. */
  update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions = {},
  ): WriteResult {
    const old = this.get(type, namespace, name);
    const candidate = this.decode(type, namespace, body);
    if (candidate.metadata.name && candidate.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${candidate.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const expected = candidate.metadata.resourceVersion;
    if (expected !== undefined && expected !== '' && expected !== old.metadata.resourceVersion) {
      throw conflict(qualifiedResource(type), name, staleResourceVersion);
    }
    candidate.metadata.name = name;
    return this.finishUpdate(type, old, candidate, options);
  }

  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    rawBody: string,
    options: WriteOptions = {},
  ): WriteResult {
    if (patchType === 'apply') return this.apply(type, namespace, name, rawBody, options);
    if (options.force !== undefined) {
      throw invalid('PatchOptions', 'meta.k8s.io', '', [
        { type: 'FieldValueForbidden', field: 'force', detail: 'may not be specified for non-apply patch' },
      ]);
    }
    const old = this.get(type, namespace, name);
    let patch: unknown;
    try {
      patch = JSON.parse(rawBody);
    } catch (error) {
      throw badRequest(`error decoding patch: ${(error as Error).message}`);
    }
    const current = structuredClone(old) as unknown as Json;
    const patched =
      patchType === 'json'
        ? jsonPatch(current, patch)
        : patchType === 'merge'
          ? mergePatch(current, patch as Json)
          : strategicMergePatch(type.kind, current, patch as Json);
    if (!isObject(patched)) throw badRequest('the patch produced something that is not an object');
    const candidate = this.decode(type, namespace, patched);
    const expected = object(object(patch).metadata).resourceVersion;
    if (typeof expected === 'string' && expected !== old.metadata.resourceVersion) {
      throw conflict(qualifiedResource(type), name, staleResourceVersion);
    }
    return this.finishUpdate(type, old, candidate, options);
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): DeleteResult {
    const old = this.get(type, namespace, name);
    const preconditions = options.preconditions;
    if (preconditions?.uid && preconditions.uid !== old.metadata.uid) {
      throw conflict(
        qualifiedResource(type),
        name,
        `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${old.metadata.uid ?? ''}`,
      );
    }
    if (preconditions?.resourceVersion && preconditions.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(
        qualifiedResource(type),
        name,
        `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion ?? ''}`,
      );
    }
    if (type.kind === 'Namespace' && protectedNamespaces.has(name)) {
      throw forbidden(qualifiedResource(type), name, 'this namespace may not be deleted');
    }
    const success = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: {
        name,
        ...(type.group ? { group: type.group } : {}),
        kind: type.resource,
        uid: old.metadata.uid,
      },
    };
    if (options.dryRun)
      return old.metadata.deletionTimestamp
        ? { kind: 'pending', object: old }
        : { kind: 'deleted', status: success };
    const key = typeKey(type);
    if (options.propagationPolicy === 'Orphan') this.orphanDependents(old);
    const pod = type.kind === 'Pod';
    const graceful =
      pod &&
      Boolean(object(old.spec).nodeName) &&
      options.gracePeriodSeconds !== 0 &&
      object(old.status).phase !== 'Succeeded' &&
      object(old.status).phase !== 'Failed';
    const finalizers = [...(old.metadata.finalizers ?? [])];
    if (options.propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion'))
      finalizers.push('foregroundDeletion');
    const namespaceDeletion = type.kind === 'Namespace';
    if (!graceful && !namespaceDeletion && finalizers.length === 0) {
      this.store.remove(key, old.metadata.namespace, name);
      return { kind: 'deleted', status: success };
    }
    if (old.metadata.deletionTimestamp) {
      if (
        graceful &&
        options.gracePeriodSeconds !== undefined &&
        options.gracePeriodSeconds < (old.metadata.deletionGracePeriodSeconds ?? 30)
      ) {
        const shortened = structuredClone(old);
        shortened.metadata.deletionGracePeriodSeconds = options.gracePeriodSeconds;
        return { kind: 'pending', object: withTypeMeta(type, this.store.put(key, shortened)) };
      }
      return { kind: 'pending', object: old };
    }
    const next = structuredClone(old);
    const grace =
      options.gracePeriodSeconds ??
      (typeof object(old.spec).terminationGracePeriodSeconds === 'number'
        ? (object(old.spec).terminationGracePeriodSeconds as number)
        : 30);
    next.metadata.deletionTimestamp = rfc3339(new Date(Date.now() + (graceful ? grace * 1000 : 0)));
    next.metadata.deletionGracePeriodSeconds = graceful ? grace : 0;
    if (finalizers.length > 0) next.metadata.finalizers = finalizers;
    if (namespaceDeletion) next.status = { ...object(next.status), phase: 'Terminating' };
    if (type.generation && typeof next.metadata.generation === 'number') next.metadata.generation++;
    return { kind: 'pending', object: withTypeMeta(type, this.store.put(key, next)) };
  }

  /** Removes an object whose deletion has completed (graceful period over, finalizers gone). */
  finalizeDeletion(type: ResourceType, namespace: string | undefined, name: string): void {
    const found = this.find(type, namespace, name);
    if (found && (found.metadata.finalizers ?? []).length === 0)
      this.store.remove(typeKey(type), found.metadata.namespace, name);
  }

  /**
   * A controller's status (or metadata) update: reads the object, lets `mutate` change it, and
   * writes it back as manager `k3s` through the status subresource. Returns the stored object,
   * or undefined when it is gone.
   */
  updateStatus(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    mutate: (current: KubeObject) => void,
  ): KubeObject | undefined {
    const current = this.find(type, namespace, name);
    if (!current) return undefined;
    const next = structuredClone(current);
    mutate(next);
    return this.finishUpdate(type, current, next, {
      manager: 'k3s',
      internal: true,
      subresource: hasStatusSubresource(type) ? 'status' : undefined,
    }).object;
  }

  /** A controller's write of the main resource (spec, labels, owner references). */
  updateObject(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    mutate: (current: KubeObject) => void,
  ): KubeObject | undefined {
    const current = this.find(type, namespace, name);
    if (!current) return undefined;
    const next = structuredClone(current);
    mutate(next);
    return this.finishUpdate(type, current, next, { manager: 'k3s', internal: true }).object;
  }

  private apply(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    rawBody: string,
    options: WriteOptions,
  ): WriteResult {
    if (!options.manager) {
      throw invalid('PatchOptions', 'meta.k8s.io', '', [
        { type: 'FieldValueRequired', field: 'fieldManager', detail: 'is required for apply patch' },
      ]);
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(rawBody);
    } catch (error) {
      throw badRequest(`error decoding YAML: ${(error as Error).message}`);
    }
    if (!isObject(parsed)) throw badRequest('error decoding YAML: the apply patch is not an object');
    const applied = parsed as Obj;
    if (typeof applied.apiVersion !== 'string' || typeof applied.kind !== 'string') {
      throw badRequest(
        `failed to obtain object type: Object 'Kind' is missing in '${rawBody.slice(0, 200)}'`,
      );
    }
    const candidateMeta = object(applied.metadata);
    if (candidateMeta.name !== undefined && candidateMeta.name !== name) {
      throw badRequest(
        `the name of the object (${displayValue(candidateMeta.name)}) does not match the name on the URL (${name})`,
      );
    }
    this.decode(type, namespace, structuredClone(applied));
    if (type.kind === 'Secret') foldStringData(applied);
    const metadata = object(applied.metadata);
    metadata.name = name;
    if (type.namespaced) metadata.namespace = namespace;
    applied.metadata = metadata;
    const live = this.find(type, namespace, name);
    const expected = metadata.resourceVersion;
    if (typeof expected === 'string' && live && expected !== live.metadata.resourceVersion) {
      throw conflict(qualifiedResource(type), name, staleResourceVersion);
    }
    delete metadata.resourceVersion;
    const scope = scopeFor(type, options.subresource);
    const result = serverSideApply({
      kind: type.kind,
      live,
      applied,
      scope,
      manager: options.manager,
      apiVersion: apiVersionOf(type),
      force: options.force === true,
    });
    if (!result.ok) {
      throw new ApiError(409, 'Conflict', conflictMessage(result.conflicts), {
        causes: result.conflicts.map(item => ({
          reason: 'FieldManagerConflict',
          message: `conflict with ${JSON.stringify(item.manager.manager)}${item.manager.subresource ? ` with subresource ${JSON.stringify(item.manager.subresource)}` : ''}${item.manager.operation === 'Update' ? ` using ${item.manager.apiVersion}` : ''}`,
          field: printPath(item.path),
        })),
      });
    }
    const managedFields = result.managedFields;
    const candidate = this.decode(type, namespace, result.object);
    if (!live) {
      if (type.namespaced) checkNamespace(this.store, type, namespace ?? '', name);
      return this.finishCreate(type, candidate, options, () => managedFields);
    }
    return this.finishUpdate(type, live, candidate, options, managedFields);
  }

  private manager(options: WriteOptions): string {
    return options.manager ?? managerFromUserAgent(options.userAgent);
  }

  /** Checks apiVersion/kind/namespace against the URL and returns a typed copy. */
  private decode(type: ResourceType, namespace: string | undefined, body: unknown): KubeObject {
    if (!isObject(body))
      throw badRequest(
        `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: the body is not a JSON object`,
      );
    const candidate = structuredClone(body) as Obj;
    const apiVersion = apiVersionOf(type);
    if (candidate.apiVersion !== undefined && candidate.apiVersion !== apiVersion) {
      throw badRequest(
        `the API version in the data (${displayValue(candidate.apiVersion)}) does not match the expected API version (${apiVersion})`,
      );
    }
    if (candidate.kind !== undefined && candidate.kind !== type.kind) {
      throw badRequest(
        `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: the kind in the data (${displayValue(candidate.kind)}) is not ${type.kind}`,
      );
    }
    candidate.apiVersion = apiVersion;
    candidate.kind = type.kind;
    const metadata = object(candidate.metadata);
    candidate.metadata = metadata;
    if (type.namespaced) {
      if (metadata.namespace !== undefined && metadata.namespace !== '' && metadata.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      metadata.namespace = namespace;
    } else {
      delete metadata.namespace;
    }
    return candidate as KubeObject;
  }

  private nameFor(type: ResourceType, candidate: KubeObject): string {
    const metadata = candidate.metadata;
    if (!metadata.name && metadata.generateName) metadata.name = `${metadata.generateName}${randomSuffix()}`;
    if (!metadata.name) {
      throw invalid(type.kind, type.group, '', [
        { type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' },
      ]);
    }
    return metadata.name;
  }

  private finishCreate(
    type: ResourceType,
    candidate: KubeObject,
    options: WriteOptions,
    managedFieldsFor: (prepared: KubeObject) => ManagedFieldsEntry[],
  ): WriteResult {
    const created = candidate;
    if (hasStatusSubresource(type) || type.kind === 'Pod') {
      created.status = initialStatus(type.kind, created);
    }
    delete created.metadata.deletionTimestamp;
    delete created.metadata.resourceVersion;
    delete created.metadata.managedFields;
    applyDefaults(type.kind, created);
    this.prepare(type, created, undefined);
    if (type.kind === 'Pod') {
      applyLimitRanges(this.store, created);
      created.status = initialStatus('Pod', created);
    }
    validateObject(type, created, { internal: options.internal });
    const { warnings } = admitPodSecurity(this.store, type, created);
    admitQuota(this.store, type, created);
    created.metadata.uid = newUid();
    created.metadata.creationTimestamp = rfc3339();
    if (type.generation) created.metadata.generation = 1;
    created.metadata.managedFields = managedFieldsFor(created);
    if (options.dryRun) return { object: created, warnings, created: true };
    if (type.kind === 'Service') this.reserveClusterIp(created);
    return { object: withTypeMeta(type, this.store.put(typeKey(type), created)), warnings, created: true };
  }

  private finishUpdate(
    type: ResourceType,
    old: KubeObject,
    candidate: KubeObject,
    options: WriteOptions,
    managedFields?: ManagedFieldsEntry[],
  ): WriteResult {
    const statusOnly = options.subresource === 'status';
    let next = candidate;
    if (hasStatusSubresource(type)) {
      if (statusOnly) {
        // The status subresource changes status only (and, for controllers, their metadata).
        next = structuredClone(old);
        next.status = candidate.status;
        if (options.internal)
          next.metadata = { ...next.metadata, ...pickControllerMetadata(candidate.metadata) };
        next.metadata.managedFields = candidate.metadata.managedFields;
      } else {
        next.status = old.status;
      }
    }
    next.metadata.uid = old.metadata.uid;
    next.metadata.creationTimestamp = old.metadata.creationTimestamp;
    if (old.metadata.deletionTimestamp) {
      next.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
      next.metadata.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    } else {
      delete next.metadata.deletionTimestamp;
      delete next.metadata.deletionGracePeriodSeconds;
    }
    next.metadata.generation = old.metadata.generation;
    if (next.metadata.generation === undefined) delete next.metadata.generation;
    const explicitManagedFields = next.metadata.managedFields;
    next.metadata.managedFields = old.metadata.managedFields;
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    applyDefaults(type.kind, next);
    this.prepare(type, next, old);
    validateObject(type, next, { old, internal: options.internal });
    const { warnings } = statusOnly ? { warnings: [] } : admitPodSecurity(this.store, type, next);
    if (type.generation && stableJson(old.spec) !== stableJson(next.spec)) {
      next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    if (managedFields) {
      next.metadata.managedFields = managedFields;
    } else if (
      Array.isArray(explicitManagedFields) &&
      explicitManagedFields.length === 0 &&
      !options.internal
    ) {
      next.metadata.managedFields = [];
    } else {
      next.metadata.managedFields = trackUpdate(old, next, scopeFor(type, options.subresource), {
        manager: this.manager(options),
        apiVersion: apiVersionOf(type),
        ...(options.subresource ? { subresource: options.subresource } : {}),
      });
    }
    if (next.metadata.managedFields.length === 0) delete next.metadata.managedFields;
    if (comparable(old) === comparable(next)) return { object: old, warnings, created: false };
    if (options.dryRun) return { object: next, warnings, created: false };
    const key = typeKey(type);
    if (
      next.metadata.deletionTimestamp &&
      (next.metadata.finalizers ?? []).length === 0 &&
      type.kind !== 'Pod' &&
      type.kind !== 'Namespace'
    ) {
      const removed = this.store.put(key, next);
      this.store.remove(key, next.metadata.namespace, next.metadata.name ?? '');
      return { object: withTypeMeta(type, removed), warnings, created: false };
    }
    return { object: withTypeMeta(type, this.store.put(key, next)), warnings, created: false };
  }

  /** Per-kind preparation the registries do before validation. */
  private prepare(type: ResourceType, target: KubeObject, old: KubeObject | undefined): void {
    if (type.kind === 'Secret') foldStringData(target);
    if (type.kind === 'Service') {
      const spec = object(target.spec);
      const oldSpec = object(old?.spec);
      if (spec.type === 'ExternalName') return;
      if (spec.clusterIP === undefined && typeof oldSpec.clusterIP === 'string')
        spec.clusterIP = oldSpec.clusterIP;
      if (spec.clusterIP === undefined || spec.clusterIP === '') spec.clusterIP = this.allocateClusterIp();
      spec.clusterIPs = [spec.clusterIP];
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
        const oldPorts = Array.isArray(oldSpec.ports) ? oldSpec.ports.map(object) : [];
        for (const port of Array.isArray(spec.ports) ? spec.ports.map(object) : []) {
          if (port.nodePort === undefined) {
            const previous = oldPorts.find(item => item.port === port.port);
            port.nodePort = previous?.nodePort ?? 30000 + Math.floor(Math.random() * 2768);
          }
        }
      }
      target.spec = spec;
    }
  }

  private allocateClusterIp(): string {
    for (;;) {
      const candidate = `10.43.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
      if (!this.serviceIps.has(candidate)) return candidate;
    }
  }

  private reserveClusterIp(service: KubeObject): void {
    const ip = object(service.spec).clusterIP;
    if (typeof ip === 'string') this.serviceIps.add(ip);
  }

  private orphanDependents(owner: KubeObject): void {
    const uid = owner.metadata.uid;
    if (!uid) return;
    for (const key of this.store.typeKeys()) {
      for (const dependent of this.store.list(key)) {
        const references = dependent.metadata.ownerReferences ?? [];
        if (!references.some(reference => reference.uid === uid)) continue;
        const next = structuredClone(dependent);
        next.metadata.ownerReferences = references.filter(reference => reference.uid !== uid);
        if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
        this.store.put(key, next);
      }
    }
  }
}

/** Metadata a controller may change while writing status (revision annotations, owner refs…). */
function pickControllerMetadata(metadata: KubeObject['metadata']): Partial<KubeObject['metadata']> {
  const out: Partial<KubeObject['metadata']> = {};
  for (const key of ['labels', 'annotations', 'ownerReferences', 'finalizers'] as const) {
    if (metadata[key] !== undefined) out[key] = metadata[key] as never;
  }
  return out;
}

/** Single objects and watch events carry apiVersion and kind (list items do not). */
export function withTypeMeta(type: ResourceType, value: KubeObject): KubeObject {
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = value;
  return { apiVersion: apiVersionOf(type), kind: type.kind, ...rest };
}

export function withoutTypeMeta(value: KubeObject): KubeObject {
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = value;
  return rest;
}

function encodeContinue(resourceVersion: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: resourceVersion, start })).toString('base64');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as {
      rv?: unknown;
      start?: unknown;
    };
    if (typeof parsed.rv === 'number' && typeof parsed.start === 'string')
      return { rv: parsed.rv, start: parsed.start };
  } catch {
    // Falls through to the apiserver's error for a token it cannot read.
  }
  throw badRequest('continue key is not valid: illegal base64 data at input byte 0');
}
