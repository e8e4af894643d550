import { useEffect, useState } from 'react';

import type { ClusterOperation } from '../../../../common/sandbox';
import { useApi, useClawbar } from '../../context';

/**
 * The sandbox operation running now (or the last one): its progress arrives first as
 * `cluster:progress` events, and with AppState (throttled, but also after a reconnect).
 */
export function useClusterOperation(): ClusterOperation | null {
  const api = useApi();
  const fromState = useClawbar(state => state.appState?.cluster.operation ?? null);
  const [live, setLive] = useState<ClusterOperation | null>(null);
  useEffect(() => api.on('cluster:progress', setLive), [api]);
  return newerOperation(fromState, live);
}

/** Of two reports of operations, the one that says more: a finished one, then the one further along. */
export function newerOperation(
  a: ClusterOperation | null,
  b: ClusterOperation | null,
): ClusterOperation | null {
  if (!a) return b;
  if (!b) return a;
  if (a.id !== b.id) return a.startedAt > b.startedAt ? a : b;
  if ((a.status === 'running') !== (b.status === 'running')) return a.status === 'running' ? b : a;
  return (a.progress?.done ?? 0) > (b.progress?.done ?? 0) ? a : b;
}
