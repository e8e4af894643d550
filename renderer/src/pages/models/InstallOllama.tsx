import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { Result } from '../../../../common/result';
import type { LlmState } from '../../../../common/state';
import { formatBytes } from '../../../../common/units';
import { useApi, useClawbar } from '../../context';
import { useAction } from './use-action';

/** Ollama is missing: offer to install it, and do it only once the user agreed. */
export function InstallOllama({ install }: { install: LlmState['ollama']['install'] }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const url = useClawbar(state => state.settings?.settings.ollama.installUrl ?? '');
  const [asking, setAsking] = useState(false);
  const { error, run } = useAction();
  const host = safeHost(url);
  const progress = install.progress;

  if (install.state === 'running' && progress) {
    const known = progress.total !== undefined && progress.total > 0;
    const stepKey = ['download', 'verify', 'extract', 'install', 'start'].includes(progress.step)
      ? progress.step
      : 'download';
    return (
      <div className="install-progress">
        <label>
          {t(`models.install.steps.${stepKey}`)}
          {known &&
            ` — ${formatBytes(progress.done, i18n.language)} / ${formatBytes(progress.total ?? 0, i18n.language)}`}
          <progress max={known ? progress.total : undefined} value={known ? progress.done : undefined} />
        </label>
        <button type="button" className="button" onClick={() => void api.ollama.cancelInstall()}>
          {t('models.cancel')}
        </button>
      </div>
    );
  }

  return (
    <div className="install-offer">
      <h3>{t('models.install.title')}</h3>
      <p>{t('models.install.body', { host })}</p>
      {asking ? (
        <div className="confirm" role="group" aria-label={t('models.install.title')}>
          <p>{t('models.install.consent', { url })}</p>
          <div className="button-row">
            <button
              type="button"
              className="button button-primary"
              onClick={() => {
                setAsking(false);
                // A download outlives the devhost's call deadline; progress and failures then
                // arrive through AppState (llm.ollama.install), so a timed-out call is not an error.
                void run('install', async (): Promise<Result<unknown>> => {
                  const result = await api.ollama.install({ consent: true });
                  return !result.ok && result.error.code === 'timeout' ? { ok: true, value: null } : result;
                });
              }}
            >
              {t('models.install.confirm')}
            </button>
            <button type="button" className="button" onClick={() => setAsking(false)}>
              {t('models.cancel')}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="button button-primary" onClick={() => setAsking(true)}>
          {t('models.install.button')}
        </button>
      )}
      {(error ?? (install.state === 'failed' && install.error)) && (
        <p className="field-error" role="alert">
          {error ?? t('models.install.failed', { message: install.error?.message ?? '' })}
        </p>
      )}
    </div>
  );
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
