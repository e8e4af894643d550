import { displayValue, forbidden, notFound, type QualifiedResource } from './api-error';
import { formatViolations, namespacePolicy, podSecurityViolations } from './pod-security';
import { formatQuantity, parseQuantity, type Quantity } from './quantity';
import type { ResourceType } from './resources';
import type { KubeObject, ObjectStore } from './store';

/**
 * The admission plugins a k3s apiserver runs on the writes we care about: NamespaceLifecycle
 * (no objects in a missing or terminating namespace), LimitRanger (container defaults and
 * min/max), PodSecurity (enforce → 403 on pods; warnings for pods and pod templates) and
 * ResourceQuota (object counts and compute resources), each with the real message.
 */
type Obj = Record<string, unknown>;

function object(value: unknown): Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : {};
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.map(object) : [];
}

function target(type: ResourceType): QualifiedResource {
  return { resource: type.resource, group: type.group };
}

export function checkNamespace(
  store: ObjectStore,
  type: ResourceType,
  namespace: string,
  name: string,
): void {
  const found = store.get('namespaces', undefined, namespace);
  if (!found) throw notFound({ resource: 'namespaces', group: '' }, namespace);
  if (found.metadata.deletionTimestamp) {
    throw forbidden(
      target(type),
      name,
      `unable to create new content in namespace ${namespace} because it is being terminated`,
      [
        {
          reason: 'NamespaceTerminating',
          message: `namespace ${namespace} is being terminated`,
          field: 'metadata.namespace',
        },
      ],
    );
  }
}

/** LimitRanger: fills container requests/limits from `Container` defaults, then checks min/max. */
export function applyLimitRanges(store: ObjectStore, pod: KubeObject): void {
  const ranges = store.list('limitranges', pod.metadata.namespace);
  const spec = object(pod.spec);
  const containers = [...list(spec.initContainers), ...list(spec.containers)];
  const name = pod.metadata.name ?? '';
  for (const range of ranges) {
    for (const limit of list(object(range.spec).limits)) {
      if (limit.type !== 'Container') continue;
      for (const container of containers) {
        const resources = object(container.resources);
        const limits = { ...object(limit.default), ...object(resources.limits) };
        const requests = { ...object(limit.defaultRequest), ...object(resources.requests) };
        if (Object.keys(limits).length > 0) resources.limits = limits;
        if (Object.keys(requests).length > 0) resources.requests = requests;
        container.resources = resources;
      }
    }
  }
  const problems: string[] = [];
  for (const range of ranges) {
    for (const limit of list(object(range.spec).limits)) {
      if (limit.type === 'Container') {
        for (const container of containers) {
          const resources = object(container.resources);
          problems.push(...bounds(limit, 'Container', object(resources.requests), object(resources.limits)));
        }
      } else if (limit.type === 'Pod') {
        problems.push(
          ...bounds(limit, 'Pod', sumResources(containers, 'requests'), sumResources(containers, 'limits')),
        );
      }
    }
  }
  if (problems.length > 0) throw forbidden({ resource: 'pods', group: '' }, name, problems.join(', '));
}

function sumResources(containers: Obj[], field: 'requests' | 'limits'): Obj {
  const totals: Record<string, Quantity[]> = {};
  for (const container of containers) {
    for (const [resource, value] of Object.entries(object(object(container.resources)[field]))) {
      const parsed = parseQuantity(value);
      if (parsed) totals[resource] = [...(totals[resource] ?? []), parsed];
    }
  }
  return Object.fromEntries(
    Object.entries(totals).map(([resource, values]) => [
      resource,
      formatQuantity({
        value: values.reduce((total, item) => total + item.value, 0),
        format: values[0]?.format ?? 'DecimalSI',
      }),
    ]),
  );
}

