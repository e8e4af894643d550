import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { Progress } from '../../../common/progress';
import type { DiagnosticsResult } from '../../../common/support';
import { formatBytes } from '../../../common/units';
import { useApi } from '../context';

type Status =
  | { kind: 'idle' }
  | { kind: 'running'; progress: Progress | null }
  | { kind: 'done'; result: DiagnosticsResult }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

/** Settings: one button that writes the diagnostics bundle, its progress, and where it went. */
export function DiagnosticsSection() {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const running = status.kind === 'running';

  useEffect(
    () =>
      api.on('support:diagnose-progress', progress => {
        setStatus(current => (current.kind === 'running' ? { kind: 'running', progress } : current));
      }),
    [api],
  );

  const create = async (): Promise<void> => {
    setStatus({ kind: 'running', progress: null });
    const result = await api.support.diagnose({});
    if (result.ok) setStatus({ kind: 'done', result: result.value });
    else if (result.error.code === 'cancelled') setStatus({ kind: 'cancelled' });
    else
      setStatus({ kind: 'failed', message: `${t(`errors.${result.error.code}`)} ${result.error.message}` });
  };

  return (
    <section className="card settings-section" aria-labelledby="diagnostics-title">
      <h2 id="diagnostics-title">{t('diagnostics.title')}</h2>
      <p className="muted">{t('diagnostics.body')}</p>
      <div className="form-actions">
        {running && (
          <button type="button" className="button" onClick={() => void api.support.cancelDiagnose()}>
            {t('diagnostics.cancel')}
          </button>
        )}
        <button type="button" className="button" onClick={() => void create()} disabled={running}>
          {running ? t('diagnostics.creating') : t('diagnostics.create')}
        </button>
      </div>
      {status.kind === 'running' && status.progress && (
        <p role="status" aria-busy="true">
          <progress
            aria-label={t('diagnostics.creating')}
            max={status.progress.total ?? 1}
            value={status.progress.done}
          />{' '}
          {t(`diagnostics.steps.${status.progress.step}`)}
        </p>
      )}
      {status.kind === 'done' && (
        <div role="status">
          <p>
            {t('diagnostics.written', {
              path: status.result.path,
              size: formatBytes(status.result.bytes, i18n.language),
            })}
          </p>
          {status.result.missing.length > 0 && (
            <>
              <h3>{t('diagnostics.missingTitle')}</h3>
              <ul className="muted">
                {status.result.missing.map(item => (
                  <li key={item.part}>
                    <code>{item.part}</code> {item.reason}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      {status.kind === 'cancelled' && <p role="status">{t('diagnostics.cancelled')}</p>}
      {status.kind === 'failed' && (
        <p role="alert" className="field-error">
          {status.message}
        </p>
      )}
    </section>
  );
}
