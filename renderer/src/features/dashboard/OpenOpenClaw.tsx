import { useTranslation } from 'react-i18next';

import type { AppState } from '../../../../common/state';
import { useApi } from '../../context';
import { useAction } from '../../pages/models/use-action';
import { ErrorMessage } from '../../components/ErrorMessage';

/** The gateway's Control UI can open only while the gateway runs and its port is forwarded. */
export function canOpenOpenClaw(state: AppState): boolean {
  return state.components.gateway.state === 'running' && state.cluster.portForward.state === 'on';
}

/**
 * "Open OpenClaw": the Control UI on 127.0.0.1 in the browser, signed in with the gateway token
 * (in the URL's fragment, which never reaches a server). The URL is asked for at the click and
 * not kept: the token stays out of the page.
 */
export function OpenOpenClaw({ state }: { state: AppState }) {
  const { t } = useTranslation();
  const api = useApi();
  const { busy, error, run } = useAction();
  const available = canOpenOpenClaw(state);

  const open = async (): Promise<void> => {
    const result = await run('open', () => api.install.controlUiUrl());
    // Electron hands a loopback link to the user's browser; the devhost opens a tab.
    if (result) window.open(result.url, '_blank', 'noopener,noreferrer');
  };

  return (
    <div className="open-openclaw">
      <button
        type="button"
        className="button button-primary"
        disabled={!available || busy !== null}
        aria-describedby={available ? undefined : 'open-openclaw-why'}
        onClick={() => void open()}
      >
        {t('dashboardView.actions.openOpenClaw')}
      </button>
      {!available && (
        <p id="open-openclaw-why" className="muted field-hint">
          {t('dashboardView.openOpenClawUnavailable')}
        </p>
      )}
      <ErrorMessage message={error} />
    </div>
  );
}
