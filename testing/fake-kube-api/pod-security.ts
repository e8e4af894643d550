/**
 * Pod Security admission (k8s.io/pod-security-admission) for the `baseline` and `restricted`
 * levels at `latest`: each check's forbidden reason and detail exactly as the real policy words
 * them, baseline checks first then restricted ones, each level's checks in ID order, joined as
 * `reason (detail), reason (detail)`.
 */
type Obj = Record<string, unknown>;

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface Violation {
  reason: string;
  detail: string;
}

interface Container {
  name: string;
  securityContext: Obj;
  ports: Obj[];
}

interface PodView {
  spec: Obj;
  podSecurity: Obj;
  containers: Container[];
  volumes: Obj[];
}

function object(value: unknown): Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : {};
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.map(object) : [];
}

function view(spec: Obj): PodView {
  const containers = [
    ...list(spec.initContainers),
    ...list(spec.containers),
    ...list(spec.ephemeralContainers),
  ].map(container => ({
    name: typeof container.name === 'string' ? container.name : '',
    securityContext: object(container.securityContext),
    ports: list(container.ports),
  }));
  return { spec, podSecurity: object(spec.securityContext), containers, volumes: list(spec.volumes) };
}

function quoted(values: string[]): string {
  return values.map(value => JSON.stringify(value)).join(', ');
}

/** `container "a"` / `containers "a", "b"`. */
function containers(names: string[]): string {
  return `${names.length === 1 ? 'container' : 'containers'} ${quoted(names)}`;
}

function pluralVerb(names: string[], one: string, many: string): string {
  return names.length === 1 ? one : many;
}

type Check = (pod: PodView) => Violation | null;

const baselineCapabilities = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

function capabilityAdds(container: Container): string[] {
  const added = object(container.securityContext.capabilities).add;
  return Array.isArray(added) ? added.filter((item): item is string => typeof item === 'string') : [];
}

function disallowedAdds(pod: PodView, allowed: (capability: string) => boolean): string | null {
  const names: string[] = [];
  const capabilities = new Set<string>();
  for (const container of pod.containers) {
    const bad = capabilityAdds(container).filter(capability => !allowed(capability));
    if (bad.length > 0) {
      names.push(container.name);
      for (const capability of bad) capabilities.add(capability);
    }
  }
  if (names.length === 0) return null;
  return `${containers(names)} must not include ${quoted([...capabilities])} in securityContext.capabilities.add`;
}

const capabilitiesBaseline: Check = pod => {
  const detail = disallowedAdds(pod, capability => baselineCapabilities.has(capability));
  return detail ? { reason: 'non-default capabilities', detail } : null;
};

const hostNamespaces: Check = pod => {
  const set = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter(field => pod.spec[field] === true);
  return set.length > 0
    ? { reason: 'host namespaces', detail: set.map(field => `${field}=true`).join(', ') }
    : null;
};

const hostPathVolumes: Check = pod => {
  const names = pod.volumes
    .filter(volume => volume.hostPath !== undefined)
    .map(volume => String(volume.name));
  if (names.length === 0) return null;
  return {
    reason: 'hostPath volumes',
    detail: `${names.length === 1 ? 'volume' : 'volumes'} ${quoted(names)}`,
  };
};

const hostPorts: Check = pod => {
  const names: string[] = [];
  const ports: string[] = [];
  for (const container of pod.containers) {
    const used = container.ports
      .map(port => port.hostPort)
      .filter((port): port is number => typeof port === 'number' && port !== 0);
    if (used.length > 0) {
      names.push(container.name);
      ports.push(...used.map(String));
    }
  }
  if (names.length === 0) return null;
  return {
    reason: 'hostPort',
    detail: `${containers(names)} ${pluralVerb(names, 'uses', 'use')} ${ports.length === 1 ? 'hostPort' : 'hostPorts'} ${ports.join(', ')}`,
  };
};

const privileged: Check = pod => {
  const names = pod.containers
    .filter(container => container.securityContext.privileged === true)
    .map(container => container.name);
  return names.length > 0
    ? { reason: 'privileged', detail: `${containers(names)} must not set securityContext.privileged=true` }
    : null;
};

