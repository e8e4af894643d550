import { useTranslation } from 'react-i18next';

import { useClawbar } from '../../context';
import { onboardingHash } from '../onboarding/use-onboarding-route';
import { useShowVmCard } from '../../use-show-vm-card';

/**
 * Why the Network page has nothing to act on yet, and where to go: the Dashboard's VM card when
 * the cluster does not answer, the setup when the sandbox was never installed.
 */
export function NetworkEmptyState({ kind }: { kind: 'not-connected' | 'not-installed' }) {
  const { t } = useTranslation();
  const k3s = useClawbar(state => state.appState?.components.k3s.state ?? 'unknown');
  const showVm = useShowVmCard();
  const openSetup = (): void => {
    window.location.hash = onboardingHash;
  };

  return (
    <div className="empty-state network-empty" data-empty={kind}>
      <h2>{t(`networkView.empty.${kind === 'not-connected' ? 'notConnected' : 'notInstalled'}.title`)}</h2>
      {kind === 'not-connected' ? (
        <>
          <p>
            {t('networkView.empty.notConnected.body', { state: t(`componentStates.${k3s}`).toLowerCase() })}
          </p>
          <p>
            <button type="button" className="button button-primary" onClick={showVm}>
              {t('networkView.empty.notConnected.action')}
            </button>
          </p>
        </>
      ) : (
        <>
          <p>{t('networkView.empty.notInstalled.body')}</p>
          <p>
            <button type="button" className="button button-primary" onClick={openSetup}>
              {t('networkView.empty.notInstalled.action')}
            </button>
          </p>
        </>
      )}
    </div>
  );
}
