import { useTranslation } from 'react-i18next';

import type { ComponentStatus, LlmState } from '../../../../common/state';
import { ComponentCard } from '../../components/ComponentCard';
import { useApi } from '../../context';
import { ollamaActions } from '../../features/dashboard/ollama-actions';
import { InstallOllama } from './InstallOllama';
import { useAction } from './use-action';

/** The Ollama server: its state, whose it is, and start / stop / restart for the one Clawbar runs. */
export function OllamaServerPanel({ status, llm }: { status: ComponentStatus; llm: LlmState['ollama'] }) {
  const { t } = useTranslation();
  const api = useApi();
  const { busy, error, run } = useAction();
  const owned = llm.ownership === 'owned';
  const actions = ollamaActions(status, llm);
  const calls = { start: api.ollama.start, restart: api.ollama.restart, stop: api.ollama.stop };

  return (
    <div className="server-panel">
      <ComponentCard id="ollama" status={status} />
      <div className="server-details">
        {llm.ownership === 'adopted' && <p className="muted">{t('models.server.adopted')}</p>}
        {owned && llm.pid !== null && <p className="muted">{t('models.server.owned', { pid: llm.pid })}</p>}
        {llm.binary && <p className="muted">{t('models.server.binary', { path: llm.binary.path })}</p>}
        {llm.restarts > 0 && <p className="muted">{t('models.server.restarts', { count: llm.restarts })}</p>}
        {llm.restartToApply && (
          <p className="notice" role="status">
            {t('models.server.restartToApply')}
          </p>
        )}
        {llm.stderrTail.length > 0 && (
          <details open={status.state === 'crashed' || status.state === 'error'}>
            <summary>{t('models.server.lastOutput')}</summary>
            <pre className="log-tail">{llm.stderrTail.join('\n')}</pre>
          </details>
        )}
        {status.state === 'not-installed' ? (
          <InstallOllama install={llm.install} />
        ) : (
          <div className="button-row">
            {actions.map(action => (
              <button
                key={action}
                type="button"
                className={`button${action === 'start' ? ' button-primary' : ''}`}
                disabled={busy !== null}
                onClick={() => void run(action, () => calls[action]())}
              >
                {t(`models.server.${action}`)}
              </button>
            ))}
            <button
              type="button"
              className="button"
              disabled={busy !== null}
              onClick={() => void run('detect', () => api.ollama.detect())}
            >
              {t('models.server.detect')}
            </button>
          </div>
        )}
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}
