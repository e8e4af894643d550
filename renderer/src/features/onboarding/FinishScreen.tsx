import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { InstallView } from '../../../../common/install';
import { useApi, useClawbar } from '../../context';
import { ScreenActions, ScreenTitle } from './ScreenParts';
import { ErrorMessage } from '../../components/ErrorMessage';

/** The proof that the sandbox holds, probe by probe with its evidence, and the way into OpenClaw. */
export function FinishScreen({ view, onLeave }: { view: InstallView | null; onLeave: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const [error, setError] = useState<string | null>(null);
  const report = view?.selfTest ?? null;
  const address = useClawbar(state => state.appState?.cluster.portForward.address ?? '127.0.0.1');

  const open = async (): Promise<void> => {
    setError(null);
    const result = await api.install.controlUiUrl();
    if (!result.ok) {
      setError(`${t(`errors.${result.error.code}`)} ${result.error.message}`);
      return;
    }
    window.open(result.value.url, '_blank', 'noopener,noreferrer');
  };

  return (
    <>
      <ScreenTitle>{t('onboarding.finish.title')}</ScreenTitle>
      <p className="onboarding-lead">{t('onboarding.finish.lead')}</p>
      {view?.model && <p>{t('onboarding.finish.model', { model: view.model })}</p>}
      {report && (
        <table className="models-table selftest-table">
          <caption>{t('onboarding.finish.tableLabel')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('onboarding.finish.probe')}</th>
              <th scope="col">{t('onboarding.finish.expected')}</th>
              <th scope="col">{t('onboarding.finish.actual')}</th>
              <th scope="col">{t('onboarding.finish.evidence')}</th>
            </tr>
          </thead>
          <tbody>
            {report.probes.map(probe => (
              <tr key={probe.id} data-probe={probe.id} data-passed={probe.passed}>
                <th scope="row">
                  <span className={`dot dot-${probe.passed ? 'good' : 'bad'}`} aria-hidden="true" />
                  {t(`onboarding.finish.probes.${probe.id}`)}
                  <span className="visually-hidden">
                    {' '}
                    — {probe.passed ? t('onboarding.finish.passed') : t('onboarding.finish.notPassed')}
                  </span>
                </th>
                <td>{t(`onboarding.finish.outcomes.${probe.expected}`)}</td>
                <td>
                  <strong>{t(`onboarding.finish.outcomes.${probe.actual}`)}</strong>
                </td>
                <td>
                  <code>{probe.evidence.command}</code>
                  {probe.evidence.exitCode !== null && (
                    <span className="muted">
                      {' '}
                      ({t('onboarding.finish.exitCode', { code: probe.evidence.exitCode })})
                    </span>
                  )}
                  {probe.evidence.output && <p className="muted selftest-output">{probe.evidence.output}</p>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorMessage message={error} />
      <p className="muted">{t('onboarding.finish.openHint', { address })}</p>
      <ScreenActions>
        <button type="button" className="button" onClick={onLeave}>
          {t('onboarding.finish.controlRoom')}
        </button>
        <button type="button" className="button button-primary" onClick={() => void open()}>
          {t('onboarding.finish.open')}
        </button>
      </ScreenActions>
    </>
  );
}
