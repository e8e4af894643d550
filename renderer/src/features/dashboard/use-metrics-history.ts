import { useEffect, useState } from 'react';

import type { MetricsSample } from '../../../../common/metrics';
import { useApi, useClawbar } from '../../context';
import { chartCapacity, mergeSamples } from './sample-window';

/**
 * The samples the charts draw: the sampler's recent history, then every pushed sample. Read again
 * when the page becomes visible or the connection comes back, since samples taken meanwhile (for
 * another window) were not pushed here. Watching itself is useLiveReadouts' job.
 */
export function useMetricsHistory(capacity: number = chartCapacity): MetricsSample[] {
  const api = useApi();
  const connection = useClawbar(state => state.connection);
  const [samples, setSamples] = useState<MetricsSample[]>([]);

  useEffect(() => {
    if (connection !== 'open') return;
    let mounted = true;
    const load = (): void => {
      if (document.visibilityState !== 'visible') return;
      void api.metrics.getHistory({ limit: capacity }).then(result => {
        if (mounted && result.ok)
          setSamples(current => mergeSamples(current, result.value.samples, capacity));
      });
    };
    const unsubscribe = api.on('metrics:sample', sample => {
      setSamples(current => mergeSamples(current, [sample], capacity));
    });
    load();
    document.addEventListener('visibilitychange', load);
    return () => {
      mounted = false;
      unsubscribe();
      document.removeEventListener('visibilitychange', load);
    };
  }, [api, connection, capacity]);

  return samples;
}
