import { useTranslation } from 'react-i18next';

import { useClawbar } from '../../context';

/** In the control room until an install completes: the way back to the onboarding. */
export function SetupBanner({ onOpen }: { onOpen: () => void }) {
  const { t } = useTranslation();
  const install = useClawbar(state => state.appState?.install ?? null);
  if (install?.completedAt !== null) return null;
  const started = install.status !== 'never';
  return (
    <div className="banner banner-info setup-banner" role="status">
      <p>
        {started
          ? t('onboarding.banner.unfinished', { status: t(`install.statuses.${install.status}`) })
          : t('onboarding.banner.notSetUp')}
      </p>
      <button type="button" className="button button-primary" onClick={onOpen}>
        {t('onboarding.banner.open')}
      </button>
    </div>
  );
}
