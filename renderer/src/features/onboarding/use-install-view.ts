import { useEffect, useRef, useState } from 'react';

import type { InstallView } from '../../../../common/install';
import { useApi } from '../../context';

/**
 * The install as the services see it: fetched once, then kept current by `install:progress`
 * events (an event that arrives before the first answer wins over it). `onChange` hears every
 * new view with the one before it (null for the first), to react to a run starting or ending.
 */
export function useInstallView(
  onChange?: (previous: InstallView | null, next: InstallView) => void,
): InstallView | null {
  const api = useApi();
  const [view, setView] = useState<InstallView | null>(null);
  const latest = useRef<InstallView | null>(null);
  const listener = useRef(onChange);
  useEffect(() => {
    listener.current = onChange;
  });
  useEffect(() => {
    let alive = true;
    const accept = (next: InstallView): void => {
      const previous = latest.current;
      latest.current = next;
      setView(next);
      listener.current?.(previous, next);
    };
    const unsubscribe = api.on('install:progress', accept);
    void api.install.getState().then(result => {
      if (alive && result.ok && latest.current === null) accept(result.value);
    });
    return () => {
      alive = false;
      unsubscribe();
    };
  }, [api]);
  return view;
}
