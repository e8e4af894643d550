import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { Result } from '../../../../common/result';
import type { PreflightCheck, PreflightReport } from '../../../../common/vm-model';
import { useApi } from '../../context';
import { ScreenActions, ScreenTitle } from './ScreenParts';
import { ErrorMessage } from '../../components/ErrorMessage';

const tone = { pass: 'good', warn: 'warning', fail: 'bad' } as const;

/** The preflight checks with a fix for each problem; a failed check keeps the user here. */
export function SystemCheckScreen({ onBack, onNext }: { onBack: () => void; onNext: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const [report, setReport] = useState<PreflightReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(true);

  const show = useCallback(
    (result: Result<PreflightReport>) => {
      setChecking(false);
      if (result.ok) setReport(result.value);
      else setError(`${t(`errors.${result.error.code}`)} ${result.error.message}`);
    },
    [t],
  );
  useEffect(() => {
    let alive = true;
    void api.vm.preflight().then(result => alive && show(result));
    return () => {
      alive = false;
    };
  }, [api, show]);
  const check = async (): Promise<void> => {
    setChecking(true);
    setError(null);
    show(await api.vm.preflight());
  };

  const failed = report?.checks.some(item => item.status === 'fail') ?? true;
  const warned = report?.checks.some(item => item.status === 'warn') ?? false;
  return (
    <>
      <ScreenTitle>{t('onboarding.check.title')}</ScreenTitle>
      <p className="onboarding-lead">{t('onboarding.check.lead')}</p>
      <p role="status" className="onboarding-verdict">
        {checking || !report
          ? t('onboarding.check.running')
          : failed
            ? t('onboarding.check.blocked')
            : warned
              ? t('onboarding.check.warnings')
              : t('onboarding.check.allGood')}
      </p>
      <ErrorMessage message={error} />
      {report && (
        <ul className="check-list" aria-label={t('onboarding.check.listLabel')}>
          {report.checks.map(item => (
            <CheckRow key={item.id} check={item} />
          ))}
        </ul>
      )}
      <ScreenActions onBack={onBack}>
        <button type="button" className="button" onClick={() => void check()} disabled={checking}>
          {t('onboarding.check.again')}
        </button>
        <button
          type="button"
          className="button button-primary"
          onClick={onNext}
          disabled={checking || failed}
        >
          {t('onboarding.next')}
        </button>
      </ScreenActions>
    </>
  );
}

function CheckRow({ check }: { check: PreflightCheck }) {
  const { t } = useTranslation();
  const params =
    check.code === 'limactl-ok' && check.params.source
      ? { ...check.params, source: t(`vm.limactlSources.${check.params.source}`) }
      : check.params;
  return (
    <li className={`check check-${check.status}`} data-check={check.id} data-status={check.status}>
      <span className={`dot dot-${tone[check.status]}`} aria-hidden="true" />
      <div>
        <p>
          <strong>{t(`preflight.checks.${check.id}`)}</strong> — {t(`preflight.statuses.${check.status}`)}
        </p>
        <p className="muted">{t(`preflight.results.${check.code}`, params)}</p>
        {check.status !== 'pass' && (
          <p className="check-fix">
            {t('onboarding.check.fix', { fix: t(`preflight.fixes.${check.code}`, params) })}
          </p>
        )}
      </div>
    </li>
  );
}