const procMount: Check = pod => {
  const bad = pod.containers.filter(
    container =>
      container.securityContext.procMount !== undefined && container.securityContext.procMount !== 'Default',
  );
  if (bad.length === 0) return null;
  const values = [...new Set(bad.map(container => String(container.securityContext.procMount)))];
  return {
    reason: 'procMount',
    detail: `${containers(bad.map(container => container.name))} must not set securityContext.procMount to ${quoted(values)}`,
  };
};

function seccompType(context: Obj): string | undefined {
  const type = object(context.seccompProfile).type;
  return typeof type === 'string' ? type : undefined;
}

const seccompBaseline: Check = pod => {
  const details: string[] = [];
  if (seccompType(pod.podSecurity) === 'Unconfined') {
    details.push('pod must not set securityContext.seccompProfile.type to "Unconfined"');
  }
  const bad = pod.containers.filter(container => seccompType(container.securityContext) === 'Unconfined');
  if (bad.length > 0) {
    details.push(
      `${containers(bad.map(container => container.name))} must not set securityContext.seccompProfile.type to "Unconfined"`,
    );
  }
  return details.length > 0 ? { reason: 'seccompProfile', detail: details.join('; ') } : null;
};

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

const sysctls: Check = pod => {
  const names = list(pod.podSecurity.sysctls)
    .map(sysctl => String(sysctl.name))
    .filter(name => !safeSysctls.has(name));
  return names.length > 0 ? { reason: 'forbidden sysctls', detail: names.join(', ') } : null;
};

const allowPrivilegeEscalation: Check = pod => {
  const names = pod.containers
    .filter(container => container.securityContext.allowPrivilegeEscalation !== false)
    .map(container => container.name);
  return names.length > 0
    ? {
        reason: 'allowPrivilegeEscalation != false',
        detail: `${containers(names)} must set securityContext.allowPrivilegeEscalation=false`,
      }
    : null;
};

const capabilitiesRestricted: Check = pod => {
  const details: string[] = [];
  const notDropping = pod.containers
    .filter(container => {
      const drop = object(container.securityContext.capabilities).drop;
      return !(Array.isArray(drop) && drop.includes('ALL'));
    })
    .map(container => container.name);
  if (notDropping.length > 0)
    details.push(`${containers(notDropping)} must set securityContext.capabilities.drop=["ALL"]`);
  const adds = disallowedAdds(pod, capability => capability === 'NET_BIND_SERVICE');
  if (adds) details.push(adds);
  return details.length > 0 ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : null;
};

const allowedVolumeTypes = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

const restrictedVolumes: Check = pod => {
  const names: string[] = [];
  const types = new Set<string>();
  for (const volume of pod.volumes) {
    const bad = Object.keys(volume).filter(key => key !== 'name' && !allowedVolumeTypes.has(key));
    if (bad.length > 0) {
      names.push(String(volume.name));
      for (const type of bad) types.add(type);
    }
  }
  if (names.length === 0) return null;
  const typeList = [...types];
  return {
    reason: 'restricted volume types',
    detail: `${names.length === 1 ? 'volume' : 'volumes'} ${quoted(names)} ${pluralVerb(names, 'uses', 'use')} restricted volume ${typeList.length === 1 ? 'type' : 'types'} ${quoted(typeList)}`,
  };
};

const runAsNonRoot: Check = pod => {
  const details: string[] = [];
  const podValue = pod.podSecurity.runAsNonRoot;
  if (podValue === false) details.push('pod must not set securityContext.runAsNonRoot=false');
  const explicit = pod.containers
    .filter(container => container.securityContext.runAsNonRoot === false)
    .map(container => container.name);
  const implicit = pod.containers
    .filter(container => container.securityContext.runAsNonRoot === undefined && podValue !== true)
    .map(container => container.name);
  if (explicit.length > 0)
    details.push(`${containers(explicit)} must not set securityContext.runAsNonRoot=false`);
  if (implicit.length > 0 && podValue !== false) {
    details.push(`pod or ${containers(implicit)} must set securityContext.runAsNonRoot=true`);
  }
  return details.length > 0 ? { reason: 'runAsNonRoot != true', detail: details.join('; ') } : null;
};

