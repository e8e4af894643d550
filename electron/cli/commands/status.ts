import { parseArgs } from 'node:util';

import { componentIds, overallHealth, type AppState } from '../../../common/state';
import { exitCodes, type CliCommand, type CliContext } from '../command';

export const statusCommand: CliCommand = {
  name: 'status',
  summaryKey: 'cli.commands.status',
  usage: 'clawbar status [--json]',
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: { json: { type: 'boolean', default: false } },
      strict: true,
    });
    const runtime = await context.openRuntime();
    try {
      await runtime.services.start();
      const state = runtime.services.state.snapshot;
      context.stdout.write(
        values.json ? `${JSON.stringify(state, null, 2)}\n` : formatStatus(state, context),
      );
      return exitCodes.ok;
    } finally {
      await runtime.lifecycle.shutdown(5000);
    }
  },
};

export function formatStatus(state: AppState, { t }: Pick<CliContext, 't'>): string {
  const rows = componentIds.map(id => {
    const status = state.components[id];
    const reason = status.reason ? t(`reasons.${status.reason.code}`, status.reason.params ?? {}) : '';
    const version = status.version ? ` ${status.version}` : '';
    return [t(`components.${id}`), `${t(`componentStates.${status.state}`)}${version}`, reason];
  });
  const widths = [0, 1].map(column => Math.max(...rows.map(row => (row[column] ?? '').length)));
  const lines = rows.map(row =>
    [row[0]?.padEnd(widths[0] ?? 0), row[1]?.padEnd(widths[1] ?? 0), row[2]].join('  ').trimEnd(),
  );
  const header = `${t('health.title')}: ${t(`health.${overallHealth(state)}`)}`;
  const recovery = state.settings.recovery
    ? `\n${t('settings.recoveryTitle')}: ${state.settings.recovery.backupPath}`
    : '';
  return `${header}${recovery}\n\n${lines.join('\n')}\n`;
}
