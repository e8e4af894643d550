/**
 * How each list in the kinds we serve merges, from the Go types' markers: `+listType=map` with
 * `+listMapKey` (merged item by item, keyed), `+listType=set` (merged as a set of scalars) or
 * atomic (replaced whole). Server-side apply uses the keys; strategic merge patch uses the first
 * key as its `patchMergeKey`. `path` is the field names from the object root, without indices.
 */
export type ListType = { type: 'map'; keys: string[] } | { type: 'set' } | { type: 'atomic' };

const containerLists = new Set(['containers', 'initContainers', 'ephemeralContainers']);

export function listTypeFor(kind: string, path: readonly string[]): ListType {
  const field = path[path.length - 1] ?? '';
  const parent = path[path.length - 2] ?? '';
  if (path.length === 2 && path[0] === 'metadata') {
    if (field === 'finalizers') return { type: 'set' };
    if (field === 'ownerReferences') return { type: 'map', keys: ['uid'] };
  }
  if (field === 'conditions') return { type: 'map', keys: ['type'] };
  if (containerLists.has(field)) return { type: 'map', keys: ['name'] };
  if (containerLists.has(parent)) {
    if (field === 'ports') return { type: 'map', keys: ['containerPort', 'protocol'] };
    if (field === 'env') return { type: 'map', keys: ['name'] };
    if (field === 'volumeMounts') return { type: 'map', keys: ['mountPath'] };
    if (field === 'volumeDevices') return { type: 'map', keys: ['devicePath'] };
    if (field === 'resizePolicy') return { type: 'atomic' };
  }
  if (kind === 'Service' && path.join('.') === 'spec.ports')
    return { type: 'map', keys: ['port', 'protocol'] };
  if (field === 'volumes' && parent === 'spec') return { type: 'map', keys: ['name'] };
  if (field === 'imagePullSecrets') return { type: 'map', keys: ['name'] };
  if (field === 'hostAliases') return { type: 'map', keys: ['ip'] };
  if (field === 'topologySpreadConstraints')
    return { type: 'map', keys: ['topologyKey', 'whenUnsatisfiable'] };
  if (field === 'resourceClaims' && parent === 'spec') return { type: 'map', keys: ['name'] };
  if (field === 'containerStatuses' || field === 'initContainerStatuses') return { type: 'atomic' };
  if (field === 'podIPs' || field === 'hostIPs') return { type: 'map', keys: ['ip'] };
  return { type: 'atomic' };
}

/** Defaults that take part in list keys (SSA keys a container port by containerPort and protocol). */
export function keyDefaults(kind: string, path: readonly string[]): Record<string, unknown> {
  const field = path[path.length - 1] ?? '';
  const parent = path[path.length - 2] ?? '';
  if (
    field === 'ports' &&
    (containerLists.has(parent) || (kind === 'Service' && path.join('.') === 'spec.ports'))
  ) {
    return { protocol: 'TCP' };
  }
  return {};
}

const labelSelectorFields = new Set(['podSelector', 'namespaceSelector', 'labelSelector']);

/**
 * Structs marked `+structType=atomic` (owned and replaced as a whole): every metav1.LabelSelector
 * — a Deployment's or ReplicaSet's spec.selector, a claim's selector, a NetworkPolicy's pod and
 * namespace selectors. (A Service's spec.selector is a plain map and merges key by key.)
 */
export function isAtomicStruct(kind: string, path: readonly string[]): boolean {
  const field = path[path.length - 1] ?? '';
  if (labelSelectorFields.has(field)) return true;
  return field === 'selector' && path.length === 2 && path[0] === 'spec' && kind !== 'Service';
}
