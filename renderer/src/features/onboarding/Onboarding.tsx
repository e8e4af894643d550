import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { Banners } from '../../components/Banners';
import { useClawbar } from '../../context';
import { initialChoices, type OnboardingChoices } from './choices';
import { FinishScreen } from './FinishScreen';
import { InstallScreen } from './InstallScreen';
import { KeysScreen } from './KeysScreen';
import { ModelScreen } from './ModelScreen';
import { SystemCheckScreen } from './SystemCheckScreen';
import { useInstallView } from './use-install-view';
import { VmScreen } from './VmScreen';
import { WelcomeScreen } from './WelcomeScreen';
import './onboarding.css';

export const onboardingScreens = ['welcome', 'check', 'model', 'keys', 'vm', 'install', 'finish'] as const;
export type OnboardingScreen = (typeof onboardingScreens)[number];

/** Statuses in which the install screen is where the user left things. */
const unfinished = new Set(['running', 'failed', 'cancelled', 'interrupted']);

/**
 * The first-run window: what Clawbar will do, whether this Mac can, the user's choices (model,
 * optional cloud keys, VM size), the install with every step live, and the proof that the
 * sandbox holds. The user can leave for the control room at any point; an install goes on.
 */
export function Onboarding({ onLeave }: { onLeave: () => void }) {
  const { t } = useTranslation();
  const [screen, setScreen] = useState<OnboardingScreen>('welcome');
  const [choices, setChoices] = useState<OnboardingChoices>(initialChoices);
  // Back in the middle of an install: straight to it. Finished while watching: to the result.
  const view = useInstallView((previous, next) => {
    if (previous === null && unfinished.has(next.status)) setScreen('install');
    if (previous?.status === 'running' && next.status === 'succeeded') setScreen('finish');
  });
  const demo = useClawbar(state => state.appState?.app.mode === 'demo');

  useEffect(() => {
    document.title = `${t(`onboarding.screens.${screen}`)} — ${t('onboarding.title')}`;
  }, [screen, t]);

  const go = (next: OnboardingScreen) => () => setScreen(next);
  const index = onboardingScreens.indexOf(screen);
  return (
    <div className="onboarding">
      <header className="onboarding-header">
        <span className="app-name">{t('app.name')}</span>
        {demo && (
          <span className="badge" title={t('app.demoHint')}>
            {t('app.demoBadge')}
          </span>
        )}
        <span className="muted onboarding-step-of">
          {t('onboarding.stepOf', { step: index + 1, total: onboardingScreens.length })}
        </span>
        <button type="button" className="button onboarding-leave" onClick={onLeave}>
          {t('onboarding.leave')}
        </button>
      </header>
      <div className="onboarding-body">
        <nav className="onboarding-nav" aria-label={t('onboarding.stepsLabel')}>
          <ol>
            {onboardingScreens.map((name, position) => (
              <li
                key={name}
                aria-current={name === screen ? 'step' : undefined}
                className={position < index ? 'onboarding-nav-done' : undefined}
              >
                {t(`onboarding.screens.${name}`)}
              </li>
            ))}
          </ol>
        </nav>
        <main className="onboarding-main" aria-labelledby="onboarding-title">
          <Banners />
          {screen === 'welcome' && <WelcomeScreen onNext={go('check')} />}
          {screen === 'check' && <SystemCheckScreen onBack={go('welcome')} onNext={go('model')} />}
          {screen === 'model' && (
            <ModelScreen choices={choices} onChange={setChoices} onBack={go('check')} onNext={go('keys')} />
          )}
          {screen === 'keys' && (
            <KeysScreen choices={choices} onChange={setChoices} onBack={go('model')} onNext={go('vm')} />
          )}
          {screen === 'vm' && <VmScreen choices={choices} onBack={go('keys')} onNext={go('install')} />}
          {screen === 'install' && (
            <InstallScreen
              view={view}
              choices={choices}
              onStarted={() => setChoices(current => ({ ...current, keys: {} }))}
              onBack={go('vm')}
              onFinish={go('finish')}
            />
          )}
          {screen === 'finish' && <FinishScreen view={view} onLeave={onLeave} />}
        </main>
      </div>
    </div>
  );
}