function bounds(limit: Obj, scope: string, requests: Obj, limits: Obj): string[] {
  const out: string[] = [];
  for (const [resource, max] of Object.entries(object(limit.max))) {
    const value = limits[resource];
    const parsedMax = parseQuantity(max);
    const parsedValue = parseQuantity(value);
    if (value === undefined)
      out.push(`maximum ${resource} usage per ${scope} is ${displayValue(max)}.  No limit is specified`);
    else if (parsedMax && parsedValue && parsedValue.value > parsedMax.value) {
      out.push(
        `maximum ${resource} usage per ${scope} is ${displayValue(max)}, but limit is ${displayValue(value)}`,
      );
    }
  }
  for (const [resource, min] of Object.entries(object(limit.min))) {
    const value = requests[resource];
    const parsedMin = parseQuantity(min);
    const parsedValue = parseQuantity(value);
    if (value === undefined)
      out.push(`minimum ${resource} usage per ${scope} is ${displayValue(min)}.  No request is specified`);
    else if (parsedMin && parsedValue && parsedValue.value < parsedMin.value) {
      out.push(
        `minimum ${resource} usage per ${scope} is ${displayValue(min)}, but request is ${displayValue(value)}`,
      );
    }
  }
  return out;
}

export interface PodSecurityResult {
  warnings: string[];
}

/**
 * PodSecurity: a pod violating the namespace's enforce level is refused; a pod violating the warn
 * level, and a workload whose template violates the enforce or warn level, gets a warning.
 */
