import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import type { MetricsSample } from '../../../../common/metrics';
import { formatMemoryBytes } from '../../../../common/units';
import { formatDuration } from '../../format';
import { ChartFigure } from './ChartFigure';
import { memoryChartOptions } from './chart-options';
import { memoryChartData, memoryTotal } from './chart-series';
import { LiveChart } from './LiveChart';
import { chartCapacity } from './sample-window';

/** Used, wired and compressed memory over time, shaded where macOS reported memory pressure. */
export function MemoryChart({ samples }: { samples: readonly MetricsSample[] }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const latest = samples.at(-1);
  const windowSeconds = (chartCapacity * (latest?.intervalMs ?? 1000)) / 1000;
  const totalBytes = memoryTotal(samples);
  const data = useMemo(() => memoryChartData(samples), [samples]);
  const options = useMemo(
    () => memoryChartOptions({ language, windowSeconds, totalBytes }),
    [language, windowSeconds, totalBytes],
  );
  const bytes = (value: number | null | undefined): string | null =>
    value === null || value === undefined ? null : formatMemoryBytes(value, language);
  const pressure = latest?.memory.pressure ?? null;
  return (
    <ChartFigure
      title={t('dashboardView.charts.memory', { span: formatDuration(windowSeconds * 1000, language) })}
      legend={[
        { label: t('readouts.used'), value: bytes(latest?.memory.usedBytes), colour: '--chart-used' },
        { label: t('readouts.wired'), value: bytes(latest?.memory.wiredBytes), colour: '--chart-wired' },
        {
          label: t('readouts.compressed'),
          value: bytes(latest?.memory.compressedBytes),
          colour: '--chart-compressed',
        },
        {
          label: t('dashboardView.charts.pressureShading'),
          value: pressure === null ? null : t(`readouts.pressureLevels.${pressure}`),
          colour: pressure === 'critical' ? '--chart-pressure-critical' : '--chart-pressure-warning',
        },
      ]}
    >
      <LiveChart
        data={data}
        height={140}
        options={options}
        rebuildKey={`${language}|${windowSeconds}|${totalBytes ?? ''}`}
      />
    </ChartFigure>
  );
}
