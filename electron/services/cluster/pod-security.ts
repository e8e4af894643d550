import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';

/**
 * Pod Security Standards, level "restricted", version "latest": the checks Kubernetes' admission
 * runs (k8s.io/pod-security-admission/policy), with the same reasons and details, so a violation
 * found here reads exactly like the API server's refusal. Pure: the tests run it over every pod
 * template we render, and the ClusterService before it applies anything.
 */

export interface PodSecurityViolation {
  /** The admission check's id (`runAsNonRoot`, `capabilities_restricted`…). */
  check: string;
  /** Kubernetes' forbidden reason (`runAsNonRoot != true`). */
  reason: string;
  /** Kubernetes' forbidden detail (`pod or container "x" must set securityContext.runAsNonRoot=true`). */
  detail: string;
}

export interface PodLike {
  metadata?: { annotations?: Record<string, string> };
  spec: IPodSpec;
}

export const restrictedLevel = 'restricted:latest';

type Check = { id: string; run: (pod: PodLike) => { reason: string; detail: string } | null };

/** The checks in the order admission runs them: baseline's (those restricted does not override), then restricted's. */
const checks: Check[] = [
  { id: 'appArmorProfile', run: appArmorProfile },
  { id: 'hostNamespaces', run: hostNamespaces },
  { id: 'hostPorts', run: hostPorts },
  { id: 'hostProbesAndHostLifecycle', run: hostProbesAndLifecycle },
  { id: 'privileged', run: privileged },
  { id: 'procMount', run: procMount },
  { id: 'seLinuxOptions', run: seLinuxOptions },
  { id: 'sysctls', run: sysctls },
  { id: 'windowsHostProcess', run: windowsHostProcess },
  { id: 'allowPrivilegeEscalation', run: allowPrivilegeEscalation },
  { id: 'capabilities_restricted', run: capabilitiesRestricted },
  { id: 'restrictedVolumes', run: restrictedVolumes },
  { id: 'runAsNonRoot', run: runAsNonRoot },
  { id: 'runAsUser', run: runAsUser },
  { id: 'seccompProfile_restricted', run: seccompProfileRestricted },
];

export function checkRestrictedPod(pod: PodLike): PodSecurityViolation[] {
  return checks.flatMap(check => {
    const result = check.run(pod);
    return result ? [{ check: check.id, ...result }] : [];
  });
}

/** The pod template of a workload (or the pod itself); null for kinds that run no pods. */
export function podTemplateOf(object: { kind?: string; metadata?: unknown; spec?: unknown }): PodLike | null {
  const spec = object.spec as
    | {
        template?: PodLike;
        jobTemplate?: { spec?: { template?: PodLike } };
      }
    | undefined;
  switch (object.kind) {
    case 'Pod':
      return spec ? { metadata: object.metadata as PodLike['metadata'], spec: spec as IPodSpec } : null;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'Job':
      return spec?.template?.spec ? spec.template : null;
    case 'CronJob':
      return spec?.jobTemplate?.spec?.template?.spec ? spec.jobTemplate.spec.template : null;
    default:
      return null;
  }
}

/** The violations of an object's pods; none for objects that run no pods. */
export function restrictedViolationsOf(object: {
  kind?: string;
  metadata?: unknown;
  spec?: unknown;
}): PodSecurityViolation[] {
  const pod = podTemplateOf(object);
  return pod ? checkRestrictedPod(pod) : [];
}

/** As the API server says it: `violates PodSecurity "restricted:latest": reason (detail), …`. */
export function formatPodSecurityViolations(violations: readonly PodSecurityViolation[]): string {
  return `violates PodSecurity "${restrictedLevel}": ${violations
    .map(violation => (violation.detail ? `${violation.reason} (${violation.detail})` : violation.reason))
    .join(', ')}`;
}

function containersOf(spec: IPodSpec): IContainer[] {
  return [
    ...(spec.initContainers ?? []),
    ...spec.containers,
    ...(spec.ephemeralContainers ?? []).map(container => container as IContainer),
  ];
}

