import { useTranslation } from 'react-i18next';

import type { ModelFit } from '../../../../common/models';
import { formatMemory, formatPercent } from '../../../../common/units';

const tone = { gpu: 'good', partial: 'warning', no: 'bad' } as const;

/** Whether a model fits: the words say it, the colour only repeats them. */
export function FitBadge({ fit }: { fit: ModelFit | null }) {
  const { t, i18n } = useTranslation();
  if (!fit) return <span className="muted">—</span>;
  const label =
    fit.verdict === 'partial'
      ? t('models.fitVerdict.partial', { share: formatPercent(fit.gpuFraction * 100, i18n.language) })
      : t(`models.fitVerdict.${fit.verdict}`);
  return (
    <span className={`fit fit-${tone[fit.verdict]}`} data-fit={fit.verdict}>
      <span className={`dot dot-${tone[fit.verdict]}`} aria-hidden="true" />
      {label}
      <span className="muted">
        {' '}
        · {t('models.needs', { size: formatMemory(fit.requiredBytes, i18n.language) })}
      </span>
    </span>
  );
}
