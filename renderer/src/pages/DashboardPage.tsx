import { useTranslation } from 'react-i18next';

import { overallHealth, type ComponentId } from '../../../common/state';
import { ComponentCard } from '../components/ComponentCard';
import { Loading, PageHeader } from '../components/PageHeader';
import { ReadoutsPanel } from '../components/ReadoutsPanel';
import { HealthDot } from '../components/StatusDot';
import { VmCard } from '../components/VmCard';
import { useClawbar } from '../context';

const sandbox: ComponentId[] = ['vm', 'k3s', 'gateway', 'proxy'];
const localModels: ComponentId[] = ['ollama', 'lmstudio'];

export function DashboardPage() {
  const { t } = useTranslation();
  const appState = useClawbar(state => state.appState);

  return (
    <>
      <PageHeader title={t('dashboard.title')} subtitle={t('dashboard.subtitle')} />
      {!appState ? (
        <Loading />
      ) : (
        <>
          <p className="health-line" role="status" data-health={overallHealth(appState)}>
            <HealthDot health={overallHealth(appState)} />
            {t(`health.${overallHealth(appState)}`)}
          </p>
          <h2 className="section-title">{t('dashboard.sandbox')}</h2>
          <div className="card-grid">
            {sandbox.map(id =>
              id === 'vm' ? (
                <VmCard key={id} status={appState.components.vm} vm={appState.vm} />
              ) : (
                <ComponentCard key={id} id={id} status={appState.components[id]} />
              ),
            )}
          </div>
          <h2 className="section-title">{t('dashboard.localModels')}</h2>
          <div className="card-grid">
            {localModels.map(id => (
              <ComponentCard key={id} id={id} status={appState.components[id]} />
            ))}
          </div>
          <ReadoutsPanel />
        </>
      )}
    </>
  );
}
