import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { IpcError } from '../../../../common/errors';
import type { SelfTestProbe, SelfTestState } from '../../../../common/selftest';
import { useApi } from '../../context';
import { formatDateTime } from '../../format';
import { useNow } from '../../use-now';
import { formatPast } from '../../format';

/**
 * The sandbox self-test: run it, see it running (also after a reload: the state is in AppState),
 * and each probe's expected and actual outcome with its evidence (command, exit code, output).
 */
export function SelfTestPanel({ selfTest, canRun }: { selfTest: SelfTestState; canRun: boolean }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const now = useNow(30_000);
  const [calling, setCalling] = useState(false);
  const [callError, setCallError] = useState<IpcError | null>(null);
  const running = calling || selfTest.status === 'running';
  const report = selfTest.report;

  const run = async (): Promise<void> => {
    setCalling(true);
    setCallError(null);
    const result = await api.selftest.run();
    setCalling(false);
    if (!result.ok) setCallError(result.error);
  };

  return (
    <section className="card network-section" aria-labelledby="selftest-title" aria-busy={running}>
      <div className="network-section-head">
        <div>
          <h2 id="selftest-title">{t('networkView.selfTest.title')}</h2>
          <p className="muted">{t('networkView.selfTest.lead')}</p>
        </div>
        <button
          type="button"
          className="button button-primary"
          disabled={running || !canRun}
          onClick={() => void run()}
        >
          {running ? t('networkView.selfTest.running') : t('networkView.selfTest.run')}
        </button>
      </div>
      <div role="status" aria-live="polite" className="network-live">
        {running && <p className="selftest-running">{t('networkView.selfTest.runningBody')}</p>}
        {!running && report && (
          <p className={`selftest-summary selftest-summary-${report.passed ? 'passed' : 'failed'}`}>
            <strong>
              {report.passed ? t('networkView.selfTest.passed') : t('networkView.selfTest.failed')}
            </strong>{' '}
            <span className="muted" title={formatDateTime(report.finishedAt, i18n.language)}>
              {t('networkView.selfTest.lastRun', {
                time: formatPast(report.finishedAt, now, i18n.language),
              })}
            </span>
          </p>
        )}
      </div>
      {selfTest.status === 'error' && selfTest.error && !callError && (
        <p className="field-error" role="alert">
          {t('networkView.selfTest.couldNotRun')} <span className="muted">{selfTest.error}</span>
        </p>
      )}
      {callError && (
        <p className="field-error" role="alert">
          {t(`errors.${callError.code}`)} <span className="muted">{callError.message}</span>
        </p>
      )}
      {report ? (
        <ul className="probe-list" aria-label={t('networkView.selfTest.probesLabel')}>
          {report.probes.map(probe => (
            <ProbeRow key={probe.id} probe={probe} />
          ))}
        </ul>
      ) : (
        !running && <p className="empty">{t('networkView.selfTest.never')}</p>
      )}
    </section>
  );
}

function ProbeRow({ probe }: { probe: SelfTestProbe }) {
  const { t } = useTranslation();
  const titleId = `probe-${probe.id}`;
  return (
    <li
      className={`probe probe-${probe.passed ? 'passed' : 'failed'}`}
      aria-labelledby={titleId}
      data-probe={probe.id}
      data-passed={probe.passed}
    >
      <div className="probe-head">
        <span className={`probe-verdict probe-verdict-${probe.passed ? 'passed' : 'failed'}`}>
          {probe.passed ? t('networkView.selfTest.probePassed') : t('networkView.selfTest.probeFailed')}
        </span>
        <h3 id={titleId}>{t(`networkView.selfTest.probes.${probe.id}.title`)}</h3>
      </div>
      <p className="muted probe-what">{t(`networkView.selfTest.probes.${probe.id}.what`)}</p>
      <dl className="probe-outcome">
        <dt>{t('networkView.selfTest.expected')}</dt>
        <dd>{t(`networkView.selfTest.outcomes.${probe.expected}`)}</dd>
        <dt>{t('networkView.selfTest.actual')}</dt>
        <dd>
          <strong>{t(`networkView.selfTest.outcomes.${probe.actual}`)}</strong>
        </dd>
      </dl>
      {probe.actual === 'not-testable' && <p className="muted">{t('networkView.selfTest.notTestable')}</p>}
      <details className="probe-evidence">
        <summary>{t('networkView.selfTest.evidence')}</summary>
        <dl>
          <dt>{t('networkView.selfTest.command')}</dt>
          <dd>
            <pre className="code-block">
              <code>{probe.evidence.command}</code>
            </pre>
          </dd>
          <dt>{t('networkView.selfTest.exitCode')}</dt>
          <dd>{probe.evidence.exitCode ?? t('networkView.selfTest.noExitCode')}</dd>
          <dt>{t('networkView.selfTest.output')}</dt>
          <dd>
            <pre className="log-tail">{probe.evidence.output}</pre>
          </dd>
        </dl>
      </details>
    </li>
  );
}
