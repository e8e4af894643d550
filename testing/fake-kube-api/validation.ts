import { isIP } from 'node:net';

import type { Model } from '@kubernetes-models/base';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Event } from 'kubernetes-models/v1/Event';
import { LimitRange } from 'kubernetes-models/v1/LimitRange';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Node } from 'kubernetes-models/v1/Node';
import { PersistentVolume } from 'kubernetes-models/v1/PersistentVolume';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Pod } from 'kubernetes-models/v1/Pod';
import { ResourceQuota } from 'kubernetes-models/v1/ResourceQuota';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';

import { ApiError, displayValue, invalid, type FieldError } from './api-error';
import { parseQuantity, quantityPattern } from './quantity';
import type { ResourceType } from './resources';
import { labelSelectorMatcher, type LabelSelectorObject } from './selectors';
import type { KubeObject } from './store';

/**
 * What the apiserver checks before it stores an object: decoding (a wrong JSON type, a bad
 * quantity or base64 → 400), the OpenAPI schema (through kubernetes-models' validators: required
 * fields, enums → 422) and the semantic checks of each kind's `Validate…` functions that the
 * manual guide's mistakes run into (names, IPs, CIDRs, ports, selectors, immutable fields), all
 * reported with the real 422 body: one cause per field, the message `Kind.group "name" is
 * invalid: …`.
 */
type Obj = Record<string, unknown>;
type ModelClass = new (data: never) => Model<unknown>;

const models: Record<string, ModelClass> = {
  ConfigMap,
  Event,
  LimitRange,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  ResourceQuota,
  Secret,
  Service,
  ServiceAccount,
  Deployment,
  ReplicaSet,
  NetworkPolicy,
};

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Map-typed fields: their keys print as `[key]` in field paths. */
const mapFields = new Set([
  'labels',
  'annotations',
  'data',
  'stringData',
  'binaryData',
  'nodeSelector',
  'limits',
  'requests',
  'capacity',
  'hard',
  'used',
  'default',
  'defaultRequest',
  'max',
  'min',
  'maxLimitRequestRatio',
  'allocatable',
]);

export function fieldPath(pointer: string): string {
  const parts = pointer.split('/').slice(1);
  let out = '';
  let previous = '';
  for (const raw of parts) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(part) || mapFields.has(previous)) out += `[${part}]`;
    else out += out ? `.${part}` : part;
    previous = part;
  }
  return out;
}

function valueAtPointer(object: unknown, pointer: string): unknown {
  let current = object;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Obj)[part];
  }
  return current;
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}

const goTypes: Record<string, string> = {
  integer: 'int32',
  number: 'float64',
  string: 'string',
  boolean: 'bool',
  object: 'struct',
  array: 'slice',
};

function cannotHandle(kind: string, version: string, why: string): ApiError {
  return new ApiError(
    400,
    'BadRequest',
    `${kind} in version "${version}" cannot be handled as a ${kind}: ${why}`,
  );
}

/** Where base64 decoding stops, as Go's encoding/base64 reports it. */
function base64ErrorOffset(text: string): number {
  const alphabet = /[A-Za-z0-9+/]/;
  for (let index = 0; index < text.length; index++) {
    const char = text[index] ?? '';
    if (char === '=') return index;
    if (!alphabet.test(char)) return index;
  }
  return text.length - (text.length % 4);
}

