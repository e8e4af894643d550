import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import type { MetricsSample, ReadoutPath } from '../../../common/metrics';
import type { PowerStatus } from '../../../common/state';
import { formatDecimal, formatMemoryBytes, formatPercent } from '../../../common/units';
import { useClawbar } from '../context';
import { GpuChart } from '../features/dashboard/GpuChart';
import { MemoryChart } from '../features/dashboard/MemoryChart';
import { ModelMemoryBars } from '../features/dashboard/ModelMemoryBars';
import { useMetricsHistory } from '../features/dashboard/use-metrics-history';
import { useLiveReadouts } from '../use-readouts';
import { PowerConsentDialog } from './PowerConsentDialog';

/**
 * Live GPU and unified-memory readouts on the Dashboard: utilisation, power and frequency of the
 * Metal GPU, memory as Activity Monitor counts it with the pressure level, and what each loaded
 * model takes, each with a chart of the last minutes. A readout without a source shows a dash
 * and why, never a zero.
 */
export function ReadoutsPanel() {
  const { t } = useTranslation();
  const sample = useLiveReadouts();
  const history = useMetricsHistory();
  const power = useClawbar(state => state.appState?.metrics.power ?? null);
  const [askingConsent, setAskingConsent] = useState(false);

  return (
    <section className="readouts" aria-labelledby="readouts-title">
      <h2 id="readouts-title" className="section-title">
        {t('readouts.title')}
      </h2>
      {!sample ? (
        <p className="empty" role="status">
          {t('readouts.waiting')}
        </p>
      ) : (
        <div className="card-grid readouts-grid">
          <GpuCard
            sample={sample}
            history={history}
            power={power}
            onEnablePower={() => {
              setAskingConsent(true);
            }}
          />
          <MemoryCard sample={sample} history={history} />
          <ModelsCard sample={sample} />
        </div>
      )}
      {askingConsent && power && (
        <PowerConsentDialog
          power={power}
          onClose={() => {
            setAskingConsent(false);
          }}
        />
      )}
    </section>
  );
}

function useFormat() {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  return {
    t,
    bytes: (value: number | null) => (value === null ? null : formatMemoryBytes(value, language)),
    percent: (value: number | null) => (value === null ? null : formatPercent(value, language)),
    watts: (value: number | null) =>
      value === null ? null : t('readouts.watts', { value: formatDecimal(value, language) }),
    megahertz: (value: number | null) =>
      value === null ? null : t('readouts.megahertz', { value: formatDecimal(value, language, 0) }),
  };
}

