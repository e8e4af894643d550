import { useCallback, useEffect, useState } from 'react';

import { useApi, useClawbar } from '../../context';

export const onboardingHash = '#/onboarding';

/**
 * Whether the window shows the onboarding: on a first run (no install ever completed, and the
 * user has not left it for the control room), or when asked for by its address. Leaving is
 * remembered by the services, so the next start opens the control room.
 */
export function useOnboardingRoute(): { show: boolean; open: () => void; leave: () => void } {
  const api = useApi();
  const install = useClawbar(state => state.appState?.install ?? null);
  const [asked, setAsked] = useState(() => window.location.hash === onboardingHash);
  const [left, setLeft] = useState(false);
  // Once open, the onboarding stays until the user leaves it: the install completing must not
  // pull the finish screen away from under them.
  const [stayed, setStayed] = useState(false);
  useEffect(() => {
    const onHashChange = (): void => setAsked(window.location.hash === onboardingHash);
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  const firstRun = install !== null && install.completedAt === null && !install.onboardingDismissed;
  const showing = asked || (firstRun && !left);
  if (showing && !stayed) setStayed(true);
  const open = useCallback(() => {
    setLeft(false);
    setAsked(true);
    window.location.hash = onboardingHash;
  }, []);
  const leave = useCallback(() => {
    setLeft(true);
    setAsked(false);
    setStayed(false);
    if (window.location.hash === onboardingHash) window.location.hash = '/dashboard';
    void api.install.dismiss();
  }, [api]);
  return { show: showing || (stayed && !left), open, leave };
}