function schemaErrors(type: ResourceType, object: Obj): FieldError[] {
  const model = models[type.kind];
  if (!model) return [];
  try {
    new model(object as never).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: AjvError[] }).errors ?? [];
    const byPath = new Map<string, AjvError[]>();
    for (const item of errors)
      byPath.set(item.instancePath, [...(byPath.get(item.instancePath) ?? []), item]);
    const out: FieldError[] = [];
    for (const [pointer, items] of byPath) {
      const value = valueAtPointer(object, pointer);
      const format = items.find(item => item.keyword === 'format');
      if (format?.params.format === 'quantity') {
        throw cannotHandle(
          type.kind,
          type.version,
          `quantities must match the regular expression '${quantityPattern}'`,
        );
      }
      if (format?.params.format === 'byte' && typeof value === 'string') {
        throw cannotHandle(
          type.kind,
          type.version,
          `illegal base64 data at input byte ${base64ErrorOffset(value)}`,
        );
      }
      const typed = items.find(item => item.keyword === 'type' || item.keyword === 'oneOf');
      if (typed) {
        const expected = items.find(item => item.keyword === 'type')?.params.type;
        throw cannotHandle(
          type.kind,
          type.version,
          `json: cannot unmarshal ${jsonType(value)} into Go struct field ${type.kind}.${fieldPath(pointer)} of type ${goTypes[String(expected)] ?? 'string'}`,
        );
      }
      for (const item of items) {
        if (item.keyword === 'required') {
          const missing = String(item.params.missingProperty);
          out.push({ type: 'FieldValueRequired', field: fieldPath(`${pointer}/${missing}`), detail: '' });
        } else if (item.keyword === 'enum') {
          const allowed = (item.params.allowedValues as unknown[])
            .map(entry => JSON.stringify(entry))
            .join(', ');
          out.push({
            type: 'FieldValueNotSupported',
            field: fieldPath(pointer),
            value,
            detail: `supported values: ${allowed}`,
          });
        } else {
          out.push({
            type: 'FieldValueInvalid',
            field: fieldPath(pointer),
            value,
            detail: item.message ?? 'invalid',
          });
        }
      }
    }
    return out;
  }
}

const subdomainPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1035Pattern = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const qualifiedNamePattern = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const configKeyPattern = /^[-._a-zA-Z0-9]+$/;

const subdomainMessage =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMessage =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const dns1035Message =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

export function subdomainErrors(field: string, value: string): FieldError[] {
  const out: FieldError[] = [];
  if (value.length > 253)
    out.push({ type: 'FieldValueInvalid', field, value, detail: 'must be no more than 253 characters' });
  if (!subdomainPattern.test(value))
    out.push({ type: 'FieldValueInvalid', field, value, detail: subdomainMessage });
  return out;
}

export function labelErrors(field: string, value: string): FieldError[] {
  const out: FieldError[] = [];
  if (value.length > 63)
    out.push({ type: 'FieldValueInvalid', field, value, detail: 'must be no more than 63 characters' });
  if (!labelPattern.test(value)) out.push({ type: 'FieldValueInvalid', field, value, detail: labelMessage });
  return out;
}

function dns1035Errors(field: string, value: string): FieldError[] {
  const out: FieldError[] = [];
  if (value.length > 63)
    out.push({ type: 'FieldValueInvalid', field, value, detail: 'must be no more than 63 characters' });
  if (!dns1035Pattern.test(value))
    out.push({ type: 'FieldValueInvalid', field, value, detail: dns1035Message });
  return out;
}

function qualifiedNameErrors(field: string, key: string): FieldError[] {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const out: FieldError[] = [];
  if (slash >= 0) {
    if (prefix.length === 0)
      out.push({ type: 'FieldValueInvalid', field, value: key, detail: 'prefix part must be non-empty' });
    else if (!subdomainPattern.test(prefix) || prefix.length > 253)
      out.push({ type: 'FieldValueInvalid', field, value: key, detail: `prefix part ${subdomainMessage}` });
  }
  if (name.length === 0)
    out.push({ type: 'FieldValueInvalid', field, value: key, detail: 'name part must be non-empty' });
  else if (name.length > 63)
    out.push({
      type: 'FieldValueInvalid',
      field,
      value: key,
      detail: 'name part must be no more than 63 characters',
    });
  else if (!qualifiedNamePattern.test(name)) {
    out.push({
      type: 'FieldValueInvalid',
      field,
      value: key,
      detail:
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    });
  }
  return out;
}