function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

function sortedUnique(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

function containersPhrase(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

function appArmorProfile({ metadata, spec }: PodLike) {
  const allowedType = (type: string) => type === 'RuntimeDefault' || type === 'Localhost';
  const setters: string[] = [];
  const badValues = new Set<string>();
  const podType = spec.securityContext?.appArmorProfile?.type;
  if (podType !== undefined && !allowedType(podType)) {
    setters.push('pod');
    badValues.add(podType);
  }
  const badContainers: string[] = [];
  for (const container of containersOf(spec)) {
    const type = container.securityContext?.appArmorProfile?.type;
    if (type !== undefined && !allowedType(type)) {
      badContainers.push(container.name);
      badValues.add(type);
    }
  }
  if (badContainers.length > 0) setters.push(containersPhrase(badContainers));
  const prefix = 'container.apparmor.security.beta.kubernetes.io/';
  const annotations = Object.entries(metadata?.annotations ?? {})
    .filter(
      ([key, value]) =>
        key.startsWith(prefix) &&
        !(value === '' || value === 'runtime/default' || value.startsWith('localhost/')),
    )
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .sort();
  const values = [...sortedUnique(badValues), ...annotations];
  if (annotations.length > 0) setters.push(pluralize('annotation', 'annotations', annotations.length));
  if (setters.length === 0) return null;
  return {
    reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', values.length),
    detail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(values)}`,
  };
}

function hostNamespaces({ spec }: PodLike) {
  const used = [
    ...(spec.hostNetwork ? ['hostNetwork'] : []),
    ...(spec.hostPID ? ['hostPID'] : []),
    ...(spec.hostIPC ? ['hostIPC'] : []),
  ].sort();
  return used.length > 0 ? { reason: 'host namespaces', detail: used.join(', ') } : null;
}

function hostPorts({ spec }: PodLike) {
  const badContainers: string[] = [];
  const ports = new Set<string>();
  for (const container of containersOf(spec)) {
    const used = (container.ports ?? []).filter(port => (port.hostPort ?? 0) !== 0);
    if (used.length === 0) continue;
    badContainers.push(container.name);
    for (const port of used) ports.add(String(port.hostPort));
  }
  if (badContainers.length === 0) return null;
  return {
    reason: 'hostPort',
    detail: `${containersPhrase(badContainers)} ${pluralize('uses', 'use', badContainers.length)} ${pluralize('hostPort', 'hostPorts', ports.size)} ${sortedUnique(ports).join(', ')}`,
  };
}

function hostProbesAndLifecycle({ spec }: PodLike) {
  const badContainers = new Set<string>();
  const hosts = new Set<string>();
  const handlerHosts = (handler: Pick<IProbe, 'httpGet' | 'tcpSocket'> | undefined) =>
    [handler?.httpGet?.host, handler?.tcpSocket?.host].filter((host): host is string => !!host);
  for (const container of containersOf(spec)) {
    const found = [
      container.livenessProbe,
      container.readinessProbe,
      container.startupProbe,
      container.lifecycle?.postStart,
      container.lifecycle?.preStop,
    ].flatMap(handlerHosts);
    if (found.length === 0) continue;
    badContainers.add(container.name);
    for (const host of found) hosts.add(host);
  }
  if (badContainers.size === 0) return null;
  const names = sortedUnique(badContainers);
  return {
    reason: 'probe or lifecycle host',
    detail: `${containersPhrase(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', hosts.size)} ${joinQuote(sortedUnique(hosts))}`,
  };
}

function privileged({ spec }: PodLike) {
  const bad = containersOf(spec)
    .filter(container => container.securityContext?.privileged === true)
    .map(container => container.name);
  return bad.length > 0
    ? {
        reason: 'privileged',
        detail: `${containersPhrase(bad)} must not set securityContext.privileged=true`,
      }
    : null;
}

function procMount({ spec }: PodLike) {
  const badContainers: string[] = [];
  const types = new Set<string>();
  for (const container of containersOf(spec)) {
    const type = container.securityContext?.procMount;
    if (type !== undefined && type !== 'Default') {
      badContainers.push(container.name);
      types.add(type);
    }
  }
  if (badContainers.length === 0) return null;
  return {
    reason: 'procMount',
    detail: `${containersPhrase(badContainers)} must not set securityContext.procMount to ${joinQuote(sortedUnique(types))}`,
  };
}

function seLinuxOptions({ spec }: PodLike) {
  const allowedTypes = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
  const badTypes = new Set<string>();
  const set = { user: false, role: false };
  const valid = (options: { type?: string; user?: string; role?: string }) => {
    let ok = true;
    if (!allowedTypes.has(options.type ?? '')) {
      ok = false;
      badTypes.add(options.type ?? '');
    }
    if (options.user) {
      ok = false;
      set.user = true;
    }
    if (options.role) {
      ok = false;
      set.role = true;
    }
    return ok;
  };
  const setters: string[] = [];
  const podOptions = spec.securityContext?.seLinuxOptions;
  if (podOptions && !valid(podOptions)) setters.push('pod');
  const badContainers = containersOf(spec)
    .filter(container => {
      const options = container.securityContext?.seLinuxOptions;
      return options !== undefined && !valid(options);
    })
    .map(container => container.name);
  if (badContainers.length > 0) setters.push(containersPhrase(badContainers));
  if (setters.length === 0) return null;
  // Kubernetes lists the user and role problems only beside a bad type; kept as it is.
  const data: string[] = [];
  if (badTypes.size > 0) {
    data.push(`${pluralize('type', 'types', badTypes.size)} ${joinQuote(sortedUnique(badTypes))}`);
    if (set.user) data.push('user may not be set');
    if (set.role) data.push('role may not be set');
  }
  return {
    reason: 'seLinuxOptions',
    detail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`,
  };
}

/** The sysctls baseline allows in its latest version. */
const safeSysctls = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);

function sysctls({ spec }: PodLike) {
  const forbidden = (spec.securityContext?.sysctls ?? [])
    .map(sysctl => sysctl.name)
    .filter(name => !safeSysctls.has(name));
  return forbidden.length > 0 ? { reason: 'forbidden sysctls', detail: forbidden.join(', ') } : null;
}

function windowsHostProcess({ spec }: PodLike) {
  const setters: string[] = [];
  if (spec.securityContext?.windowsOptions?.hostProcess === true) setters.push('pod');
  const bad = containersOf(spec)
    .filter(container => container.securityContext?.windowsOptions?.hostProcess === true)
    .map(container => container.name);
  if (bad.length > 0) setters.push(containersPhrase(bad));
  return setters.length > 0
    ? {
        reason: 'hostProcess',
        detail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`,
      }
    : null;
}

function allowPrivilegeEscalation({ spec }: PodLike) {
  const bad = containersOf(spec)
    .filter(container => container.securityContext?.allowPrivilegeEscalation !== false)
    .map(container => container.name);
  return bad.length > 0
    ? {
        reason: 'allowPrivilegeEscalation != false',
        detail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`,
      }
    : null;
}

function capabilitiesRestricted({ spec }: PodLike) {
  const missingDropAll: string[] = [];
  const adding: string[] = [];
  const forbidden = new Set<string>();
  for (const container of containersOf(spec)) {
    const capabilities = container.securityContext?.capabilities;
    if (!capabilities) {
      missingDropAll.push(container.name);
      continue;
    }
    if (!(capabilities.drop ?? []).includes('ALL')) missingDropAll.push(container.name);
    const added = (capabilities.add ?? []).filter(capability => capability !== 'NET_BIND_SERVICE');
    if (added.length > 0) {
      adding.push(container.name);
      for (const capability of added) forbidden.add(capability);
    }
  }
  const details = [
    ...(missingDropAll.length > 0
      ? [`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`]
      : []),
    ...(adding.length > 0
      ? [
          `${containersPhrase(adding)} must not include ${joinQuote(sortedUnique(forbidden))} in securityContext.capabilities.add`,
        ]
      : []),
  ];
  return details.length > 0 ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : null;
}

/** The inline volume sources restricted allows; every other source (hostPath, nfs…) is refused. */
const allowedVolumeSources = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
] as const;
const restrictedVolumeSources = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
] as const;

function restrictedVolumes({ spec }: PodLike) {
  const badVolumes: string[] = [];
  const badTypes = new Set<string>();
  for (const volume of spec.volumes ?? []) {
    const fields = volume as unknown as Record<string, unknown>;
    if (allowedVolumeSources.some(source => fields[source] !== undefined)) continue;
    badVolumes.push(volume.name);
    badTypes.add(restrictedVolumeSources.find(source => fields[source] !== undefined) ?? 'unknown');
  }
  if (badVolumes.length === 0) return null;
  return {
    reason: 'restricted volume types',
    detail: `${pluralize('volume', 'volumes', badVolumes.length)} ${joinQuote(badVolumes)} ${pluralize('uses', 'use', badVolumes.length)} ${pluralize('restricted volume type', 'restricted volume types', badTypes.size)} ${joinQuote(sortedUnique(badTypes))}`,
  };
}

function runAsNonRoot({ spec }: PodLike) {
  const badSetters: string[] = [];
  const podValue = spec.securityContext?.runAsNonRoot;
  if (podValue === false) badSetters.push('pod');
  const podNonRoot = podValue === true;
  const explicitlyBad: string[] = [];
  const implicitlyBad: string[] = [];
  for (const container of containersOf(spec)) {
    const value = container.securityContext?.runAsNonRoot;
    if (value === false) explicitlyBad.push(container.name);
    else if (value === undefined && !podNonRoot) implicitlyBad.push(container.name);
  }
  if (explicitlyBad.length > 0) badSetters.push(containersPhrase(explicitlyBad));
  if (badSetters.length > 0) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `${badSetters.join(' and ')} must not set securityContext.runAsNonRoot=false`,
    };
  }
  if (implicitlyBad.length > 0) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `pod or ${containersPhrase(implicitlyBad)} must set securityContext.runAsNonRoot=true`,
    };
  }
  return null;
}

function runAsUser({ spec }: PodLike) {
  const setters: string[] = [];
  if (spec.securityContext?.runAsUser === 0) setters.push('pod');
  const bad = containersOf(spec)
    .filter(container => container.securityContext?.runAsUser === 0)
    .map(container => container.name);
  if (bad.length > 0) setters.push(containersPhrase(bad));
  return setters.length > 0
    ? { reason: 'runAsUser=0', detail: `${setters.join(' and ')} must not set runAsUser=0` }
    : null;
}

function seccompProfileRestricted({ spec }: PodLike) {
  const valid = (type: string) => type === 'RuntimeDefault' || type === 'Localhost';
  const badSetters: string[] = [];
  const badValues = new Set<string>();
  let podSet = false;
  const podType = spec.securityContext?.seccompProfile?.type;
  if (podType !== undefined) {
    if (valid(podType)) podSet = true;
    else {
      badSetters.push('pod');
      badValues.add(podType);
    }
  }
  const explicitlyBad: string[] = [];
  const implicitlyBad: string[] = [];
  for (const container of containersOf(spec)) {
    const type = container.securityContext?.seccompProfile?.type;
    if (type !== undefined) {
      if (!valid(type)) {
        explicitlyBad.push(container.name);
        badValues.add(type);
      }
    } else if (!podSet) implicitlyBad.push(container.name);
  }
  if (explicitlyBad.length > 0) badSetters.push(containersPhrase(explicitlyBad));
  if (badSetters.length > 0) {
    return {
      reason: 'seccompProfile',
      detail: `${badSetters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(badValues))}`,
    };
  }
  if (implicitlyBad.length > 0) {
    return {
      reason: 'seccompProfile',
      detail: `pod or ${containersPhrase(implicitlyBad)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    };
  }
  return null;
}
