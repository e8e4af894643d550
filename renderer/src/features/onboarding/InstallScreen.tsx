import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import {
  installStepIds,
  installStepPercent,
  type InstallStep,
  type InstallView,
} from '../../../../common/install';
import type { Result } from '../../../../common/result';
import { useApi, useClawbar } from '../../context';
import { formatElapsed, formatNumber } from '../../format';
import { useNow } from '../../use-now';
import { startInput, type OnboardingChoices } from './choices';
import { ScreenActions, ScreenTitle } from './ScreenParts';
import { ErrorMessage } from '../../components/ErrorMessage';

const tone: Record<InstallStep['status'], string> = {
  pending: 'neutral',
  running: 'progress',
  done: 'good',
  skipped: 'good',
  failed: 'bad',
};

/**
 * Before the install: the choices and the steps to come, and the button. Once it runs: every
 * step's state, progress, elapsed time and attempts, the live log of the current step, cancel,
 * retry of a failed step, and resume of an interrupted install.
 */
export function InstallScreen({
  view,
  choices,
  onStarted,
  onBack,
  onFinish,
}: {
  view: InstallView | null;
  choices: OnboardingChoices;
  onStarted: () => void;
  onBack: () => void;
  onFinish: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const [startedHere, setStartedHere] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const call = async (request: () => Promise<Result<unknown>>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    const result = await request();
    setBusy(false);
    if (!result.ok) setError(`${t(`errors.${result.error.code}`)} ${result.error.message}`);
    return result.ok;
  };
  const start = async (): Promise<void> => {
    if (await call(() => api.install.start(startInput(choices)))) {
      setStartedHere(true);
      onStarted();
    }
  };

  const fresh = !view || view.status === 'never' || (view.status === 'succeeded' && !startedHere);
  if (fresh) {
    return (
      <>
        <ScreenTitle>{t('onboarding.install.readyTitle')}</ScreenTitle>
        <p className="onboarding-lead">{t('onboarding.install.readyLead')}</p>
        <ChoicesSummary choices={choices} />
        <ol className="install-plan" aria-label={t('onboarding.install.stepsLabel')}>
          {installStepIds.map(id => (
            <li key={id}>
              <strong>{t(`install.steps.${id}`)}</strong>
              <span className="muted"> — {t(`install.stepDescriptions.${id}`)}</span>
            </li>
          ))}
        </ol>
        <ErrorMessage message={error} />
        <ScreenActions onBack={onBack}>
          <button
            type="button"
            className="button button-primary"
            onClick={() => void start()}
            disabled={busy || !view}
          >
            {t('onboarding.install.start')}
          </button>
        </ScreenActions>
      </>
    );
  }

  const failed = view.steps.find(step => step.status === 'failed');
  const running = view.steps.find(step => step.status === 'running');
  const shown = running ?? failed ?? [...view.steps].reverse().find(step => step.logTail.length > 0);
  const outcome =
    view.status === 'succeeded'
      ? t('onboarding.install.succeeded')
      : view.status === 'failed' && failed
        ? t('onboarding.install.failed', { step: t(`install.steps.${failed.id}`) })
        : view.status === 'cancelled'
          ? t('onboarding.install.cancelled')
          : view.status === 'interrupted'
            ? t('onboarding.install.interrupted')
            : '';
  return (
    <>
      <ScreenTitle>{t('onboarding.install.title')}</ScreenTitle>
      <p className="onboarding-lead">{t('onboarding.install.lead')}</p>
      <p role="status" className={`onboarding-verdict install-outcome-${view.status}`}>
        {outcome}
      </p>
      <ol className="install-steps" aria-label={t('onboarding.install.stepsLabel')}>
        {view.steps.map(step => (
          <StepRow
            key={step.id}
            step={step}
            onRetry={
              step.status === 'failed'
                ? () => void call(() => api.install.retry({ step: step.id }))
                : undefined
            }
            busy={busy}
          />
        ))}
      </ol>
      {shown && (
        <section className="install-log" aria-labelledby="install-log-title">
          <h2 id="install-log-title">
            {t('onboarding.install.log', { step: t(`install.steps.${shown.id}`) })}
          </h2>
          <pre className="log-tail" tabIndex={0} aria-labelledby="install-log-title">
            {shown.logTail.length > 0 ? shown.logTail.join('\n') : t('install.noLog')}
          </pre>
        </section>
      )}
      <ErrorMessage message={error} />
      <ScreenActions>
        {view.status === 'running' && (
          <button type="button" className="button" onClick={() => void call(() => api.install.cancel())}>
            {t('onboarding.install.cancel')}
          </button>
        )}
        {(view.status === 'failed' || view.status === 'cancelled' || view.status === 'interrupted') && (
          <>
            <button type="button" className="button" onClick={() => void start()} disabled={busy}>
              {t('onboarding.install.startOver')}
            </button>
            {view.status !== 'failed' && (
              <button
                type="button"
                className="button button-primary"
                onClick={() => void call(() => api.install.resume())}
                disabled={busy}
              >
                {t('onboarding.install.resume')}
              </button>
            )}
          </>
        )}
        {view.status === 'succeeded' && (
          <button type="button" className="button button-primary" onClick={onFinish}>
            {t('onboarding.install.see')}
          </button>
        )}
      </ScreenActions>
    </>
  );
}

function StepRow({
  step,
  onRetry,
  busy,
}: {
  step: InstallStep;
  onRetry: (() => void) | undefined;
  busy: boolean;
}) {
  const { t, i18n } = useTranslation();
  const now = useNow(1000);
  const title = t(`install.steps.${step.id}`);
  const elapsedMs =
    step.status === 'running' && step.startedAt
      ? now.getTime() - new Date(step.startedAt).getTime()
      : step.elapsedMs;
  const percent = installStepPercent(step);
  return (
    <li className={`install-step install-step-${step.status}`} data-step={step.id} data-status={step.status}>
      <div className="install-step-head">
        <span className={`dot dot-${tone[step.status]}`} aria-hidden="true" />
        <span className="install-step-title">{title}</span>
        <span className="install-step-status">{t(`install.stepStatuses.${step.status}`)}</span>
        {elapsedMs !== null && (
          <span className="muted install-step-elapsed">
            {t('install.elapsed', { time: formatElapsed(elapsedMs) })}
          </span>
        )}
        {step.attempts > 1 && <span className="muted">{t('install.attempt', { count: step.attempts })}</span>}
      </div>
      {step.status === 'running' && (
        <div className="install-step-progress">
          {percent === null ? (
            <progress aria-label={title} />
          ) : (
            <progress
              max={100}
              value={percent}
              aria-label={title}
              aria-valuetext={formatNumber(percent / 100, i18n.language, { style: 'percent' })}
            />
          )}
          {percent !== null && (
            <span>{formatNumber(percent / 100, i18n.language, { style: 'percent' })}</span>
          )}
          {step.progress?.detail && <p className="vm-detail">{step.progress.detail}</p>}
        </div>
      )}
      {step.status === 'failed' && step.error && (
        <div className="install-step-error" role="alert">
          <p>
            {t(`errors.${step.error.code}`)} {step.error.message}
          </p>
          {onRetry && (
            <button type="button" className="button button-primary" onClick={onRetry} disabled={busy}>
              {t('onboarding.install.retry', { step: title })}
            </button>
          )}
        </div>
      )}
    </li>
  );
}

function ChoicesSummary({ choices }: { choices: OnboardingChoices }) {
  const { t } = useTranslation();
  const vm = useClawbar(state => state.settings?.settings.vm ?? null);
  const ollama = useClawbar(state => state.appState?.llm.ollama ?? null);
  const present = ollama !== null && (ollama.ownership !== 'none' || ollama.binary !== null);
  const keys = Object.entries(choices.keys)
    .filter(([, value]) => value.trim() !== '')
    .map(([name]) => name);
  return (
    <dl className="facts install-summary" aria-label={t('onboarding.install.summaryLabel')}>
      <dt>{t('onboarding.install.model')}</dt>
      <dd>{choices.model ?? t('onboarding.install.recommendedModel')}</dd>
      <dt>{t('onboarding.install.ollama')}</dt>
      <dd>{present ? t('onboarding.install.ollamaPresent') : t('onboarding.install.ollamaWillInstall')}</dd>
      <dt>{t('onboarding.install.keys')}</dt>
      <dd>{keys.length > 0 ? keys.join(', ') : t('onboarding.install.noKeys')}</dd>
      {vm && (
        <>
          <dt>{t('onboarding.install.vm')}</dt>
          <dd>{t('onboarding.install.vmSize', { cpus: vm.cpus, memory: vm.memoryGiB, disk: vm.diskGiB })}</dd>
        </>
      )}
    </dl>
  );
}