export function admitPodSecurity(
  store: ObjectStore,
  type: ResourceType,
  object_: KubeObject,
): PodSecurityResult {
  const namespace = object_.metadata.namespace;
  if (!namespace) return { warnings: [] };
  const policy = namespacePolicy(store.get('namespaces', undefined, namespace)?.metadata.labels);
  const warnings: string[] = [];
  const podSpec =
    type.kind === 'Pod'
      ? object(object_.spec)
      : type.kind === 'Deployment' || type.kind === 'ReplicaSet'
        ? object(object(object(object_.spec).template).spec)
        : undefined;
  if (!podSpec) return { warnings };
  if (type.kind === 'Pod' && policy.enforce) {
    const violations = podSecurityViolations(policy.enforce.level, podSpec);
    if (violations.length > 0) {
      throw forbidden(
        target(type),
        object_.metadata.name ?? '',
        `violates PodSecurity "${policy.enforce.level}:${policy.enforce.version}": ${formatViolations(violations)}`,
      );
    }
  }
  const levels = type.kind === 'Pod' ? [policy.warn] : [policy.enforce, policy.warn];
  const seen = new Set<string>();
  for (const level of levels) {
    if (!level) continue;
    const key = `${level.level}:${level.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const violations = podSecurityViolations(level.level, podSpec);
    if (violations.length > 0)
      warnings.push(`would violate PodSecurity "${key}": ${formatViolations(violations)}`);
  }
  return { warnings };
}

const computeResources: Record<string, { field: 'requests' | 'limits'; resource: string }> = {
  cpu: { field: 'requests', resource: 'cpu' },
  memory: { field: 'requests', resource: 'memory' },
  'requests.cpu': { field: 'requests', resource: 'cpu' },
  'requests.memory': { field: 'requests', resource: 'memory' },
  'limits.cpu': { field: 'limits', resource: 'cpu' },
  'limits.memory': { field: 'limits', resource: 'memory' },
  'requests.ephemeral-storage': { field: 'requests', resource: 'ephemeral-storage' },
  'limits.ephemeral-storage': { field: 'limits', resource: 'ephemeral-storage' },
};

const countNames: Record<string, string> = {
  pods: 'pods',
  services: 'services',
  configmaps: 'configmaps',
  secrets: 'secrets',
  persistentvolumeclaims: 'persistentvolumeclaims',
  resourcequotas: 'resourcequotas',
};

function podActive(pod: KubeObject): boolean {
  const phase = object(pod.status).phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

function podUsage(pod: KubeObject, name: string): Quantity {
  const spec = object(pod.spec);
  const mapping = computeResources[name];
  if (!mapping) return { value: 0, format: 'DecimalSI' };
  let total = 0;
  let format: Quantity['format'] | undefined;
  for (const container of list(spec.containers)) {
    const parsed = parseQuantity(object(object(container.resources)[mapping.field])[mapping.resource]);
    if (parsed) {
      total += parsed.value;
      format ??= parsed.format;
    }
  }
  return { value: total, format: format ?? (mapping.resource === 'cpu' ? 'DecimalSI' : 'BinarySI') };
}

function claimStorage(claim: KubeObject): Quantity {
  return (
    parseQuantity(object(object(object(claim.spec).resources).requests).storage) ?? {
      value: 0,
      format: 'BinarySI',
    }
  );
}

/** Current usage of every resource a quota names, in a namespace. */
export function quotaUsage(store: ObjectStore, namespace: string, hard: Obj): Record<string, Quantity> {
  const pods = store.list('pods', namespace).filter(podActive);
  const used: Record<string, Quantity> = {};
  for (const name of Object.keys(hard)) {
    if (name in computeResources) {
      const parts = pods.map(pod => podUsage(pod, name));
      used[name] = {
        value: parts.reduce((total, item) => total + item.value, 0),
        format: parts[0]?.format ?? parseQuantity(hard[name])?.format ?? 'DecimalSI',
      };
    } else if (name === 'pods' || name === 'count/pods') {
      used[name] = { value: pods.length, format: 'DecimalSI' };
    } else if (name === 'requests.storage') {
      const claims = store.list('persistentvolumeclaims', namespace).map(claimStorage);
      used[name] = { value: claims.reduce((total, item) => total + item.value, 0), format: 'BinarySI' };
    } else {
      const resource =
        countNames[name] ?? (name.startsWith('count/') ? name.slice('count/'.length) : undefined);
      if (resource) used[name] = { value: store.list(resource, namespace).length, format: 'DecimalSI' };
    }
  }
  return used;
}

function quotaKeyFor(type: ResourceType, name: string): boolean {
  const qualified = type.group ? `${type.resource}.${type.group}` : type.resource;
  return name === `count/${qualified}` || countNames[name] === type.resource;
}

function printList(values: Record<string, string>): string {
  return Object.keys(values)
    .sort()
    .map(key => `${key}=${values[key] ?? ''}`)
    .join(',');
}

/** ResourceQuota: what creating this object would use, against every quota in its namespace. */
export function admitQuota(store: ObjectStore, type: ResourceType, created: KubeObject): void {
  const namespace = created.metadata.namespace;
  if (!namespace) return;
  const name = created.metadata.name ?? '';
  for (const quota of store.list('resourcequotas', namespace)) {
    const hard = object(object(quota.spec).hard);
    const used = quotaUsage(store, namespace, hard);
    const requested: Record<string, Quantity> = {};
    const missing: string[] = [];
    for (const resource of Object.keys(hard)) {
      if (type.kind === 'Pod' && resource in computeResources) {
        const mapping = computeResources[resource];
        const containers = list(object(created.spec).containers);
        const lacking = containers
          .filter(
            container =>
              object(object(container.resources)[mapping?.field ?? 'requests'])[mapping?.resource ?? ''] ===
              undefined,
          )
          .map(container => String(container.name));
        if (lacking.length > 0) missing.push(`${resource} for: ${lacking.join(',')}`);
        else requested[resource] = podUsage(created, resource);
      } else if (type.kind === 'Pod' && (resource === 'pods' || resource === 'count/pods')) {
        requested[resource] = { value: 1, format: 'DecimalSI' };
      } else if (type.kind === 'PersistentVolumeClaim' && resource === 'requests.storage') {
        requested[resource] = claimStorage(created);
      } else if (quotaKeyFor(type, resource)) {
        requested[resource] = { value: 1, format: 'DecimalSI' };
      }
    }
    if (missing.length > 0) {
      throw forbidden(
        target(type),
        name,
        `failed quota: ${quota.metadata.name ?? ''}: must specify ${missing.join('; ')}`,
      );
    }
    const over: string[] = Object.keys(requested).filter(resource => {
      const limit = parseQuantity(hard[resource]);
      const request = requested[resource];
      const current = used[resource];
      return (
        limit && request && request.value > 0 && (current?.value ?? 0) + request.value > limit.value + 1e-9
      );
    });
    if (over.length > 0) {
      const pick = (source: Record<string, Quantity | undefined>) =>
        Object.fromEntries(
          over.map(resource => [
            resource,
            formatQuantity(source[resource] ?? { value: 0, format: 'DecimalSI' }),
          ]),
        );
      const limited = Object.fromEntries(over.map(resource => [resource, displayValue(hard[resource])]));
      throw forbidden(
        target(type),
        name,
        `exceeded quota: ${quota.metadata.name ?? ''}, requested: ${printList(pick(requested))}, used: ${printList(pick(used))}, limited: ${printList(limited)}`,
      );
    }
  }
}
