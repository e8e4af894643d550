/**
 * The defaults the apiserver fills in on every write (pkg/apis/<group>/v1/defaults.go), so objects read
 * back look like a real cluster's: a Deployment's strategy, revisionHistoryLimit and
 * progressDeadlineSeconds, a pod template's restartPolicy, dnsPolicy, terminationMessagePath,
 * imagePullPolicy and probe timings, a Service's ClusterIP fields, a NetworkPolicy's policyTypes…
 */
type Obj = Record<string, unknown>;

function object(value: unknown): Obj | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : undefined;
}

function ensure(parent: Obj, key: string): Obj {
  const existing = object(parent[key]);
  if (existing) return existing;
  const created: Obj = {};
  parent[key] = created;
  return created;
}

function setDefault(target: Obj, key: string, value: unknown): void {
  target[key] ??= value;
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.filter((item): item is Obj => object(item) !== undefined) : [];
}

function defaultProbe(probe: unknown): void {
  const target = object(probe);
  if (!target) return;
  setDefault(target, 'timeoutSeconds', 1);
  setDefault(target, 'periodSeconds', 10);
  setDefault(target, 'successThreshold', 1);
  setDefault(target, 'failureThreshold', 3);
  const httpGet = object(target.httpGet);
  if (httpGet) {
    setDefault(httpGet, 'path', '/');
    setDefault(httpGet, 'scheme', 'HTTP');
  }
}

function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0] ?? image;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon >= 0 ? withoutDigest.slice(colon + 1) : undefined;
}

function defaultContainer(container: Obj): void {
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  const image = typeof container.image === 'string' ? container.image : '';
  const tag = imageTag(image);
  setDefault(
    container,
    'imagePullPolicy',
    image.includes('@') ? 'IfNotPresent' : !tag || tag === 'latest' ? 'Always' : 'IfNotPresent',
  );
  setDefault(container, 'resources', {});
  const resources = object(container.resources);
  // Limits without requests: the requests default to the limits.
  if (resources) {
    const limits = object(resources.limits);
    if (limits) {
      const requests = ensure(resources, 'requests');
      for (const [name, value] of Object.entries(limits)) setDefault(requests, name, value);
    }
  }
  for (const port of list(container.ports)) setDefault(port, 'protocol', 'TCP');
  for (const env of list(container.env)) {
    const fieldRef = object(object(env.valueFrom)?.fieldRef);
    if (fieldRef) setDefault(fieldRef, 'apiVersion', 'v1');
  }
  defaultProbe(container.livenessProbe);
  defaultProbe(container.readinessProbe);
  defaultProbe(container.startupProbe);
}

export function defaultPodSpec(spec: Obj): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const container of [...list(spec.initContainers), ...list(spec.containers)])
    defaultContainer(container);
  for (const volume of list(spec.volumes)) {
    const configMap = object(volume.configMap);
    if (configMap) setDefault(configMap, 'defaultMode', 420);
    const secret = object(volume.secret);
    if (secret) setDefault(secret, 'defaultMode', 420);
    const projected = object(volume.projected);
    if (projected) setDefault(projected, 'defaultMode', 420);
    const emptyDir = volume.emptyDir;
    if (emptyDir === null) volume.emptyDir = {};
  }
}

/** Pods get more than templates: what the pod registry and admission add on create. */
export function defaultPod(pod: Obj): void {
  const spec = ensure(pod, 'spec');
  defaultPodSpec(spec);
  setDefault(spec, 'serviceAccountName', 'default');
  spec.serviceAccount = spec.serviceAccountName;
  setDefault(spec, 'enableServiceLinks', true);
  setDefault(spec, 'priority', 0);
  setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  const tolerations = list(spec.tolerations);
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some(toleration => toleration.key === key)) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
  spec.tolerations = tolerations;
}

function defaultTemplate(spec: Obj): void {
  const template = ensure(spec, 'template');
  ensure(template, 'metadata');
  defaultPodSpec(ensure(template, 'spec'));
}

function defaultDeployment(deployment: Obj): void {
  const spec = ensure(deployment, 'spec');
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  const strategy = ensure(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rollingUpdate = ensure(strategy, 'rollingUpdate');
    setDefault(rollingUpdate, 'maxUnavailable', '25%');
    setDefault(rollingUpdate, 'maxSurge', '25%');
  }
  defaultTemplate(spec);
}

function defaultReplicaSet(replicaSet: Obj): void {
  const spec = ensure(replicaSet, 'spec');
  setDefault(spec, 'replicas', 1);
  defaultTemplate(spec);
}

function defaultService(service: Obj): void {
  const spec = ensure(service, 'spec');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer')
    setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  for (const port of list(spec.ports)) {
    setDefault(port, 'protocol', 'TCP');
    setDefault(port, 'targetPort', port.port);
  }
}

function defaultNetworkPolicy(policy: Obj): void {
  const spec = ensure(policy, 'spec');
  setDefault(spec, 'podSelector', {});
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = Array.isArray(spec.egress) ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  for (const rule of [...list(spec.ingress), ...list(spec.egress)]) {
    for (const port of list(rule.ports)) setDefault(port, 'protocol', 'TCP');
  }
}

function defaultPersistentVolume(volume: Obj): void {
  const spec = ensure(volume, 'spec');
  setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setDefault(spec, 'volumeMode', 'Filesystem');
}

function defaultPersistentVolumeClaim(claim: Obj): void {
  const spec = ensure(claim, 'spec');
  setDefault(spec, 'volumeMode', 'Filesystem');
}

function defaultSecret(secret: Obj): void {
  setDefault(secret, 'type', 'Opaque');
}

function defaultNamespace(namespace: Obj): void {
  const metadata = ensure(namespace, 'metadata');
  const labels = ensure(metadata, 'labels');
  if (typeof metadata.name === 'string') labels['kubernetes.io/metadata.name'] = metadata.name;
  const spec = ensure(namespace, 'spec');
  setDefault(spec, 'finalizers', ['kubernetes']);
}

function defaultLimitRange(range: Obj): void {
  const spec = ensure(range, 'spec');
  for (const limit of list(spec.limits)) {
    if (limit.type !== 'Container') continue;
    // A default limit also becomes the default request when none is given.
    const defaults = object(limit.default);
    if (defaults) {
      const requests = ensure(limit, 'defaultRequest');
      for (const [name, value] of Object.entries(defaults)) setDefault(requests, name, value);
    }
  }
}

const byKind: Record<string, (object: Obj) => void> = {
  Deployment: defaultDeployment,
  ReplicaSet: defaultReplicaSet,
  Pod: defaultPod,
  Service: defaultService,
  NetworkPolicy: defaultNetworkPolicy,
  PersistentVolume: defaultPersistentVolume,
  PersistentVolumeClaim: defaultPersistentVolumeClaim,
  Secret: defaultSecret,
  Namespace: defaultNamespace,
  LimitRange: defaultLimitRange,
};

export function applyDefaults(kind: string, target: Obj): void {
  byKind[kind]?.(target);
}
