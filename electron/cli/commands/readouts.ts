import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { ClawbarError } from '../../../common/errors';
import type { MetricsSample, ReadoutPath } from '../../../common/metrics';
import { formatDecimal, formatMemoryBytes, formatPercent } from '../../../common/units';
import { readoutsJson } from '../../services/metrics/readouts-json';
import { sampleRecording } from '../../services/metrics/sample-recording';
import { createLogger } from '../../services/platform/log';
import { exitCodes, UsageError, type CliCommand, type CliContext } from '../command';

/** How long a live one-shot sample waits for the power stream's first reading. */
const settleMs = 2500;

export const readoutsCommand: CliCommand = {
  name: 'readouts',
  summaryKey: 'cli.commands.readouts',
  usage:
    'clawbar readouts [--replay DIR] [--json] | clawbar readouts setup-power [--yes] | clawbar readouts remove-power',
  async run(args, context) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        replay: { type: 'string' },
        json: { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
    const [action, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0] ?? ''}"`);
    if (action === undefined) {
      if (values.yes) throw new UsageError('--yes goes with setup-power');
      return values.replay === undefined
        ? sampleLive(values.json, context)
        : replay(values.replay, values.json, context);
    }
    if (values.replay !== undefined || values.json)
      throw new UsageError(`${action} takes no --replay or --json`);
    if (action === 'setup-power') return setupPower(values.yes, context);
    if (action === 'remove-power') return removePower(context);
    throw new UsageError(`unknown action "${action}"`);
  },
};

async function replay(dir: string, json: boolean, context: CliContext): Promise<number> {
  const { sample, problems } = await sampleRecording(resolve(dir), { log: createLogger({ sinks: [] }) });
  // Files that exist but cannot be read: said on stderr, so stdout stays the readouts alone.
  for (const message of new Set(
    problems.map(({ reason }) => context.t(`reasons.${reason.code}`, reason.params ?? {})),
  ))
    context.stderr.write(`clawbar readouts: ${message}\n`);
  write(sample, json, context);
  return exitCodes.ok;
}

async function sampleLive(json: boolean, context: CliContext): Promise<number> {
  const runtime = await context.openRuntime();
  try {
    await runtime.services.start();
    write(await runtime.services.metrics.sampleOnce(settleMs), json, context);
    return exitCodes.ok;
  } finally {
    await runtime.lifecycle.shutdown(5000);
  }
}

async function setupPower(yes: boolean, context: CliContext): Promise<number> {
  const runtime = await context.openRuntime();
  try {
    await runtime.services.start();
    const power = runtime.services.state.snapshot.metrics.power;
    if (power.setup === 'unavailable')
      throw new ClawbarError('metrics-power-unsupported', context.t('errors.metrics-power-unsupported'));
    if (!yes) {
      context.stdout.write(
        `${context.t('cli.readouts.consent', { path: power.rulePath ?? '', user: power.rule?.split(' ')[0] ?? '', command: power.command ?? '' })}\n`,
      );
      return exitCodes.usage;
    }
    const status = await runtime.services.metrics.setupPower();
    context.stdout.write(`${context.t('cli.readouts.installed', { path: status.rulePath ?? '' })}\n`);
    return exitCodes.ok;
  } finally {
    await runtime.lifecycle.shutdown(5000);
  }
}

async function removePower(context: CliContext): Promise<number> {
  const runtime = await context.openRuntime();
  try {
    await runtime.services.start();
    const power = runtime.services.state.snapshot.metrics.power;
    if (power.setup !== 'installed') {
      context.stdout.write(`${context.t('cli.readouts.nothingToRemove')}\n`);
      return exitCodes.ok;
    }
    await runtime.services.metrics.removePower();
    context.stdout.write(`${context.t('cli.readouts.removed', { path: power.rulePath ?? '' })}\n`);
    return exitCodes.ok;
  } finally {
    await runtime.lifecycle.shutdown(5000);
  }
}

function write(sample: MetricsSample, json: boolean, context: CliContext): void {
  context.stdout.write(
    json ? `${JSON.stringify(readoutsJson(sample), null, 2)}\n` : formatReadouts(sample, context),
  );
}

