import { useTranslation } from 'react-i18next';

import type { PolicyToggle } from '../../../../common/sandbox';

/** A limit the self-test contradicted is said at the top of the page, before anything else. */
export function NotEnforcedBanner({ policies }: { policies: readonly PolicyToggle[] }) {
  const { t, i18n } = useTranslation();
  const broken = policies.filter(toggle => toggle.enforcement === 'not-enforced');
  if (broken.length === 0) return null;
  const names = broken.map(toggle =>
    t(`networkView.policies.${toggle.id === 'internet' ? 'internet' : 'localModels'}.title`),
  );
  return (
    <div className="banner banner-error not-enforced-banner" role="alert">
      <div>
        <strong>{t('networkView.notEnforcedBanner.title')}</strong>
        <p>
          {t('networkView.notEnforcedBanner.body', {
            toggles: new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(names),
          })}
        </p>
      </div>
    </div>
  );
}
