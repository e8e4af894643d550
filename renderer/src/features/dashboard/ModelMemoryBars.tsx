import { useTranslation } from 'react-i18next';

import type { MetricsSample } from '../../../../common/metrics';
import { formatMemoryBytes, formatPercent } from '../../../../common/units';
import { modelMemoryBars } from './chart-series';

/**
 * What each loaded model takes, as a bar on the scale of the Mac's memory: the part on the GPU
 * and the part left to the CPU. The numbers are written out; the bar only repeats them.
 */
export function ModelMemoryBars({ sample }: { sample: MetricsSample }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const bytes = (value: number): string => formatMemoryBytes(value, language);
  const total = sample.memory.totalBytes;
  return (
    <>
      <ul className="model-list">
        {modelMemoryBars(sample).map(model => (
          <li key={model.name} data-model={model.name}>
            <span className="model-name">{model.name}</span>
            <span className="model-size">{model.totalBytes === null ? '—' : bytes(model.totalBytes)}</span>
            {model.totalBytes !== null && model.totalBytes > 0 && model.gpuBytes !== null && (
              <span className="muted">
                {t('readouts.onGpu', {
                  percent: formatPercent((model.gpuBytes / model.totalBytes) * 100, language),
                })}
              </span>
            )}
            {model.totalBytes !== null && (
              <span className="model-bar" aria-hidden="true">
                <span className="model-bar-gpu" style={{ width: `${model.gpuShare * 100}%` }} />
                <span className="model-bar-cpu" style={{ width: `${model.cpuShare * 100}%` }} />
                <span className="model-bar-unknown" style={{ width: `${model.unknownShare * 100}%` }} />
              </span>
            )}
            {/* Only a model split between both needs the two numbers: "100 % on the GPU" says the rest. */}
            {model.gpuBytes !== null &&
              model.cpuBytes !== null &&
              model.gpuBytes > 0 &&
              model.cpuBytes > 0 && (
                <span className="muted model-split">
                  {t('dashboardView.models.split', {
                    gpu: bytes(model.gpuBytes),
                    cpu: bytes(model.cpuBytes),
                  })}
                </span>
              )}
          </li>
        ))}
      </ul>
      <ul className="chart-legend model-legend" aria-label={t('dashboardView.models.legend')}>
        <li>
          <span className="swatch model-bar-gpu" aria-hidden="true" />
          {t('dashboardView.models.gpu')}
        </li>
        <li>
          <span className="swatch model-bar-cpu" aria-hidden="true" />
          {t('dashboardView.models.cpu')}
        </li>
        {total !== null && (
          <li className="muted">{t('dashboardView.models.scale', { total: bytes(total) })}</li>
        )}
      </ul>
    </>
  );
}
