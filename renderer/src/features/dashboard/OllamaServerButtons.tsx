import { useTranslation } from 'react-i18next';

import type { ComponentStatus, LlmState } from '../../../../common/state';
import { useApi } from '../../context';
import type { useAction } from '../../pages/models/use-action';
import { ollamaActions } from './ollama-actions';

/**
 * Start, restart and stop for the Ollama server, as far as ollamaActions allows them; the
 * Dashboard card and the Models page share them, and each runs them through its own useAction.
 */
export function OllamaServerButtons({
  status,
  llm,
  action,
}: {
  status: ComponentStatus;
  llm: LlmState['ollama'];
  action: Pick<ReturnType<typeof useAction>, 'busy' | 'run'>;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const calls = { start: api.ollama.start, restart: api.ollama.restart, stop: api.ollama.stop };
  return ollamaActions(status, llm).map(name => (
    <button
      key={name}
      type="button"
      className={`button${name === 'start' ? ' button-primary' : ''}`}
      disabled={action.busy !== null}
      onClick={() => void action.run(name, () => calls[name]())}
    >
      {t(`models.server.${name}`)}
    </button>
  ));
}
