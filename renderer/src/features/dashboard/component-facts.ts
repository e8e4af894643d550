import type { PodView } from '../../../../common/sandbox';
import type { AppState, ComponentId } from '../../../../common/state';
import type { LogsTarget } from '../../store';

/** What a component card shows beyond its state: since when it has been up, and how often it restarted. */
export interface ComponentFacts {
  /** ISO time it has been running since; null when it does not run or the time is unknown. */
  upSince: string | null;
  /** Unplanned restarts; null where nothing counts them (the number would mean nothing). */
  restarts: number | null;
}

/** The pod that stands for the gateway or the proxy: the ready one, else the newest that is not going away. */
export function sandboxPod(state: AppState, role: 'gateway' | 'proxy'): PodView | null {
  const pods = state.cluster.pods.filter(pod => pod.role === role && !pod.deleting);
  return pods.find(pod => pod.ready) ?? pods.at(-1) ?? null;
}

export function componentFacts(id: ComponentId, state: AppState): ComponentFacts {
  const status = state.components[id];
  const running = status.state === 'running';
  if (id === 'gateway' || id === 'proxy') {
    const pod = sandboxPod(state, id);
    return {
      upSince: running ? (pod?.startedAt ?? status.since ?? null) : null,
      restarts: pod ? pod.restarts : null,
    };
  }
  if (id === 'ollama') {
    // Only a server Clawbar supervises has restarts to count; an adopted one restarts on its own terms.
    return {
      upSince: running ? (status.since ?? null) : null,
      restarts: state.llm.ollama.ownership === 'owned' ? state.llm.ollama.restarts : null,
    };
  }
  return { upSince: running ? (status.since ?? null) : null, restarts: null };
}

/** Where "Open logs" leads for the gateway or the proxy: its pod and main (not init) container. */
export function logsTargetFor(state: AppState, role: 'gateway' | 'proxy'): LogsTarget | null {
  const pod = sandboxPod(state, role);
  if (!pod) return null;
  const main = pod.containers.find(container => !container.init) ?? pod.containers[0];
  return { pod: pod.name, container: main?.name ?? null };
}
