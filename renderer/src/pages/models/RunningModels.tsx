import { useTranslation } from 'react-i18next';

import type { RunningModel } from '../../../../common/models';
import { formatBytes, formatPercent } from '../../../../common/units';
import { formatRelativeTime } from '../../format';
import { useNow } from '../../use-now';

/** Models loaded in memory, with how much of each sits in GPU memory. */
export function RunningModels({ models }: { models: RunningModel[] }) {
  const { t, i18n } = useTranslation();
  const now = useNow(15_000);
  if (models.length === 0) return <p className="empty">{t('models.noneRunning')}</p>;
  return (
    <table className="models-table">
      <caption className="visually-hidden">{t('models.running')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('cli.models.columns.name')}</th>
          <th scope="col">{t('cli.models.columns.size')}</th>
          <th scope="col">{t('cli.models.columns.gpu')}</th>
          <th scope="col">{t('cli.models.columns.until')}</th>
        </tr>
      </thead>
      <tbody>
        {models.map(model => (
          <tr key={model.name} data-running={model.name}>
            <th scope="row">{model.name}</th>
            <td>{formatBytes(model.sizeBytes, i18n.language)}</td>
            <td>
              {t('models.gpuMemory', {
                vram: formatBytes(model.vramBytes, i18n.language),
                size: formatBytes(model.sizeBytes, i18n.language),
              })}{' '}
              (
              {formatPercent(
                model.sizeBytes > 0 ? (model.vramBytes / model.sizeBytes) * 100 : 0,
                i18n.language,
              )}
              )
            </td>
            <td>
              {model.expiresAt
                ? t('models.until', { time: formatRelativeTime(model.expiresAt, now, i18n.language) })
                : '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
