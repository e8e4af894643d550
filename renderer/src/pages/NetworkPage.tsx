import { useTranslation } from 'react-i18next';

import { Loading, PageHeader } from '../components/PageHeader';
import { useClawbar } from '../context';

const layers = ['policies', 'podSecurity', 'proxy', 'toolSandbox', 'token'] as const;

export function NetworkPage() {
  const { t } = useTranslation();
  const appState = useClawbar(state => state.appState);
  const clusterState = appState?.components.k3s.state;

  return (
    <>
      <PageHeader title={t('network.title')} subtitle={t('network.subtitle')} />
      {!appState ? (
        <Loading />
      ) : (
        <>
          <p className="notice" role="status">
            {clusterState === 'not-created'
              ? t('network.notInstalled')
              : t('network.clusterState', { state: t(`componentStates.${appState.components.k3s.state}`) })}
          </p>
          <section className="card" aria-labelledby="layers-title">
            <h2 id="layers-title">{t('network.layersTitle')}</h2>
            <ol className="layer-list">
              {layers.map(layer => (
                <li key={layer}>{t(`network.layers.${layer}`)}</li>
              ))}
            </ol>
          </section>
        </>
      )}
    </>
  );
}
