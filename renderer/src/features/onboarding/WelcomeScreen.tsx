import { useTranslation } from 'react-i18next';

import { ScreenActions, ScreenTitle } from './ScreenParts';

const will = ['models', 'vm', 'sandbox', 'token', 'prove'] as const;
const wont = ['files', 'other', 'network', 'ollama'] as const;

/** What Clawbar is about to do, in plain words, and what it leaves alone. */
export function WelcomeScreen({ onNext }: { onNext: () => void }) {
  const { t } = useTranslation();
  return (
    <>
      <ScreenTitle>{t('onboarding.welcome.title')}</ScreenTitle>
      <p className="onboarding-lead">{t('onboarding.welcome.lead')}</p>
      <div className="onboarding-columns">
        <section className="card" aria-labelledby="welcome-will">
          <h2 id="welcome-will">{t('onboarding.welcome.willTitle')}</h2>
          <ul className="onboarding-list onboarding-list-will">
            {will.map(item => (
              <li key={item}>{t(`onboarding.welcome.will.${item}`)}</li>
            ))}
          </ul>
        </section>
        <section className="card" aria-labelledby="welcome-wont">
          <h2 id="welcome-wont">{t('onboarding.welcome.wontTitle')}</h2>
          <ul className="onboarding-list onboarding-list-wont">
            {wont.map(item => (
              <li key={item}>{t(`onboarding.welcome.wont.${item}`)}</li>
            ))}
          </ul>
        </section>
      </div>
      <p className="muted">{t('onboarding.welcome.time')}</p>
      <ScreenActions>
        <button type="button" className="button button-primary" onClick={onNext}>
          {t('onboarding.welcome.start')}
        </button>
      </ScreenActions>
    </>
  );
}
