import type { LogTarget } from '../../../../common/logs';
import type { ContainerView, PodView, SandboxPodRole } from '../../../../common/sandbox';

/** A pod in the picker: what `logs:targets` offers, with the live state AppState has of it. */
export interface PickerPod {
  name: string;
  role: SandboxPodRole;
  deleting: boolean;
  containers: PickerContainer[];
}

export interface PickerContainer {
  name: string;
  init: boolean;
  /** It restarted, so the previous instance's log can be read. */
  hasPrevious: boolean;
  /** Null while AppState has not seen this container yet. */
  view: ContainerView | null;
}

const roleOrder: readonly SandboxPodRole[] = ['gateway', 'proxy', 'probe', 'other'];

/** Lower comes first: the gateway, then the proxy, the self-test probe, anything else. */
export function rolePriority(role: SandboxPodRole): number {
  return roleOrder.indexOf(role);
}

/**
 * The pods to offer: those AppState shows (the live list: a pod it no longer has is gone), with the
 * containers `logs:targets` named for them; before AppState has any pod, what `logs:targets` said.
 * Gateway first, then the proxy, then the self-test probe.
 */
export function pickerPods(targets: readonly LogTarget[] | null, pods: readonly PodView[]): PickerPod[] {
  const named = new Map((targets ?? []).map(target => [target.pod, target]));
  const result: PickerPod[] =
    pods.length === 0
      ? (targets ?? []).map(target => ({
          name: target.pod,
          role: target.role,
          deleting: false,
          containers: target.containers.map(container => ({ ...container, view: null })),
        }))
      : pods.map(pod => ({
          name: pod.name,
          role: pod.role,
          deleting: pod.deleting,
          containers: mergeContainers(pod, named.get(pod.name)),
        }));
  return result.sort((a, b) => rolePriority(a.role) - rolePriority(b.role) || a.name.localeCompare(b.name));
}

function mergeContainers(pod: PodView, target: LogTarget | undefined): PickerContainer[] {
  const containers: PickerContainer[] = pod.containers.map(view => ({
    name: view.name,
    init: view.init,
    hasPrevious:
      target?.containers.find(container => container.name === view.name)?.hasPrevious === true ||
      view.restarts > 0 ||
      view.lastTermination !== null,
    view,
  }));
  for (const offered of target?.containers ?? []) {
    if (!containers.some(container => container.name === offered.name))
      containers.push({ ...offered, view: null });
  }
  return containers;
}

/** Like `kubectl logs`: the first app container, never an init container unless that is all there is. */
export function defaultContainer(pod: PickerPod): string | null {
  return (pod.containers.find(container => !container.init) ?? pod.containers[0])?.name ?? null;
}

/** What to show first: the gateway's app container. */
export function defaultSelection(
  pods: readonly PickerPod[],
): { pod: string; container: string; role: SandboxPodRole } | null {
  const pod = pods.find(candidate => candidate.role === 'gateway' && !candidate.deleting) ?? pods[0];
  const container = pod ? defaultContainer(pod) : null;
  return pod && container ? { pod: pod.name, container, role: pod.role } : null;
}

/**
 * What another page asked to show ("Open logs"): its container, or the pod's default one; null
 * while the pod is not known yet and no container was named.
 */
export function requestedSelection(
  target: { pod: string; container: string | null },
  pods: readonly PickerPod[],
): { pod: string; container: string; role: SandboxPodRole } | null {
  const pod = pods.find(candidate => candidate.name === target.pod);
  const container = target.container ?? (pod ? defaultContainer(pod) : null);
  return container ? { pod: target.pod, container, role: pod?.role ?? 'other' } : null;
}

/** The pod that took over from one that is gone (same role: a Deployment's new pod). */
export function replacementFor(
  gone: { pod: string; role: SandboxPodRole },
  pods: readonly PickerPod[],
): PickerPod | null {
  if (gone.role === 'other') return null;
  return pods.find(pod => pod.role === gone.role && pod.name !== gone.pod && !pod.deleting) ?? null;
}
