import { parseArgs } from 'node:util';

import type { AppState } from '../../../common/state';
import {
  operationPercent,
  type PreflightReport,
  type VmOperation,
  type VmOperationKind,
} from '../../../common/vm-model';
import { exitCodes, UsageError, type CliCommand, type CliContext } from '../command';

const operations = [
  'create',
  'start',
  'stop',
  'restart',
  'delete',
] as const satisfies readonly VmOperationKind[];
const subcommands = ['template', 'status', 'preflight', ...operations] as const;

/**
 * `clawbar vm …`: the VM from a terminal, through the same VmService the app uses. Operations show
 * their stages on stderr as they go; Ctrl+C cancels. `--json` prints the outcome for scripts.
 */
export const vmCommand: CliCommand = {
  name: 'vm',
  summaryKey: 'cli.commands.vm',
  usage: `clawbar vm <${subcommands.join('|')}> [--json] [--yes]`,
  async run(args, context) {
    const [subcommand, ...rest] = args;
    if (!subcommand || !(subcommands as readonly string[]).includes(subcommand)) {
      throw new UsageError(context.t('cli.vm.unknownSubcommand', { name: subcommand ?? '' }));
    }
    const { values } = parseArgs({
      args: rest,
      options: { json: { type: 'boolean', default: false }, yes: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    });
    if (subcommand === 'delete' && !values.yes) throw new UsageError(context.t('cli.vm.deleteNeedsYes'));

    const runtime = await context.openRuntime();
    const { services } = runtime;
    try {
      switch (subcommand) {
        case 'template':
          await services.settings.load();
          context.stdout.write(await services.vm.template());
          return exitCodes.ok;
        case 'preflight': {
          await services.settings.load();
          const report = await services.vm.preflight();
          context.stdout.write(
            values.json ? `${JSON.stringify(report, null, 2)}\n` : formatPreflight(report, context),
          );
          return report.ok ? exitCodes.ok : exitCodes.failure;
        }
        case 'status':
          await services.start();
          context.stdout.write(
            values.json
              ? `${JSON.stringify(statusJson(services.state.snapshot), null, 2)}\n`
              : formatVmStatus(services.state.snapshot, context),
          );
          return exitCodes.ok;
        default: {
          await services.start();
          const operation = await runOperation(subcommand as VmOperationKind, context, services.vm);
          services.state.flush();
          if (values.json) {
            context.stdout.write(
              `${JSON.stringify({ operation, ...statusJson(services.state.snapshot) }, null, 2)}\n`,
            );
          } else if (operation.status === 'succeeded') {
            context.stdout.write(
              `${context.t(`vm.operations.${operation.kind}`)}: ${context.t('vm.outcomes.succeeded')}\n`,
            );
            context.stdout.write(formatVmStatus(services.state.snapshot, context));
          }
          if (operation.status !== 'succeeded') {
            const message = operation.error?.message ?? context.t(`vm.outcomes.${operation.status}`);
            context.stderr.write(`clawbar vm ${subcommand}: ${message}\n`);
            if (operation.logTail)
              context.stderr.write(`\n${context.t('vm.logTail')}:\n${operation.logTail}\n`);
            return exitCodes.failure;
          }
          return exitCodes.ok;
        }
      }
    } finally {
      await runtime.lifecycle.shutdown(15_000);
    }
  },
};

async function runOperation(
  kind: VmOperationKind,
  context: CliContext,
  vm: {
    perform(kind: VmOperationKind, signal?: AbortSignal): Promise<VmOperation>;
    onDidChangeOperation: (listener: (operation: VmOperation) => void) => { dispose(): void };
  },
): Promise<VmOperation> {
  const controller = new AbortController();
  let lastStep = '';
  const progress = vm.onDidChangeOperation(operation => {
    if (operation.status !== 'running' || operation.step === lastStep) return;
    lastStep = operation.step;
    context.stderr.write(
      `[${operation.done + 1}/${operation.total}] ${context.t(`vm.stages.${operation.step}`)}… ${operationPercent(operation)}%\n`,
    );
  });
  const interrupt = (): void => {
    context.stderr.write(`${context.t('cli.vm.interrupted')}\n`);
    controller.abort();
  };
  process.once('SIGINT', interrupt);
  try {
    return await vm.perform(kind, controller.signal);
  } finally {
    process.off('SIGINT', interrupt);
    progress.dispose();
  }
}

function statusJson(state: AppState) {
  return { vm: state.vm, components: { vm: state.components.vm, k3s: state.components.k3s } };
}

export function formatVmStatus(state: AppState, { t }: Pick<CliContext, 't'>): string {
  const lines: string[] = [];
  const instance = state.vm.instance;
  lines.push(
    instance
      ? t('cli.vm.instance', {
          status: t(`componentStates.${state.components.vm.state}`),
          cpus: instance.cpus ?? '?',
          memory: instance.memoryGiB ?? '?',
          disk: instance.diskGiB ?? '?',
          port: instance.apiPort ?? '?',
        })
      : t('cli.vm.noInstance'),
  );
  for (const id of ['vm', 'k3s'] as const) {
    const status = state.components[id];
    const reason = status.reason ? `  ${t(`reasons.${status.reason.code}`, status.reason.params ?? {})}` : '';
    lines.push(
      t('cli.vm.labelled', {
        label: t(`components.${id}`),
        value: `${t(`componentStates.${status.state}`)}${status.version ? ` ${status.version}` : ''}${reason}`,
      }),
    );
  }
  if (state.vm.limactl) {
    lines.push(
      t('cli.vm.labelled', {
        label: `limactl ${state.vm.limactl.version} (${t(`vm.limactlSources.${state.vm.limactl.source}`)})`,
        value: state.vm.limactl.path,
      }),
    );
  }
  if (state.vm.resize.restartRequired) lines.push(t('cli.vm.restartRequired'));
  return `${lines.join('\n')}\n`;
}

export function formatPreflight(report: PreflightReport, { t }: Pick<CliContext, 't'>): string {
  const marks = { pass: '✓', warn: '!', fail: '✗' } as const;
  return `${report.checks
    .map(check => {
      const params =
        check.code === 'limactl-ok' && check.params.source
          ? { ...check.params, source: t(`vm.limactlSources.${check.params.source}`) }
          : check.params;
      const line = `${marks[check.status]} ${t('cli.vm.labelled', {
        label: t(`preflight.checks.${check.id}`),
        value: t(`preflight.results.${check.code}`, params),
      })}`;
      return check.status === 'pass' ? line : `${line}\n    → ${t(`preflight.fixes.${check.code}`)}`;
    })
    .join('\n')}\n`;
}
