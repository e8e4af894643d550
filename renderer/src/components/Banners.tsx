import { useTranslation } from 'react-i18next';

import { useApi, useClawbar } from '../context';

/** Connection trouble and a recovered settings file: shown above every page until resolved. */
export function Banners() {
  const { t } = useTranslation();
  const api = useApi();
  const connection = useClawbar(state => state.connection);
  const recovery = useClawbar(state => state.settings?.recovery ?? null);
  const setSettings = useClawbar(state => state.setSettings);

  const dismiss = async (): Promise<void> => {
    const result = await api.settings.dismissRecovery();
    if (result.ok) setSettings(result.value);
  };

  return (
    <>
      {connection !== 'open' && (
        <div className={`banner ${connection === 'failed' ? 'banner-error' : 'banner-info'}`} role="status">
          {t(`connection.${connection}`)}
        </div>
      )}
      {recovery && (
        <div className="banner banner-warning" role="alert">
          <div>
            <strong>{t('settings.recoveryTitle')}</strong>
            <p>{t('settings.recoveryBody', { path: recovery.backupPath, reason: recovery.reason })}</p>
          </div>
          <button type="button" className="button" onClick={() => void dismiss()}>
            {t('settings.dismiss')}
          </button>
        </div>
      )}
    </>
  );
}
