import type {
  FitReport,
  InstalledModel,
  ModelFit,
  ModelInfo,
  ModelTestResult,
  PullProgress,
  RunningModel,
} from '../../../common/models';
import { formatBytes, formatMemory, formatPercent, formatRate, formatSeconds } from '../../../common/units';
import type { CliContext } from '../command';

/** Human output of `clawbar models …`: aligned tables and lines, in the user's language. */
type Out = Pick<CliContext, 't' | 'language'>;

/** Columns are counted in code points, so `✓` and accented names line up. */
function width(text: string): number {
  return Array.from(text).length;
}

export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows.reduce<number[]>(
    (acc, row) => row.map((cell, column) => Math.max(acc[column] ?? 0, width(cell))),
    [],
  );
  return rows
    .map(row =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - width(cell)),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function fitText(fit: ModelFit | null, { t, language }: Out): string {
  if (!fit) return '—';
  if (fit.verdict === 'partial')
    return t('models.fitVerdict.partial', { share: formatPercent(fit.gpuFraction * 100, language) });
  return t(`models.fitVerdict.${fit.verdict}`);
}

export function formatModelList(models: readonly InstalledModel[], out: Out): string {
  const { t, language } = out;
  if (models.length === 0) return `${t('cli.models.none', { example: 'qwen3:8b' })}\n`;
  const rows = models.map(model => [
    model.isDefault ? `${model.name} *` : model.name,
    formatBytes(model.sizeBytes, language),
    model.details.parameterSize ?? '—',
    model.details.quantization ?? '—',
    fit(model.fit),
  ]);
  function fit(value: ModelFit | null): string {
    return value ? `${fitText(value, out)} (${formatMemory(value.requiredBytes, language)})` : '—';
  }
  const header = [
    t('cli.models.columns.name'),
    t('cli.models.columns.size'),
    t('cli.models.columns.parameters'),
    t('cli.models.columns.quantization'),
    t('cli.models.columns.fit'),
  ];
  const footer = models.some(model => model.isDefault) ? `\n* ${t('models.defaultModel')}` : '';
  return `${table([header, ...rows])}${footer}\n`;
}

export function formatRunning(models: readonly RunningModel[], { t, language }: Out): string {
  if (models.length === 0) return `${t('models.noneRunning')}\n`;
  const header = [
    t('cli.models.columns.name'),
    t('cli.models.columns.size'),
    t('cli.models.columns.gpu'),
    t('cli.models.columns.until'),
  ];
  const rows = models.map(model => [
    model.name,
    formatBytes(model.sizeBytes, language),
    `${formatBytes(model.vramBytes, language)} (${formatPercent(model.sizeBytes > 0 ? (model.vramBytes / model.sizeBytes) * 100 : 0, language)})`,
    model.expiresAt ? new Date(model.expiresAt).toLocaleTimeString(language) : '—',
  ]);
  return `${table([header, ...rows])}\n`;
}

export function formatFit(report: FitReport, out: Out): string {
  const { t, language } = out;
  const { memory, context } = report;
  const lines = [
    t('models.memoryLine', {
      total: formatMemory(memory.totalBytes, language),
      gpu: formatMemory(memory.gpuLimitBytes, language),
      source: t(`models.gpuSource.${memory.gpuLimitSource}`),
      vm: formatMemory(memory.vmReservedBytes, language),
      reserve: formatMemory(memory.systemReserveBytes, language),
      available: formatMemory(memory.availableBytes, language),
    }),
    t('models.contextLine', {
      tokens: context.contextLength,
      parallel: context.parallel,
      kv: context.kvCacheType,
    }),
    '',
    `${t('models.recommended')}:`,
  ];
  const header = [
    t('cli.models.columns.name'),
    t('cli.models.columns.size'),
    t('cli.models.columns.needs'),
    t('cli.models.columns.fit'),
    '',
  ];
  const rows = report.recommended.map(entry => [
    entry.installed ? `${entry.name} ✓` : entry.name,
    formatBytes(entry.sizeBytes, language),
    formatMemory(entry.fit.requiredBytes, language),
    fitText(entry.fit, out),
    entry.note ?? (entry.noteKey ? t(`models.notes.${entry.noteKey}`) : ''),
  ]);
  lines.push(table([header, ...rows]));
  if (report.installed && report.installed.length > 0) {
    lines.push('', `${t('models.installed')}:`);
    lines.push(
      table(
        report.installed.map(model => [
          model.name,
          formatBytes(model.sizeBytes, language),
          model.fit ? formatMemory(model.fit.requiredBytes, language) : '—',
          fitText(model.fit, out),
        ]),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One progress line: step, percent, bytes, speed, time left. */
export function formatProgress(progress: PullProgress, { t, language }: Out): string {
  const parts = [t(`models.steps.${progress.progress.step}`)];
  if (progress.percent !== null) parts.push(formatPercent(progress.percent, language));
  if (progress.progress.total !== undefined) {
    parts.push(
      `${formatBytes(progress.progress.done, language)} / ${formatBytes(progress.progress.total, language)}`,
    );
  }
  if (progress.bytesPerSecond) parts.push(formatRate(progress.bytesPerSecond, language));
  if (progress.etaSeconds !== null)
    parts.push(t('models.eta', { time: formatSeconds(progress.etaSeconds, language) }));
  return parts.join('  ');
}

export function formatTest(result: ModelTestResult, { t, language }: Out): string {
  return `${t('models.testResult', {
    model: result.model,
    rate: new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(result.tokensPerSecond),
    count: result.evalCount,
    load: formatSeconds(result.loadMs / 1000, language),
  })}\n${result.response}\n`;
}

export function formatShow(info: ModelInfo, { t, language }: Out): string {
  const rows: [string, string][] = [
    [t('cli.models.columns.name'), info.name],
    [t('models.architecture'), info.architecture ?? '—'],
    [
      t('cli.models.columns.parameters'),
      info.details.parameterSize ??
        (info.parameterCount ? new Intl.NumberFormat(language).format(info.parameterCount) : '—'),
    ],
    [t('cli.models.columns.quantization'), info.details.quantization ?? '—'],
    [
      t('models.contextLength'),
      info.contextLength === null ? '—' : new Intl.NumberFormat(language).format(info.contextLength),
    ],
    [t('models.capabilities'), info.capabilities.join(', ') || '—'],
  ];
  return `${table(rows)}\n`;
}