function labelsErrors(field: string, labels: unknown): FieldError[] {
  if (typeof labels !== 'object' || labels === null) return [];
  const out: FieldError[] = [];
  for (const [key, value] of Object.entries(labels as Obj)) {
    out.push(...qualifiedNameErrors(field, key));
    if (typeof value === 'string' && (value.length > 63 || !labelValuePattern.test(value))) {
      out.push({
        type: 'FieldValueInvalid',
        field,
        value,
        detail:
          value.length > 63
            ? 'must be no more than 63 characters'
            : "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      });
    }
  }
  return out;
}

function metadataErrors(type: ResourceType, object: Obj, creating: boolean): FieldError[] {
  const metadata = (object.metadata ?? {}) as Obj;
  const out: FieldError[] = [];
  const name = metadata.name;
  if (creating && (typeof name !== 'string' || name === '')) {
    out.push({
      type: 'FieldValueRequired',
      field: 'metadata.name',
      detail: 'name or generateName is required',
    });
  } else if (typeof name === 'string') {
    if (type.nameRule === 'subdomain') out.push(...subdomainErrors('metadata.name', name));
    if (type.nameRule === 'label') out.push(...labelErrors('metadata.name', name));
    if (type.nameRule === 'dns1035') out.push(...dns1035Errors('metadata.name', name));
  }
  out.push(...labelsErrors('metadata.labels', metadata.labels));
  if (typeof metadata.annotations === 'object' && metadata.annotations !== null) {
    let total = 0;
    for (const [key, value] of Object.entries(metadata.annotations as Obj)) {
      out.push(...qualifiedNameErrors('metadata.annotations', key.toLowerCase()));
      total += key.length + (typeof value === 'string' ? value.length : 0);
    }
    if (total > 256 * 1024)
      out.push({
        type: 'FieldValueTooLong',
        field: 'metadata.annotations',
        detail: 'must have at most 262144 bytes',
      });
  }
  return out;
}

function list(value: unknown): Obj[] {
  return Array.isArray(value)
    ? value.filter((item): item is Obj => typeof item === 'object' && item !== null)
    : [];
}

const volumeSources = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
];

function portErrors(field: string, value: unknown): FieldError[] {
  if (typeof value !== 'number') return [];
  return value < 1 || value > 65535
    ? [{ type: 'FieldValueInvalid', field, value, detail: 'must be between 1 and 65535, inclusive' }]
    : [];
}

function resourceErrors(field: string, resources: unknown): FieldError[] {
  const target = (resources ?? {}) as { limits?: Obj; requests?: Obj };
  const out: FieldError[] = [];
  for (const [name, request] of Object.entries(target.requests ?? {})) {
    const limit = target.limits?.[name];
    if (limit === undefined) continue;
    const requested = parseQuantity(request);
    const limited = parseQuantity(limit);
    if (requested && limited && requested.value > limited.value) {
      out.push({
        type: 'FieldValueInvalid',
        field: `${field}.requests`,
        value: displayValue(request),
        detail: `must be less than or equal to ${name} limit of ${displayValue(limit)}`,
      });
    }
  }
  return out;
}

export function podSpecErrors(base: string, spec: Obj): FieldError[] {
  const out: FieldError[] = [];
  const volumes = list(spec.volumes);
  const volumeNames = new Set<string>();
  volumes.forEach((volume, index) => {
    const field = `${base}.volumes[${index}]`;
    const name = typeof volume.name === 'string' ? volume.name : '';
    if (!name) out.push({ type: 'FieldValueRequired', field: `${field}.name`, detail: '' });
    else {
      out.push(...labelErrors(`${field}.name`, name));
      if (volumeNames.has(name))
        out.push({ type: 'FieldValueDuplicate', field: `${field}.name`, value: name, detail: '' });
      volumeNames.add(name);
    }
    const sources = volumeSources.filter(source => volume[source] !== undefined);
    if (sources.length === 0)
      out.push({ type: 'FieldValueRequired', field, detail: 'must specify a volume type' });
    if (sources.length > 1)
      out.push({
        type: 'FieldValueForbidden',
        field: `${field}.${sources[1] ?? ''}`,
        detail: 'may not specify more than 1 volume type',
      });
  });
  const containers = list(spec.containers);
  if (containers.length === 0)
    out.push({ type: 'FieldValueRequired', field: `${base}.containers`, detail: '' });
  const names = new Set<string>();
  const groups: [string, Obj[]][] = [
    ['initContainers', list(spec.initContainers)],
    ['containers', containers],
  ];
  for (const [group, items] of groups) {
    items.forEach((container, index) => {
      const field = `${base}.${group}[${index}]`;
      const name = typeof container.name === 'string' ? container.name : '';
      if (name) {
        out.push(...labelErrors(`${field}.name`, name));
        if (names.has(name))
          out.push({ type: 'FieldValueDuplicate', field: `${field}.name`, value: name, detail: '' });
        names.add(name);
      }
      if (typeof container.image !== 'string' || container.image.trim() === '') {
        out.push({ type: 'FieldValueRequired', field: `${field}.image`, detail: '' });
      }
      list(container.ports).forEach((port, portIndex) => {
        out.push(...portErrors(`${field}.ports[${portIndex}].containerPort`, port.containerPort));
        if (port.hostPort !== undefined && port.hostPort !== 0)
          out.push(...portErrors(`${field}.ports[${portIndex}].hostPort`, port.hostPort));
      });
      const mountPaths = new Set<string>();
      list(container.volumeMounts).forEach((mount, mountIndex) => {
        const mountField = `${field}.volumeMounts[${mountIndex}]`;
        if (typeof mount.name === 'string' && !volumeNames.has(mount.name)) {
          out.push({
            type: 'FieldValueNotFound',
            field: `${mountField}.name`,
            value: mount.name,
            detail: '',
          });
        }
        if (typeof mount.mountPath === 'string') {
          if (mountPaths.has(mount.mountPath))
            out.push({
              type: 'FieldValueInvalid',
              field: `${mountField}.mountPath`,
              value: mount.mountPath,
              detail: 'must be unique',
            });
          mountPaths.add(mount.mountPath);
        }
      });
      out.push(...resourceErrors(`${field}.resources`, container.resources));
    });
  }
  list(spec.hostAliases).forEach((alias, index) => {
    const field = `${base}.hostAliases[${index}]`;
    if (typeof alias.ip === 'string' && isIP(alias.ip) === 0) {
      out.push({
        type: 'FieldValueInvalid',
        field: `${field}.ip`,
        value: alias.ip,
        detail: 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      });
    }
    (Array.isArray(alias.hostnames) ? alias.hostnames : []).forEach(
      (hostname: unknown, hostIndex: number) => {
        if (typeof hostname === 'string')
          out.push(...subdomainErrors(`${field}.hostnames[${hostIndex}]`, hostname));
      },
    );
  });
  return out;
}

/** Go's `%#v` of a map[string]string, as printed in selector errors. */
function goMap(labels: unknown): string {
  const entries = Object.entries((labels ?? {}) as Record<string, string>).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  if (entries.length === 0) return 'map[string]string(nil)';
  return `map[string]string{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(', ')}}`;
}

function goSelector(selector: LabelSelectorObject | undefined): string {
  const expressions = selector?.matchExpressions?.length
    ? `[]v1.LabelSelectorRequirement{...}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goMap(selector?.matchLabels)}, MatchExpressions:${expressions}}`;
}

function nonNegative(field: string, value: unknown): FieldError[] {
  return typeof value === 'number' && value < 0
    ? [{ type: 'FieldValueInvalid', field, value, detail: 'must be greater than or equal to 0' }]
    : [];
}

function intOrPercentZero(value: unknown): boolean {
  return value === 0 || value === '0%' || value === '0';
}

function workloadErrors(kind: string, object: Obj, old: Obj | undefined): FieldError[] {
  const spec = (object.spec ?? {}) as Obj;
  const out: FieldError[] = [];
  const selector = spec.selector as LabelSelectorObject | undefined;
  const template = (spec.template ?? {}) as Obj;
  const templateLabels = ((template.metadata ?? {}) as Obj).labels as Record<string, string> | undefined;
  if (!selector) out.push({ type: 'FieldValueRequired', field: 'spec.selector', detail: '' });
  else if (
    Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).length === 0
  ) {
    const owner = kind === 'Deployment' ? 'deployment' : 'replicaset';
    out.push({
      type: 'FieldValueInvalid',
      field: 'spec.selector',
      detail: `${goSelector(selector)}: empty selector is invalid for ${owner}`,
    });
  } else if (!labelSelectorMatcher(selector)(templateLabels)) {
    out.push({
      type: 'FieldValueInvalid',
      field: 'spec.template.metadata.labels',
      detail: `${goMap(templateLabels)}: \`selector\` does not match template \`labels\``,
    });
  }
  out.push(...labelsErrors('spec.template.metadata.labels', templateLabels));
  out.push(...nonNegative('spec.replicas', spec.replicas));
  out.push(...nonNegative('spec.minReadySeconds', spec.minReadySeconds));
  const templateSpec = (template.spec ?? {}) as Obj;
  out.push(...podSpecErrors('spec.template.spec', templateSpec));
  if (templateSpec.restartPolicy !== undefined && templateSpec.restartPolicy !== 'Always') {
    out.push({
      type: 'FieldValueNotSupported',
      field: 'spec.template.spec.restartPolicy',
      value: templateSpec.restartPolicy,
      detail: 'supported values: "Always"',
    });
  }
  if (kind === 'Deployment') {
    out.push(...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit));
    const strategy = (spec.strategy ?? {}) as Obj;
    if (strategy.type === 'Recreate' && strategy.rollingUpdate !== undefined) {
      out.push({
        type: 'FieldValueForbidden',
        field: 'spec.strategy.rollingUpdate',
        detail: "may not be specified when strategy `type` is 'Recreate'",
      });
    }
    const rolling = (strategy.rollingUpdate ?? {}) as Obj;
    if (
      strategy.type === 'RollingUpdate' &&
      intOrPercentZero(rolling.maxSurge) &&
      intOrPercentZero(rolling.maxUnavailable)
    ) {
      out.push({
        type: 'FieldValueInvalid',
        field: 'spec.strategy.rollingUpdate.maxUnavailable',
        value: rolling.maxUnavailable,
        detail: 'may not be 0 when `maxSurge` is 0',
      });
    }
    const deadline = spec.progressDeadlineSeconds;
    const minReady = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
    if (typeof deadline === 'number' && deadline <= minReady) {
      out.push({
        type: 'FieldValueInvalid',
        field: 'spec.progressDeadlineSeconds',
        value: deadline,
        detail: 'must be greater than minReadySeconds',
      });
    }
  }
  if (
    old &&
    selector &&
    JSON.stringify((old.spec as Obj | undefined)?.selector) !== JSON.stringify(selector)
  ) {
    out.push({
      type: 'FieldValueInvalid',
      field: 'spec.selector',
      detail: `${goSelector(selector)}: field is immutable`,
    });
  }
  return out;
}

