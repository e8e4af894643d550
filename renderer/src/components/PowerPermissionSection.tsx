import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useApi, useClawbar } from '../context';

/** Settings: the state of the powermetrics permission, and the way to take it back. */
export function PowerPermissionSection() {
  const { t } = useTranslation();
  const api = useApi();
  const power = useClawbar(state => state.appState?.metrics.power ?? null);
  const [removing, setRemoving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!power) return null;

  const remove = async (): Promise<void> => {
    setRemoving(true);
    setError(null);
    const result = await api.metrics.removePower();
    setRemoving(false);
    if (!result.ok) setError(t(`errors.${result.error.code}`));
  };

  return (
    <section className="card settings-section" aria-labelledby="power-permission-title">
      <h2 id="power-permission-title">{t('settings.power')}</h2>
      <div className="field-row">
        <span>
          {power.setup === 'installed'
            ? t('settings.powerInstalled', { path: power.rulePath ?? '' })
            : power.setup === 'not-installed'
              ? t('settings.powerNotInstalled')
              : t('settings.powerUnavailable')}
        </span>
        {power.setup === 'installed' && (
          <div className="field">
            <button type="button" className="button" onClick={() => void remove()} disabled={removing}>
              {removing ? t('settings.removingPower') : t('settings.removePower')}
            </button>
          </div>
        )}
      </div>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
    </section>
  );
}
