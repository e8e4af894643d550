import { useTranslation } from 'react-i18next';

import type { IpcError } from '../../../common/errors';
import { ComponentCard } from '../components/ComponentCard';
import { Loading, PageHeader } from '../components/PageHeader';
import { useClawbar } from '../context';
import { InstalledModels } from './models/InstalledModels';
import { MemoryFit } from './models/MemoryFit';
import { OllamaServerPanel } from './models/OllamaServerPanel';
import { PullPanel } from './models/PullPanel';
import { RunningModels } from './models/RunningModels';
import { useModels } from './models/use-models';

/** Local models: the servers, installed and loaded models, pulls, and what fits on this Mac. */
export function ModelsPage() {
  const { t } = useTranslation();
  const appState = useClawbar(state => state.appState);
  const data = useModels();

  return (
    <>
      <PageHeader title={t('models.title')} subtitle={t('models.subtitle')} />
      {!appState ? (
        <Loading />
      ) : (
        <>
          <h2 className="section-title">{t('models.servers')}</h2>
          <div className="card-grid card-grid-wide">
            <OllamaServerPanel status={appState.components.ollama} llm={appState.llm.ollama} />
            <div className="server-panel">
              <ComponentCard id="lmstudio" status={appState.components.lmstudio} />
              {appState.llm.lmstudio.models.length > 0 && (
                <p className="muted server-details">
                  {t('models.lmstudioModels', { models: appState.llm.lmstudio.models.join(', ') })}
                </p>
              )}
            </div>
          </div>

          <h2 className="section-title">{t('models.installed')}</h2>
          {data.serverUp ? (
            <section className="card" aria-label={t('models.installed')}>
              {data.error && <ErrorLine error={data.error} />}
              {data.installed ? (
                <InstalledModels models={data.installed} onChanged={data.refresh} />
              ) : (
                !data.error && <Loading />
              )}
              <PullPanel pulls={data.pulls} outcomes={data.outcomes} onDismiss={data.dismissOutcome} />
            </section>
          ) : (
            <p className="empty">{t('models.serverDown')}</p>
          )}

          {data.serverUp && (
            <>
              <h2 className="section-title">{t('models.running')}</h2>
              <section className="card" aria-label={t('models.running')}>
                {data.runningError && <ErrorLine error={data.runningError} />}
                {data.running ? <RunningModels models={data.running} /> : !data.runningError && <Loading />}
              </section>
            </>
          )}

          <h2 className="section-title">{t('models.recommended')}</h2>
          {data.fit ? (
            <MemoryFit
              report={data.fit}
              canPull={data.serverUp}
              pulling={new Set(data.pulls.map(pull => pull.model))}
            />
          ) : data.fitError ? (
            <section className="card" aria-labelledby="fit-error-title">
              <h3 id="fit-error-title">{t('models.fitTitle')}</h3>
              <ErrorLine error={data.fitError} />
            </section>
          ) : (
            <Loading />
          )}
        </>
      )}
    </>
  );
}

/** A failed call, in words: the code's sentence and the service's detail. */
function ErrorLine({ error }: { error: IpcError }) {
  const { t } = useTranslation();
  return (
    <p className="field-error" role="alert">
      {t(`errors.${error.code}`)} {error.message}
    </p>
  );
}
