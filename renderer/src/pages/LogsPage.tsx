import { useTranslation } from 'react-i18next';

import { Loading, PageHeader } from '../components/PageHeader';
import { useClawbar } from '../context';

export function LogsPage() {
  const { t } = useTranslation();
  const appState = useClawbar(state => state.appState);
  const info = useClawbar(state => state.info);

  return (
    <>
      <PageHeader title={t('logs.title')} subtitle={t('logs.subtitle')} />
      {!appState ? (
        <Loading />
      ) : (
        <div className="empty-state">
          <p>
            {t('logs.noCluster', {
              state: t(`componentStates.${appState.components.k3s.state}`).toLowerCase(),
            })}
          </p>
          {info && <p className="muted">{t('logs.appLog', { path: info.paths.logs })}</p>}
        </div>
      )}
    </>
  );
}