function serviceErrors(object: Obj, old: Obj | undefined): FieldError[] {
  const spec = (object.spec ?? {}) as Obj;
  const out: FieldError[] = [];
  const ports = list(spec.ports);
  const type = spec.type ?? 'ClusterIP';
  if (ports.length === 0 && type !== 'ExternalName' && spec.clusterIP !== 'None') {
    out.push({ type: 'FieldValueRequired', field: 'spec.ports', detail: '' });
  }
  const names = new Set<string>();
  ports.forEach((port, index) => {
    const field = `spec.ports[${index}]`;
    if (ports.length > 1 && (typeof port.name !== 'string' || port.name === ''))
      out.push({ type: 'FieldValueRequired', field: `${field}.name`, detail: '' });
    if (typeof port.name === 'string' && port.name !== '') {
      if (names.has(port.name))
        out.push({ type: 'FieldValueDuplicate', field: `${field}.name`, value: port.name, detail: '' });
      names.add(port.name);
    }
    if (port.port === undefined) out.push({ type: 'FieldValueRequired', field: `${field}.port`, detail: '' });
    else out.push(...portErrors(`${field}.port`, port.port));
    if (typeof port.targetPort === 'number') out.push(...portErrors(`${field}.targetPort`, port.targetPort));
    if (port.nodePort !== undefined && port.nodePort !== 0) {
      if (type === 'ClusterIP') {
        out.push({
          type: 'FieldValueForbidden',
          field: `${field}.nodePort`,
          detail: "may not be used when `type` is 'ClusterIP'",
        });
      } else if (typeof port.nodePort === 'number' && (port.nodePort < 30000 || port.nodePort > 32767)) {
        out.push({
          type: 'FieldValueInvalid',
          field: `${field}.nodePort`,
          value: port.nodePort,
          detail: 'provided port is not in the valid range. The range of valid ports is 30000-32767',
        });
      }
    }
  });
  const oldSpec = (old?.spec ?? undefined) as Obj | undefined;
  if (
    oldSpec &&
    spec.clusterIP !== undefined &&
    oldSpec.clusterIP !== undefined &&
    spec.clusterIP !== oldSpec.clusterIP &&
    type !== 'ExternalName'
  ) {
    out.push({
      type: 'FieldValueInvalid',
      field: 'spec.clusterIP',
      value: spec.clusterIP,
      detail: 'field is immutable',
    });
  }
  return out;
}

