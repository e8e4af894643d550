import { useTranslation } from 'react-i18next';

import { ComponentCard } from '../components/ComponentCard';
import { Loading, PageHeader } from '../components/PageHeader';
import { ReadoutsPanel } from '../components/ReadoutsPanel';
import { VmCard } from '../components/VmCard';
import { useClawbar } from '../context';
import { componentFacts } from '../features/dashboard/component-facts';
import '../features/dashboard/dashboard.css';
import { HealthLine } from '../features/dashboard/HealthLine';
import { LmStudioCard } from '../features/dashboard/LmStudioCard';
import { OllamaCard } from '../features/dashboard/OllamaCard';
import { OpenOpenClaw } from '../features/dashboard/OpenOpenClaw';
import { SandboxPodCard } from '../features/dashboard/SandboxPodCard';

/** Everything at a glance: the overall health, one card per component with its actions, live readouts. */
export function DashboardPage() {
  const { t } = useTranslation();
  const appState = useClawbar(state => state.appState);

  return (
    <>
      <PageHeader title={t('dashboard.title')} subtitle={t('dashboard.subtitle')}>
        {appState && <OpenOpenClaw state={appState} />}
      </PageHeader>
      {!appState ? (
        <Loading />
      ) : (
        <>
          <HealthLine state={appState} />
          <h2 className="section-title">{t('dashboard.sandbox')}</h2>
          <div className="card-grid">
            <VmCard status={appState.components.vm} vm={appState.vm} facts={componentFacts('vm', appState)} />
            <ComponentCard
              id="k3s"
              status={appState.components.k3s}
              facts={componentFacts('k3s', appState)}
            />
            <SandboxPodCard role="gateway" state={appState} />
            <SandboxPodCard role="proxy" state={appState} />
          </div>
          <h2 className="section-title">{t('dashboard.localModels')}</h2>
          <div className="card-grid">
            <OllamaCard state={appState} />
            <LmStudioCard state={appState} />
          </div>
          <ReadoutsPanel />
        </>
      )}
    </>
  );
}