/** The human table: every readout with its value, or "—" and why it has none. */
export function formatReadouts(
  sample: MetricsSample,
  { t, language }: Pick<CliContext, 't' | 'language'>,
): string {
  const rows: [string, string][] = [];
  const row = (label: string, path: ReadoutPath, value: string | null): void => {
    const reason = sample.absent[path];
    rows.push([
      label,
      value ?? `—  ${reason ? t(`reasons.${reason.code}`, reason.params ?? {}) : ''}`.trimEnd(),
    ]);
  };
  const bytes = (value: number | null) => (value === null ? null : formatMemoryBytes(value, language));
  const { gpu, memory, vm } = sample;

  const identity = [
    gpu.model,
    gpu.cores === null ? null : t('readouts.cores', { count: gpu.cores }),
    gpu.metalFamily,
  ]
    .filter((part): part is string => part !== null)
    .join(' · ');
  row(t('readouts.gpu'), 'gpu.model', identity === '' ? null : identity);
  row(
    t('readouts.utilization'),
    'gpu.utilizationPct',
    gpu.utilizationPct === null ? null : formatPercent(gpu.utilizationPct, language),
  );
  row(
    t('readouts.power'),
    'gpu.powerW',
    gpu.powerW === null ? null : t('readouts.watts', { value: formatDecimal(gpu.powerW, language) }),
  );
  row(
    t('readouts.frequency'),
    'gpu.freqMHz',
    gpu.freqMHz === null ? null : t('readouts.megahertz', { value: formatDecimal(gpu.freqMHz, language, 0) }),
  );
  row(t('readouts.gpuMemory'), 'gpu.inUseMemoryBytes', bytes(gpu.inUseMemoryBytes));
  const used = bytes(memory.usedBytes);
  const total = bytes(memory.totalBytes);
  row(
    t('readouts.memory'),
    memory.usedBytes === null ? 'memory.usedBytes' : 'memory.totalBytes',
    used && total ? t('readouts.usedOf', { used, total }) : (used ?? total),
  );
  row(t('readouts.wired'), 'memory.wiredBytes', bytes(memory.wiredBytes));
  row(t('readouts.compressed'), 'memory.compressedBytes', bytes(memory.compressedBytes));
  const swapUsed = bytes(memory.swapUsedBytes);
  const swapTotal = bytes(memory.swapTotalBytes);
  row(
    t('readouts.swap'),
    'memory.swapUsedBytes',
    swapUsed && swapTotal ? t('readouts.usedOf', { used: swapUsed, total: swapTotal }) : swapUsed,
  );
  row(
    t('readouts.free'),
    'memory.freePct',
    memory.freePct === null ? null : formatPercent(memory.freePct, language),
  );
  row(
    t('readouts.pressure'),
    'memory.pressure',
    memory.pressure === null ? null : t(`readouts.pressureLevels.${memory.pressure}`),
  );
  row(
    t('readouts.gpuLimit'),
    'memory.gpuWiredLimitMiB',
    memory.gpuWiredLimitMiB === null
      ? null
      : memory.gpuWiredLimitMiB === 0
        ? t('readouts.gpuLimitDefault')
        : formatMemoryBytes(memory.gpuWiredLimitMiB * 1024 * 1024, language),
  );
  row(t('readouts.vmConfigured'), 'vm.configuredBytes', bytes(vm.configuredBytes));
  row(t('readouts.vmPods'), 'vm.podUsageBytes', bytes(vm.podUsageBytes));

  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
  lines.push('', t('readouts.models'));
  if (sample.models === null) {
    const reason = sample.absent.models;
    lines.push(`  —  ${reason ? t(`reasons.${reason.code}`, reason.params ?? {}) : ''}`.trimEnd());
  } else if (sample.models.length === 0) {
    lines.push(`  ${t('readouts.noModels')}`);
  } else {
    const nameWidth = Math.max(...sample.models.map(model => model.name.length));
    for (const model of sample.models) {
      const size = model.sizeBytes === null ? '—' : formatMemoryBytes(model.sizeBytes, language);
      const share =
        model.sizeBytes && model.vramBytes !== null
          ? `  ${t('readouts.onGpu', { percent: formatPercent((model.vramBytes / model.sizeBytes) * 100, language) })}`
          : '';
      lines.push(`  ${model.name.padEnd(nameWidth)}  ${size}${share}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
