import { useTranslation } from 'react-i18next';

import type { AppState } from '../../../../common/state';
import { ComponentCard } from '../../components/ComponentCard';
import { useClawbar } from '../../context';
import { useAction } from '../../pages/models/use-action';
import { componentFacts } from './component-facts';
import { ollamaActions } from './ollama-actions';
import { OllamaServerButtons } from './OllamaServerButtons';
import { ErrorMessage } from '../../components/ErrorMessage';

/**
 * Ollama on the Dashboard: start a server that is down, restart or stop the one Clawbar runs
 * (never one it adopted), and a way to the Models page to install it when it is missing.
 */
export function OllamaCard({ state }: { state: AppState }) {
  const { t } = useTranslation();
  const navigate = useClawbar(store => store.navigate);
  const action = useAction();
  const status = state.components.ollama;
  const actions = ollamaActions(status, state.llm.ollama);
  return (
    <ComponentCard id="ollama" status={status} facts={componentFacts('ollama', state)}>
      {state.llm.ollama.ownership === 'adopted' && (
        <p className="card-body muted">{t('dashboardView.ollamaAdopted')}</p>
      )}
      <ErrorMessage message={action.error} />
      {(actions.length > 0 || status.state === 'not-installed') && (
        <div className="card-actions">
          <OllamaServerButtons status={status} llm={state.llm.ollama} action={action} />
          {status.state === 'not-installed' && (
            <button type="button" className="button button-primary" onClick={() => navigate('models')}>
              {t('dashboardView.actions.installOllama')}
            </button>
          )}
        </div>
      )}
    </ComponentCard>
  );
}
