import { useTranslation } from 'react-i18next';

import type { AppState } from '../../../../common/state';
import { ComponentCard } from '../../components/ComponentCard';
import { useApi } from '../../context';
import { useAction } from '../../pages/models/use-action';
import { componentFacts } from './component-facts';
import { ErrorMessage } from '../../components/ErrorMessage';

/** LM Studio is the user's own app: Clawbar only finds it, so the one action is to look again. */
export function LmStudioCard({ state }: { state: AppState }) {
  const { t } = useTranslation();
  const api = useApi();
  const { busy, error, run } = useAction();
  return (
    <ComponentCard id="lmstudio" status={state.components.lmstudio} facts={componentFacts('lmstudio', state)}>
      <ErrorMessage message={error} />
      <div className="card-actions">
        <button
          type="button"
          className="button"
          disabled={busy !== null}
          onClick={() => void run('detect', () => api.ollama.detect())}
        >
          {t('models.server.detect')}
        </button>
      </div>
    </ComponentCard>
  );
}
