import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import type { MetricsSample } from '../../../../common/metrics';
import { formatDecimal, formatPercent } from '../../../../common/units';
import { formatDuration } from '../../format';
import { ChartFigure } from './ChartFigure';
import { gpuChartOptions } from './chart-options';
import { gpuChartData } from './chart-series';
import { LiveChart } from './LiveChart';
import { chartCapacity } from './sample-window';

/** GPU usage and power over the last minutes, with their current values beside the chart. */
export function GpuChart({ samples }: { samples: readonly MetricsSample[] }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const latest = samples.at(-1);
  const windowSeconds = (chartCapacity * (latest?.intervalMs ?? 1000)) / 1000;
  const data = useMemo(() => gpuChartData(samples), [samples]);
  const options = useMemo(
    () =>
      gpuChartOptions({
        language,
        windowSeconds,
        formatWatts: value => t('readouts.watts', { value: formatDecimal(value, language, 0) }),
      }),
    [language, windowSeconds, t],
  );
  const utilization = latest?.gpu.utilizationPct ?? null;
  const power = latest?.gpu.powerW ?? null;
  return (
    <ChartFigure
      title={t('dashboardView.charts.gpu', { span: formatDuration(windowSeconds * 1000, language) })}
      legend={[
        {
          label: t('readouts.utilization'),
          value: utilization === null ? null : formatPercent(utilization, language),
          colour: '--chart-gpu',
        },
        {
          label: t('readouts.power'),
          value: power === null ? null : t('readouts.watts', { value: formatDecimal(power, language) }),
          colour: '--chart-power',
        },
      ]}
    >
      <LiveChart data={data} height={140} options={options} rebuildKey={`${language}|${windowSeconds}`} />
    </ChartFigure>
  );
}
