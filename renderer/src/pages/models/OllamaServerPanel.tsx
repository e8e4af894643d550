import { useTranslation } from 'react-i18next';

import type { ComponentStatus, LlmState } from '../../../../common/state';
import { ComponentCard } from '../../components/ComponentCard';
import { useApi } from '../../context';
import { OllamaServerButtons } from '../../features/dashboard/OllamaServerButtons';
import { InstallOllama } from './InstallOllama';
import { useAction } from './use-action';
import { ErrorMessage } from '../../components/ErrorMessage';

/** The Ollama server: its state, whose it is, and start / stop / restart for the one Clawbar runs. */
export function OllamaServerPanel({ status, llm }: { status: ComponentStatus; llm: LlmState['ollama'] }) {
  const { t } = useTranslation();
  const api = useApi();
  const action = useAction();
  const { busy, error, run } = action;
  const owned = llm.ownership === 'owned';

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
            <OllamaServerButtons status={status} llm={llm} action={action} />
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
        <ErrorMessage message={error} />
      </div>
    </div>
  );
}