function Readout({
  sample,
  path,
  label,
  value,
  children,
}: {
  sample: MetricsSample;
  path: ReadoutPath;
  label: string;
  value: string | null;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const reason = sample.absent[path];
  const source = sample.from[path];
  return (
    <div className="readout" data-readout={path}>
      <dt>{label}</dt>
      <dd>
        {value !== null ? (
          <span className="readout-value" title={source ? t('readouts.source', { source }) : undefined}>
            {value}
          </span>
        ) : (
          <>
            {/* A dash for the eye, words for a screen reader (a span cannot carry a label). */}
            <span className="readout-value">
              <span aria-hidden="true">—</span>
              <span className="visually-hidden">{t('readouts.noValue')}</span>
            </span>
            {reason && (
              <span className="readout-reason">{t(`reasons.${reason.code}`, reason.params ?? {})}</span>
            )}
          </>
        )}
        {children}
      </dd>
    </div>
  );
}

function GpuCard({
  sample,
  history,
  power,
  onEnablePower,
}: {
  sample: MetricsSample;
  history: readonly MetricsSample[];
  power: PowerStatus | null;
  onEnablePower: () => void;
}) {
  const { t, percent, watts, megahertz, bytes } = useFormat();
  const { gpu } = sample;
  const identity = [
    gpu.cores === null ? null : t('readouts.cores', { count: gpu.cores }),
    gpu.metalFamily,
  ].filter((part): part is string => part !== null);
  const canEnablePower = gpu.powerW === null && power?.source === null && power.setup === 'not-installed';
  return (
    <section className="card readout-card" aria-labelledby="readouts-gpu">
      <header className="card-header">
        <h3 id="readouts-gpu">{t('readouts.gpu')}</h3>
        <span className="state">{gpu.model ?? '—'}</span>
      </header>
      {identity.length > 0 && <p className="card-body muted">{identity.join(' · ')}</p>}
      <GpuChart samples={history} />
      <dl className="readout-list">
        <Readout
          sample={sample}
          path="gpu.utilizationPct"
          label={t('readouts.utilization')}
          value={percent(gpu.utilizationPct)}
        >
          {gpu.utilizationPct !== null && (
            <meter min={0} max={100} value={gpu.utilizationPct} aria-label={t('readouts.utilization')} />
          )}
        </Readout>
        <Readout sample={sample} path="gpu.powerW" label={t('readouts.power')} value={watts(gpu.powerW)}>
          {canEnablePower && (
            <button type="button" className="button readout-action" onClick={onEnablePower}>
              {t('readouts.enablePower')}
            </button>
          )}
        </Readout>
        <Readout
          sample={sample}
          path="gpu.freqMHz"
          label={t('readouts.frequency')}
          value={megahertz(gpu.freqMHz)}
        />
        <Readout
          sample={sample}
          path="gpu.inUseMemoryBytes"
          label={t('readouts.gpuMemory')}
          value={bytes(gpu.inUseMemoryBytes)}
        />
      </dl>
    </section>
  );
}

function MemoryCard({ sample, history }: { sample: MetricsSample; history: readonly MetricsSample[] }) {
  const { t, bytes, percent } = useFormat();
  const { memory, vm } = sample;
  const used = bytes(memory.usedBytes);
  const total = bytes(memory.totalBytes);
  const swapUsed = bytes(memory.swapUsedBytes);
  const swapTotal = bytes(memory.swapTotalBytes);
  const limit =
    memory.gpuWiredLimitMiB === null
      ? null
      : memory.gpuWiredLimitMiB === 0
        ? t('readouts.gpuLimitDefault')
        : bytes(memory.gpuWiredLimitMiB * 1024 * 1024);
  return (
    <section className="card readout-card" aria-labelledby="readouts-memory">
      <header className="card-header">
        <h3 id="readouts-memory">{t('readouts.memory')}</h3>
        {memory.pressure && (
          <span className="pressure" data-pressure={memory.pressure}>
            <span className={`dot dot-${pressureTone[memory.pressure]}`} aria-hidden="true" />
            {t(`readouts.pressureLevels.${memory.pressure}`)}
          </span>
        )}
      </header>
      <MemoryChart samples={history} />
      <dl className="readout-list">
        <Readout
          sample={sample}
          path={memory.usedBytes === null ? 'memory.usedBytes' : 'memory.totalBytes'}
          label={t('readouts.used')}
          value={used && total ? t('readouts.usedOf', { used, total }) : used}
        >
          {memory.usedBytes !== null && memory.totalBytes !== null && memory.totalBytes > 0 && (
            <meter min={0} max={memory.totalBytes} value={memory.usedBytes} aria-label={t('readouts.used')} />
          )}
        </Readout>
        <Readout
          sample={sample}
          path="memory.pressure"
          label={t('readouts.pressure')}
          value={memory.pressure === null ? null : t(`readouts.pressureLevels.${memory.pressure}`)}
        />
        <Readout
          sample={sample}
          path="memory.freePct"
          label={t('readouts.free')}
          value={percent(memory.freePct)}
        />
        <Readout
          sample={sample}
          path="memory.wiredBytes"
          label={t('readouts.wired')}
          value={bytes(memory.wiredBytes)}
        />
        <Readout
          sample={sample}
          path="memory.compressedBytes"
          label={t('readouts.compressed')}
          value={bytes(memory.compressedBytes)}
        />
        <Readout
          sample={sample}
          path="memory.swapUsedBytes"
          label={t('readouts.swap')}
          value={
            swapUsed && swapTotal ? t('readouts.usedOf', { used: swapUsed, total: swapTotal }) : swapUsed
          }
        />
        <Readout
          sample={sample}
          path="memory.gpuWiredLimitMiB"
          label={t('readouts.gpuLimit')}
          value={limit}
        />
        <Readout
          sample={sample}
          path="vm.configuredBytes"
          label={`${t('readouts.vm')} · ${t('readouts.vmConfigured')}`}
          value={bytes(vm.configuredBytes)}
        />
        <Readout
          sample={sample}
          path="vm.podUsageBytes"
          label={`${t('readouts.vm')} · ${t('readouts.vmPods')}`}
          value={bytes(vm.podUsageBytes)}
        />
      </dl>
    </section>
  );
}

const pressureTone = { normal: 'good', warning: 'warning', critical: 'bad' } as const;

function ModelsCard({ sample }: { sample: MetricsSample }) {
  const { t } = useTranslation();
  const reason = sample.absent.models;
  return (
    <section className="card readout-card" aria-labelledby="readouts-models">
      <header className="card-header">
        <h3 id="readouts-models">{t('readouts.models')}</h3>
      </header>
      {sample.models === null ? (
        <p className="card-body readout-reason">
          {reason ? t(`reasons.${reason.code}`, reason.params ?? {}) : '—'}
        </p>
      ) : sample.models.length === 0 ? (
        <p className="card-body muted">{t('readouts.noModels')}</p>
      ) : (
        <ModelMemoryBars sample={sample} />
      )}
    </section>
  );
}