const runAsUser: Check = pod => {
  const details: string[] = [];
  if (pod.podSecurity.runAsUser === 0) details.push('pod must not set runAsUser=0');
  const names = pod.containers
    .filter(container => container.securityContext.runAsUser === 0)
    .map(container => container.name);
  if (names.length > 0) details.push(`${containers(names)} must not set runAsUser=0`);
  return details.length > 0 ? { reason: 'runAsUser=0', detail: details.join('; ') } : null;
};

const allowedSeccomp = new Set(['RuntimeDefault', 'Localhost']);

const seccompRestricted: Check = pod => {
  const details: string[] = [];
  const podType = seccompType(pod.podSecurity);
  if (podType !== undefined && !allowedSeccomp.has(podType)) {
    details.push(`pod must not set securityContext.seccompProfile.type to ${JSON.stringify(podType)}`);
  }
  const explicitlyBad = pod.containers.filter(container => {
    const type = seccompType(container.securityContext);
    return type !== undefined && !allowedSeccomp.has(type);
  });
  if (explicitlyBad.length > 0) {
    const values = [
      ...new Set(explicitlyBad.map(container => String(seccompType(container.securityContext)))),
    ];
    details.push(
      `${containers(explicitlyBad.map(container => container.name))} must not set securityContext.seccompProfile.type to ${quoted(values)}`,
    );
  }
  if (podType === undefined) {
    const unset = pod.containers
      .filter(container => seccompType(container.securityContext) === undefined)
      .map(container => container.name);
    if (unset.length > 0) {
      details.push(
        `pod or ${containers(unset)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
      );
    }
  }
  return details.length > 0 ? { reason: 'seccompProfile', detail: details.join('; ') } : null;
};

/** Baseline checks by ID; at restricted, capabilities_baseline and seccompProfile_baseline are replaced. */
const baselineChecks: [string, Check][] = [
  ['capabilities_baseline', capabilitiesBaseline],
  ['hostNamespaces', hostNamespaces],
  ['hostPathVolumes', hostPathVolumes],
  ['hostPorts', hostPorts],
  ['privileged', privileged],
  ['procMount', procMount],
  ['seccompProfile_baseline', seccompBaseline],
  ['sysctls', sysctls],
];

const restrictedChecks: [string, Check][] = [
  ['allowPrivilegeEscalation', allowPrivilegeEscalation],
  ['capabilities_restricted', capabilitiesRestricted],
  ['restrictedVolumes', restrictedVolumes],
  ['runAsNonRoot', runAsNonRoot],
  ['runAsUser', runAsUser],
  ['seccompProfile_restricted', seccompRestricted],
];

const overridden = new Set(['capabilities_baseline', 'seccompProfile_baseline']);

export function podSecurityViolations(level: PodSecurityLevel, podSpec: Obj): Violation[] {
  if (level === 'privileged') return [];
  const pod = view(podSpec);
  const checks =
    level === 'baseline'
      ? baselineChecks
      : [...baselineChecks.filter(([id]) => !overridden.has(id)), ...restrictedChecks];
  return checks
    .map(([, check]) => check(pod))
    .filter((violation): violation is Violation => violation !== null);
}

export function formatViolations(violations: Violation[]): string {
  return violations.map(violation => `${violation.reason} (${violation.detail})`).join(', ');
}

export interface NamespacePolicy {
  enforce: { level: PodSecurityLevel; version: string } | undefined;
  warn: { level: PodSecurityLevel; version: string } | undefined;
  audit: { level: PodSecurityLevel; version: string } | undefined;
}

function mode(
  labels: Record<string, string>,
  name: 'enforce' | 'warn' | 'audit',
): NamespacePolicy['enforce'] {
  const level = labels[`pod-security.kubernetes.io/${name}`];
  if (level !== 'privileged' && level !== 'baseline' && level !== 'restricted') return undefined;
  return { level, version: labels[`pod-security.kubernetes.io/${name}-version`] ?? 'latest' };
}

export function namespacePolicy(labels: Record<string, string> | undefined): NamespacePolicy {
  const all = labels ?? {};
  return { enforce: mode(all, 'enforce'), warn: mode(all, 'warn'), audit: mode(all, 'audit') };
}
