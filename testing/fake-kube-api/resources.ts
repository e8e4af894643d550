/**
 * The kinds the fake serves and the discovery documents that describe them (/api, /api/v1, /apis,
 * /apis/{group}, /apis/{group}/{version}) in the legacy (non-aggregated) format client-node reads:
 * APIVersions, APIGroupList, APIGroup and APIResourceList with kind, namespaced, verbs and
 * shortNames, subresources listed as `pods/log` and so on.
 */
export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'any';

export interface SubresourceType {
  kind: string;
  verbs: string[];
  group?: string;
  version?: string;
}

export interface ResourceType {
  group: string;
  version: string;
  /** Plural, lower case: the URL segment. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources: Record<string, SubresourceType>;
  /** How metadata.name is validated. */
  nameRule: NameRule;
  /** metadata.generation is kept and bumped on spec changes. */
  generation: boolean;
}

const all = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const statusVerbs = ['get', 'patch', 'update'];

function type(
  partial: Omit<ResourceType, 'subresources' | 'verbs' | 'nameRule' | 'generation'> &
    Partial<Pick<ResourceType, 'subresources' | 'verbs' | 'nameRule' | 'generation'>>,
): ResourceType {
  return { verbs: all, subresources: {}, nameRule: 'subdomain', generation: false, ...partial };
}

export const resourceTypes: readonly ResourceType[] = [
  type({
    group: '',
    version: 'v1',
    resource: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
  }),
  type({
    group: '',
    version: 'v1',
    resource: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    nameRule: 'any',
  }),
  type({
    group: '',
    version: 'v1',
    resource: 'limitranges',
    singular: 'limitrange',
    kind: 'LimitRange',
    namespaced: true,
    shortNames: ['limits'],
  }),
  type({
    group: '',
    version: 'v1',
    resource: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['ns'],
    nameRule: 'label',
    subresources: {
      finalize: { kind: 'Namespace', verbs: ['update'] },
      status: { kind: 'Namespace', verbs: statusVerbs },
    },
  }),
  type({
    group: '',
    version: 'v1',
    resource: 'nodes',
    singular: 'node',
    kind: 'Node',
    namespaced: false,
    shortNames: ['no'],
    subresources: { status: { kind: 'Node', verbs: statusVerbs } },
  }),
  type({
    group: '',
    version: 'v1',
    resource: 'persistentvolumeclaims',
    singular: 'persistentvolumeclaim',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
    shortNames: ['pvc'],
    subresources: { status: { kind: 'PersistentVolumeClaim', verbs: statusVerbs } },
  }),
  type({
    group: '',
    version: 'v1',
    resource: 'persistentvolumes',
    singular: 'persistentvolume',
    kind: 'PersistentVolume',
    namespaced: false,
    shortNames: ['pv'],
    subresources: { status: { kind: 'PersistentVolume', verbs: statusVerbs } },
  }),
  type({
    group: '',
    version: 'v1',
    resource: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    generation: true,
    subresources: {
      log: { kind: 'Pod', verbs: ['get'] },
      portforward: { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      status: { kind: 'Pod', verbs: statusVerbs },
    },
  }),
  type({
    group: '',
    version: 'v1',
    resource: 'resourcequotas',
    singular: 'resourcequota',
    kind: 'ResourceQuota',
    namespaced: true,
    shortNames: ['quota'],
    subresources: { status: { kind: 'ResourceQuota', verbs: statusVerbs } },
  }),
  type({
    group: '',
    version: 'v1',
    resource: 'secrets',
    singular: 'secret',
    kind: 'Secret',
    namespaced: true,
  }),
  type({
    group: '',
    version: 'v1',
    resource: 'serviceaccounts',
    singular: 'serviceaccount',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
  }),
  type({
    group: '',
    version: 'v1',
    resource: 'services',
    singular: 'service',
    kind: 'Service',
    namespaced: true,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['svc'],
    categories: ['all'],
    nameRule: 'dns1035',
    subresources: { status: { kind: 'Service', verbs: statusVerbs } },
  }),
  type({
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    generation: true,
    subresources: {
      scale: { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: statusVerbs },
      status: { kind: 'Deployment', verbs: statusVerbs },
    },
  }),
  type({
    group: 'apps',
    version: 'v1',
    resource: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    generation: true,
    subresources: {
      scale: { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: statusVerbs },
      status: { kind: 'ReplicaSet', verbs: statusVerbs },
    },
  }),
  type({
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'networkpolicies',
    singular: 'networkpolicy',
    kind: 'NetworkPolicy',
    namespaced: true,
    shortNames: ['netpol'],
    generation: true,
  }),
];

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

export function typeKey(type: ResourceType): string {
  return type.group ? `${type.resource}.${type.group}` : type.resource;
}

export function findByResource(group: string, version: string, resource: string): ResourceType | undefined {
  return resourceTypes.find(
    candidate =>
      candidate.group === group && candidate.version === version && candidate.resource === resource,
  );
}

export function findByKind(apiVersion: string, kind: string): ResourceType | undefined {
  return resourceTypes.find(candidate => apiVersionOf(candidate) === apiVersion && candidate.kind === kind);
}

export function resourceType(key: string): ResourceType {
  const found = resourceTypes.find(candidate => typeKey(candidate) === key);
  if (!found) throw new Error(`unknown resource type ${key}`);
  return found;
}

/** Whether writes to the main resource ignore `.status` (and /status ignores everything else). */
export function hasStatusSubresource(type: ResourceType): boolean {
  return 'status' in type.subresources;
}

const groups = [...new Set(resourceTypes.map(candidate => candidate.group).filter(group => group !== ''))];

export function apiVersionsDocument(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDocument(group: string): Record<string, unknown> {
  const versions = [
    ...new Set(resourceTypes.filter(candidate => candidate.group === group).map(item => item.version)),
  ].map(version => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupListDocument(): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(groupDocument) };
}

export function apiGroupDocument(group: string): unknown {
  if (!groups.includes(group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(group) };
}

export function apiResourceListDocument(group: string, version: string): unknown {
  const served = resourceTypes.filter(
    candidate => candidate.group === group && candidate.version === version,
  );
  if (served.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const item of served) {
    resources.push({
      name: item.resource,
      singularName: item.singular,
      namespaced: item.namespaced,
      kind: item.kind,
      verbs: item.verbs,
      ...(item.shortNames ? { shortNames: item.shortNames } : {}),
      ...(item.categories ? { categories: item.categories } : {}),
    });
    for (const [name, sub] of Object.entries(item.subresources)) {
      resources.push({
        name: `${item.resource}/${name}`,
        singularName: '',
        namespaced: item.namespaced,
        ...(sub.group !== undefined ? { group: sub.group, version: sub.version } : {}),
        kind: sub.kind,
        verbs: sub.verbs,
      });
    }
  }
  return {
    kind: 'APIResourceList',
    // The core group's list has no apiVersion, the named groups' lists do.
    ...(group ? { apiVersion: 'v1' } : {}),
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}
