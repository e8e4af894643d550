import { useEffect } from 'react';

import type { MetricsSample } from '../../common/metrics';
import { useApi, useClawbar } from './context';

/**
 * The live readouts for a view that shows them. While the page is visible it tells Clawbar it is
 * watching (the sampler runs only while someone is) and takes the pushed samples; hidden (window
 * minimised, another tab) or unmounted, it stops watching. After a reconnect it watches again: the
 * server forgets a client that went away.
 */
export function useLiveReadouts(): MetricsSample | null {
  const api = useApi();
  const connection = useClawbar(state => state.connection);
  const applySample = useClawbar(state => state.applyMetricsSample);
  const sample = useClawbar(state => state.metricsSample);

  useEffect(() => {
    if (connection !== 'open') return;
    let watching = false;
    const unsubscribe = api.on('metrics:sample', applySample);
    const follow = (): void => {
      const visible = document.visibilityState === 'visible';
      if (visible === watching) return;
      watching = visible;
      void api.metrics.watch({ watching: visible });
      if (visible) {
        // The last sample taken, so the panel is not empty until the next one.
        void api.metrics.getHistory({ limit: 1 }).then(result => {
          const latest = result.ok ? result.value.samples.at(-1) : undefined;
          if (latest) applySample(latest);
        });
      }
    };
    follow();
    document.addEventListener('visibilitychange', follow);
    return () => {
      document.removeEventListener('visibilitychange', follow);
      unsubscribe();
      if (watching) void api.metrics.watch({ watching: false });
    };
  }, [api, applySample, connection]);

  return sample;
}
