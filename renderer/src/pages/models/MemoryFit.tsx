import { useTranslation } from 'react-i18next';

import type { FitReport } from '../../../../common/models';
import { formatBytes, formatMemory } from '../../../../common/units';
import { useApi } from '../../context';
import { FitBadge } from './FitBadge';

/** What fits on this Mac: the memory budget, and every recommended model with its verdict. */
export function MemoryFit({
  report,
  canPull,
  pulling,
}: {
  report: FitReport;
  canPull: boolean;
  pulling: ReadonlySet<string>;
}) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const { memory, context } = report;
  return (
    <section className="card" aria-labelledby="fit-title">
      <h3 id="fit-title">{t('models.fitTitle')}</h3>
      <p className="muted">
        {t('models.memoryLine', {
          total: formatMemory(memory.totalBytes, i18n.language),
          gpu: formatMemory(memory.gpuLimitBytes, i18n.language),
          source: t(`models.gpuSource.${memory.gpuLimitSource}`),
          vm: formatMemory(memory.vmReservedBytes, i18n.language),
          reserve: formatMemory(memory.systemReserveBytes, i18n.language),
          available: formatMemory(memory.availableBytes, i18n.language),
        })}
      </p>
      <p className="muted">
        {t('models.contextLine', {
          tokens: context.contextLength,
          parallel: context.parallel,
          kv: context.kvCacheType,
        })}
      </p>
      <table className="models-table">
        <caption className="visually-hidden">{t('models.recommended')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('cli.models.columns.name')}</th>
            <th scope="col">{t('cli.models.columns.size')}</th>
            <th scope="col">{t('cli.models.columns.fit')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('models.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {report.recommended.map(entry => (
            <tr key={entry.name} data-recommended={entry.name}>
              <th scope="row">
                {entry.name}
                <p className="muted">
                  {entry.note ?? (entry.noteKey ? t(`models.notes.${entry.noteKey}`) : '')}
                </p>
              </th>
              <td>{formatBytes(entry.sizeBytes, i18n.language)}</td>
              <td>
                <FitBadge fit={entry.fit} />
              </td>
              <td className="actions-cell">
                {entry.installed ? (
                  <span className="muted">{t('models.installedMark')}</span>
                ) : (
                  canPull && (
                    <button
                      type="button"
                      className="button"
                      disabled={pulling.has(entry.name)}
                      aria-label={`${t('models.pull')} ${entry.name}`}
                      onClick={() => void api.models.pull({ model: entry.name })}
                    >
                      {t('models.pull')}
                    </button>
                  )
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
