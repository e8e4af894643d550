import { useTranslation } from 'react-i18next';

import { Loading, PageHeader } from '../components/PageHeader';
import { useClawbar } from '../context';
import { LogViewer } from '../features/logs/LogViewer';
import '../features/logs/logs.css';
import { useShowVmCard } from '../use-show-vm-card';

/** Live logs of the sandbox's pods; until there are pods, why not and where to go. */
export function LogsPage() {
  const { t } = useTranslation();
  const appState = useClawbar(state => state.appState);

  let body: React.JSX.Element;
  if (!appState) body = <Loading />;
  else if (!appState.cluster.connected) body = <NoCluster />;
  else if (appState.cluster.pods.length === 0) body = <NoPods installed={appState.cluster.installed} />;
  else body = <LogViewer pods={appState.cluster.pods} />;

  return (
    <div className="logs-page">
      <PageHeader title={t('logs.title')} subtitle={t('logs.subtitle')} />
      {body}
    </div>
  );
}

function NoCluster() {
  const { t } = useTranslation();
  const k3s = useClawbar(state => state.appState?.components.k3s.state ?? 'unknown');
  const info = useClawbar(state => state.info);
  const showVm = useShowVmCard();
  return (
    <div className="empty-state logs-empty-state">
      <h2>{t('logsView.noCluster.title')}</h2>
      <p>{t('logsView.noCluster.body', { state: t(`componentStates.${k3s}`).toLowerCase() })}</p>
      <p>
        <button type="button" className="button button-primary" onClick={showVm}>
          {t('logsView.noCluster.action')}
        </button>
      </p>
      {info && <p className="muted">{t('logs.appLog', { path: info.paths.logs })}</p>}
    </div>
  );
}

function NoPods({ installed }: { installed: boolean }) {
  const { t } = useTranslation();
  const key = installed ? 'noPods' : 'notInstalled';
  return (
    <div className="empty-state logs-empty-state">
      <h2>{t(`logsView.${key}.title`)}</h2>
      <p>{t(`logsView.${key}.body`)}</p>
    </div>
  );
}