function keyErrors(field: string, map: unknown): FieldError[] {
  if (typeof map !== 'object' || map === null) return [];
  const out: FieldError[] = [];
  for (const key of Object.keys(map)) {
    if (!configKeyPattern.test(key) || key.length > 253) {
      out.push({
        type: 'FieldValueInvalid',
        field: `${field}[${key}]`,
        value: key,
        detail:
          "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      });
    }
  }
  return out;
}

function dataSize(map: unknown): number {
  if (typeof map !== 'object' || map === null) return 0;
  return Object.entries(map as Obj).reduce(
    (total, [key, value]) => total + key.length + (typeof value === 'string' ? value.length : 0),
    0,
  );
}

function configErrors(kind: string, object: Obj, old: Obj | undefined): FieldError[] {
  const out = [
    ...keyErrors('data', object.data),
    ...(kind === 'ConfigMap' ? keyErrors('binaryData', object.binaryData) : []),
  ];
  const size = dataSize(object.data) + dataSize(object.binaryData);
  if (size > 1024 * 1024)
    out.push({
      type: 'FieldValueTooLong',
      field: kind === 'ConfigMap' ? '' : 'data',
      detail: `must have at most 1048576 bytes`,
    });
  if (old?.immutable === true) {
    if (JSON.stringify(old.data) !== JSON.stringify(object.data))
      out.push({
        type: 'FieldValueForbidden',
        field: 'data',
        detail: 'field is immutable when `immutable` is set',
      });
    if (object.immutable !== true)
      out.push({
        type: 'FieldValueForbidden',
        field: 'immutable',
        detail: 'field is immutable when `immutable` is set',
      });
  }
  if (kind === 'Secret' && old && old.type !== object.type)
    out.push({ type: 'FieldValueInvalid', field: 'type', value: object.type, detail: 'field is immutable' });
  return out;
}

function parseCidr(text: string): { bits: bigint; prefix: number; family: 4 | 6 } | null {
  const [address = '', prefixText, extra] = text.split('/');
  if (prefixText === undefined || extra !== undefined || !/^\d+$/.test(prefixText)) return null;
  const family = isIP(address);
  if (family === 0) return null;
  const prefix = Number(prefixText);
  if (prefix > (family === 4 ? 32 : 128)) return null;
  if (family === 4) {
    const bits = address.split('.').reduce((total, octet) => (total << 8n) | BigInt(Number(octet)), 0n);
    return { bits, prefix, family: 4 };
  }
  const [head = '', tail = ''] = address.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const filled = address.includes('::')
    ? [
        ...groups(head),
        ...Array<string>(8 - groups(head).length - groups(tail).length).fill('0'),
        ...groups(tail),
      ]
    : groups(address);
  const bits = filled.reduce((total, group) => (total << 16n) | BigInt(parseInt(group || '0', 16)), 0n);
  return { bits, prefix, family: 6 };
}

function cidrContains(outer: ReturnType<typeof parseCidr>, inner: ReturnType<typeof parseCidr>): boolean {
  if (!outer || outer.family !== inner?.family || inner.prefix <= outer.prefix) return false;
  const width = BigInt(outer.family === 4 ? 32 : 128);
  const shift = width - BigInt(outer.prefix);
  return outer.bits >> shift === inner.bits >> shift;
}

function networkPolicyErrors(object: Obj): FieldError[] {
  const spec = (object.spec ?? {}) as Obj;
  const out: FieldError[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    list(spec[direction]).forEach((rule, ruleIndex) => {
      const base = `spec.${direction}[${ruleIndex}]`;
      list(rule.ports).forEach((port, portIndex) => {
        const field = `${base}.ports[${portIndex}]`;
        if (typeof port.port === 'number') out.push(...portErrors(`${field}.port`, port.port));
        if (port.endPort !== undefined) {
          if (typeof port.port !== 'number')
            out.push({
              type: 'FieldValueRequired',
              field: `${field}.port`,
              detail: 'must be specified when endPort is specified',
            });
          else if (typeof port.endPort === 'number' && port.endPort < port.port)
            out.push({
              type: 'FieldValueInvalid',
              field: `${field}.endPort`,
              value: port.endPort,
              detail: 'must be greater than or equal to `port`',
            });
        }
      });
      list(rule[direction === 'ingress' ? 'from' : 'to']).forEach((peer, peerIndex) => {
        const field = `${base}.${direction === 'ingress' ? 'from' : 'to'}[${peerIndex}]`;
        const kinds = ['podSelector', 'namespaceSelector', 'ipBlock'].filter(key => peer[key] !== undefined);
        if (kinds.length === 0)
          out.push({ type: 'FieldValueRequired', field, detail: 'must specify a peer' });
        if (peer.ipBlock !== undefined && kinds.length > 1)
          out.push({
            type: 'FieldValueForbidden',
            field,
            detail: 'may not specify both ipBlock and another peer',
          });
        const block = peer.ipBlock as Obj | undefined;
        if (block) {
          const cidr = typeof block.cidr === 'string' ? parseCidr(block.cidr) : null;
          if (!cidr)
            out.push({
              type: 'FieldValueInvalid',
              field: `${field}.ipBlock.cidr`,
              value: block.cidr,
              detail: 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
            });
          (Array.isArray(block.except) ? block.except : []).forEach(
            (except: unknown, exceptIndex: number) => {
              const exceptField = `${field}.ipBlock.except[${exceptIndex}]`;
              const parsed = typeof except === 'string' ? parseCidr(except) : null;
              if (!parsed)
                out.push({
                  type: 'FieldValueInvalid',
                  field: exceptField,
                  value: except,
                  detail: 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
                });
              else if (cidr && !cidrContains(cidr, parsed))
                out.push({
                  type: 'FieldValueInvalid',
                  field: exceptField,
                  value: except,
                  detail: 'must be a strict subset of `cidr`',
                });
            },
          );
        }
      });
    });
  }
  return out;
}

function persistentVolumeErrors(object: Obj): FieldError[] {
  const spec = (object.spec ?? {}) as Obj;
  const out: FieldError[] = [];
  if (!Array.isArray(spec.accessModes) || spec.accessModes.length === 0)
    out.push({ type: 'FieldValueRequired', field: 'spec.accessModes', detail: '' });
  if (spec.capacity === undefined)
    out.push({ type: 'FieldValueRequired', field: 'spec.capacity', detail: '' });
  const sources = ['hostPath', 'local', 'nfs', 'csi', 'iscsi', 'fc', 'cephfs', 'rbd', 'glusterfs'].filter(
    source => spec[source] !== undefined,
  );
  if (sources.length === 0)
    out.push({ type: 'FieldValueRequired', field: 'spec', detail: 'must specify a volume type' });
  return out;
}

function claimErrors(object: Obj, old: Obj | undefined): FieldError[] {
  const spec = (object.spec ?? {}) as Obj;
  const out: FieldError[] = [];
  if (!Array.isArray(spec.accessModes) || spec.accessModes.length === 0)
    out.push({
      type: 'FieldValueRequired',
      field: 'spec.accessModes',
      detail: 'at least 1 access mode is required',
    });
  const requests = ((spec.resources ?? {}) as Obj).requests as Obj | undefined;
  if (requests?.storage === undefined)
    out.push({ type: 'FieldValueRequired', field: 'spec.resources[storage]', detail: '' });
  if (old) {
    const strip = (value: unknown) => {
      const copy = structuredClone((value ?? {}) as Obj);
      delete copy.resources;
      delete copy.volumeAttributesClassName;
      if (!(old.spec as Obj | undefined)?.volumeName) delete copy.volumeName;
      return JSON.stringify(copy);
    };
    if (strip(old.spec) !== strip(object.spec)) {
      out.push({
        type: 'FieldValueForbidden',
        field: 'spec',
        detail:
          'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
      });
    }
  }
  return out;
}

const mutablePodFields = ['activeDeadlineSeconds', 'tolerations', 'terminationGracePeriodSeconds'];

function podUpdateErrors(object: Obj, old: Obj): FieldError[] {
  const strip = (spec: unknown) => {
    const copy = structuredClone((spec ?? {}) as Obj);
    for (const field of mutablePodFields) Reflect.deleteProperty(copy, field);
    for (const container of [...list(copy.containers), ...list(copy.initContainers)]) delete container.image;
    return JSON.stringify(copy);
  };
  if (strip(old.spec) === strip(object.spec)) return [];
  return [
    {
      type: 'FieldValueForbidden',
      field: 'spec',
      detail:
        'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    },
  ];
}

export interface ValidationOptions {
  old?: KubeObject;
  /** Writes by the fake's own controllers (scheduling a pod, binding a claim) skip immutability. */
  internal?: boolean;
}

/** Throws the apiserver's error for an object that may not be stored; returns nothing when valid. */
export function validateObject(
  type: ResourceType,
  object: KubeObject,
  options: ValidationOptions = {},
): void {
  const errors = schemaErrors(type, object);
  const creating = !options.old;
  errors.push(...metadataErrors(type, object, creating));
  const old = options.internal ? undefined : options.old;
  switch (type.kind) {
    case 'Deployment':
    case 'ReplicaSet':
      errors.push(...workloadErrors(type.kind, object, old));
      break;
    case 'Pod':
      errors.push(...podSpecErrors('spec', (object.spec ?? {}) as Obj));
      if (old) errors.push(...podUpdateErrors(object, old));
      break;
    case 'Service':
      errors.push(...serviceErrors(object, old));
      break;
    case 'ConfigMap':
    case 'Secret':
      errors.push(...configErrors(type.kind, object, old));
      break;
    case 'NetworkPolicy':
      errors.push(...networkPolicyErrors(object));
      break;
    case 'PersistentVolume':
      errors.push(...persistentVolumeErrors(object));
      break;
    case 'PersistentVolumeClaim':
      errors.push(...claimErrors(object, old));
      break;
  }
  if (errors.length > 0) throw invalid(type.kind, type.group, object.metadata.name ?? '', errors);
}
