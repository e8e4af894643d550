import { parseArgs } from 'node:util';

import type {
  UninstallChoices,
  UninstallItem,
  UninstallPlan,
  UninstallReport,
} from '../../../common/support';
import { formatBytes } from '../../../common/units';
import { exitCodes, UsageError, type CliCommand, type CliContext } from '../command';

/** How long to wait for the cluster to connect before planning without it. */
const connectDeadlineMs = 15_000;

/**
 * `clawbar uninstall [--keep-openclaw|--remove-openclaw] [--remove-ollama] [--yes] [--json]`:
 * prints exactly what would be removed and what stays; removes it only with --yes, then prints
 * how each item went. ~/.openclaw and Ollama stay unless asked for.
 */
export const uninstallCommand: CliCommand = {
  name: 'uninstall',
  summaryKey: 'uninstall.cli.summary',
  usage: 'clawbar uninstall [--keep-openclaw|--remove-openclaw] [--remove-ollama] [--yes] [--json]',
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: {
        'keep-openclaw': { type: 'boolean', default: false },
        'remove-openclaw': { type: 'boolean', default: false },
        'remove-ollama': { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values['keep-openclaw'] && values['remove-openclaw']) {
      throw new UsageError(context.t('uninstall.cli.bothOpenclaw'));
    }
    const choices: UninstallChoices = {
      removeOpenclawState: values['remove-openclaw'],
      removeOllama: values['remove-ollama'],
    };

    const runtime = await context.openRuntime();
    const { services } = runtime;
    try {
      await services.start();
      // With k3s up, let the cluster service connect: the plan then lists the sandbox's objects,
      // and the shutdown finds the connection settled.
      if (services.state.snapshot.components.k3s.state === 'running') {
        await services.cluster.whenReady(connectDeadlineMs).catch(() => undefined);
      }
      const plan = await services.uninstall.plan();
      if (!values.yes) {
        context.stdout.write(
          values.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan, choices, context),
        );
        context.stderr.write(`${context.t('uninstall.cli.needsYes')}\n`);
        return exitCodes.usage;
      }
      if (!values.json) context.stdout.write(formatPlan(plan, choices, context));
      const report = await services.uninstall.execute(plan, choices);
      context.stdout.write(
        values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, plan, context),
      );
      return report.complete ? exitCodes.ok : exitCodes.failure;
    } finally {
      await runtime.lifecycle.shutdown(20_000);
    }
  },
};

function label(item: UninstallItem, { t }: Pick<CliContext, 't'>): string {
  return t(`uninstall.items.${item.id}`, item.params);
}

function describeItem(
  item: UninstallItem,
  context: Pick<CliContext, 't' | 'language'>,
  mark: string,
): string[] {
  const size = item.sizeBytes === null ? '' : `  (${formatBytes(item.sizeBytes, context.language)})`;
  const lines = [`  ${mark} ${label(item, context)}${size}`];
  for (const target of item.targets) lines.push(`      ${target}`);
  if (item.note) lines.push(`      ${context.t(`uninstall.notes.${item.note}`, item.params)}`);
  return lines;
}

export function formatPlan(
  plan: UninstallPlan,
  choices: UninstallChoices,
  context: Pick<CliContext, 't' | 'language'>,
): string {
  const { t } = context;
  const removed = plan.items.filter(item => item.kind === 'removed');
  const optional = plan.items.filter(item => item.kind === 'optional');
  const kept = plan.items.filter(item => item.kind === 'kept');
  const lines = [t('uninstall.cli.planTitle'), ...removed.flatMap(item => describeItem(item, context, '-'))];
  if (optional.length > 0) {
    lines.push('', t('uninstall.cli.optionalTitle'));
    for (const item of optional) {
      const chosen = item.choice !== null && choices[item.choice];
      const [first, ...rest] = describeItem(item, context, chosen ? '[x]' : '[ ]');
      lines.push(
        `${first ?? ''}  → ${t(chosen ? 'uninstall.cli.chosen' : 'uninstall.cli.notChosen')}`,
        ...rest,
      );
    }
  }
  if (kept.length > 0)
    lines.push('', t('uninstall.cli.keptTitle'), ...kept.flatMap(item => describeItem(item, context, '·')));
  return `${lines.join('\n')}\n\n`;
}

export function formatReport(
  report: UninstallReport,
  plan: UninstallPlan,
  context: Pick<CliContext, 't' | 'language'>,
): string {
  const { t } = context;
  const width = Math.max(...report.results.map(result => t(`uninstall.outcomes.${result.outcome}`).length));
  const lines = report.results.map(result => {
    const item = plan.items.find(entry => entry.id === result.id);
    const name = item ? label(item, context) : result.id;
    return `${t(`uninstall.outcomes.${result.outcome}`).padEnd(width)}  ${name}: ${result.message}`;
  });
  lines.push('', t(report.complete ? 'uninstall.cli.complete' : 'uninstall.cli.incomplete'));
  return `${lines.join('\n')}\n`;
}
