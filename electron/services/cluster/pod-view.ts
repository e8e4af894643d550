import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';

import type { ContainerView, PodView, SandboxPodRole } from '../../../common/sandbox';

/**
 * Pods are told apart by `app.kubernetes.io/component`: the self-test probe carries the gateway's
 * name (so the gateway's network policies apply to it) but is not the gateway.
 */
const rolesByComponent: Record<string, SandboxPodRole> = {
  gateway: 'gateway',
  'egress-proxy': 'proxy',
  selftest: 'probe',
};

const phases = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;

/** What the UI and the tray need of a pod: its part in the sandbox, readiness, restarts and why. */
export function toPodView(pod: V1Pod): PodView {
  const labels = pod.metadata?.labels ?? {};
  const role = rolesByComponent[labels['app.kubernetes.io/component'] ?? ''] ?? 'other';
  const statuses = new Map((pod.status?.containerStatuses ?? []).map(status => [status.name, status]));
  const initStatuses = new Map(
    (pod.status?.initContainerStatuses ?? []).map(status => [status.name, status]),
  );
  const containers: ContainerView[] = [
    ...(pod.spec?.initContainers ?? []).map(spec => containerView(spec.name, spec.image, true, initStatuses)),
    ...(pod.spec?.containers ?? []).map(spec => containerView(spec.name, spec.image, false, statuses)),
  ];
  const phase = phases.find(candidate => candidate === pod.status?.phase) ?? 'Unknown';
  const readyCondition = pod.status?.conditions?.find(condition => condition.type === 'Ready');
  return {
    name: pod.metadata?.name ?? '',
    role,
    phase,
    ready: readyCondition?.status === 'True',
    restarts: containers.filter(container => !container.init).reduce((sum, c) => sum + c.restarts, 0),
    startedAt: pod.status?.startTime ? new Date(pod.status.startTime).toISOString() : null,
    podIp: pod.status?.podIP ?? null,
    containers,
    deleting: Boolean(pod.metadata?.deletionTimestamp),
  };
}

function containerView(
  name: string,
  image: string | undefined,
  init: boolean,
  statuses: Map<string, V1ContainerStatus>,
): ContainerView {
  const status = statuses.get(name);
  const state = status?.state;
  const last = status?.lastState?.terminated;
  return {
    name,
    init,
    image: status?.image ?? image ?? '',
    ready: status?.ready ?? false,
    restarts: status?.restartCount ?? 0,
    state: state?.running
      ? 'running'
      : state?.terminated
        ? 'terminated'
        : state?.waiting
          ? 'waiting'
          : 'unknown',
    reason: state?.waiting?.reason ?? state?.terminated?.reason ?? null,
    lastTermination: last
      ? {
          reason: last.reason ?? null,
          exitCode: last.exitCode,
          finishedAt: last.finishedAt ? new Date(last.finishedAt).toISOString() : null,
        }
      : null,
  };
}
