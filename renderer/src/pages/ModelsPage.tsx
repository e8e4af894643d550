import { useTranslation } from 'react-i18next';

import { ComponentCard } from '../components/ComponentCard';
import { Loading, PageHeader } from '../components/PageHeader';
import { useClawbar } from '../context';

export function ModelsPage() {
  const { t } = useTranslation();
  const appState = useClawbar(state => state.appState);

  return (
    <>
      <PageHeader title={t('models.title')} subtitle={t('models.subtitle')} />
      {!appState ? (
        <Loading />
      ) : (
        <>
          <h2 className="section-title">{t('models.servers')}</h2>
          <div className="card-grid">
            <ComponentCard id="ollama" status={appState.components.ollama} />
            <ComponentCard id="lmstudio" status={appState.components.lmstudio} />
          </div>
        </>
      )}
    </>
  );
}
