import { parseArgs } from 'node:util';

import {
  installStepIds,
  installStepPercent,
  recommendedModel,
  type InstallStep,
  type InstallView,
} from '../../../common/install';
import { modelNameSchema } from '../../../common/models';
import type { Services } from '../../services/services';
import { exitCodes, UsageError, type CliCommand, type CliContext } from '../command';

/**
 * `clawbar install [--resume] [--yes] [--model NAME] [--json]`: the onboarding's one-click install
 * in a terminal, through the same InstallService. One line per step as it starts and ends (with
 * its elapsed time), progress lines while it runs, Ctrl+C cancels the step cleanly (a second
 * Ctrl+C quits at once). Exit 0 only when every step, the sandbox self-test included, passed.
 */
export const installCommand: CliCommand = {
  name: 'install',
  summaryKey: 'install.cli.summary',
  usage: 'clawbar install [--resume] [--yes] [--model NAME] [--json]',
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: {
        resume: { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
        model: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.resume && values.model !== undefined)
      throw new UsageError('--model starts a new install; drop --resume.');
    const model = values.model === undefined ? undefined : modelNameSchema.safeParse(values.model);
    if (model && !model.success)
      throw new UsageError(`--model: ${model.error.issues[0]?.message ?? 'not a model name'}`);

    const runtime = await context.openRuntime();
    const { services } = runtime;
    try {
      await services.start();
      if (values.resume) {
        const status = services.install.view.status;
        if (status !== 'failed' && status !== 'cancelled' && status !== 'interrupted') {
          context.stderr.write(`${context.t('install.cli.noneToResume')}\n`);
          return exitCodes.failure;
        }
        context.stderr.write(`${context.t('install.cli.resuming')}\n`);
      } else {
        const refusal = await needsYes(services, context, values.yes, model?.data);
        if (refusal) {
          context.stderr.write(`${refusal}\n`);
          return exitCodes.failure;
        }
        context.stderr.write(`${context.t('install.cli.starting', { count: installStepIds.length })}\n`);
      }
      const view = await runWithProgress(
        services,
        context,
        values.resume
          ? { kind: 'resume' }
          : {
              kind: 'start',
              choices: { model: model?.data ?? null, installOllama: values.yes, providerKeys: [] },
            },
      );
      services.state.flush();
      if (values.json) context.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
      return report(view, services, context);
    } finally {
      await runtime.lifecycle.shutdown(20_000);
    }
  },
};

/** Without --yes, the CLI installs nothing the user did not name: Ollama.app, or a model it picked. */
async function needsYes(
  services: Services,
  context: CliContext,
  yes: boolean,
  model: string | undefined,
): Promise<string | null> {
  if (yes) return null;
  const llm = await services.ollama.detect();
  if (llm.ollama.ownership === 'none' && !llm.ollama.binary) return context.t('install.cli.needsConsent');
  if (model === undefined && services.settings.current.ollama.defaultModel === '') {
    const best = recommendedModel(await services.models.fit());
    return context.t('install.cli.needsModel', { model: best?.name ?? '?' });
  }
  return null;
}

async function runWithProgress(
  services: Services,
  context: CliContext,
  request: Parameters<Services['install']['perform']>[0],
): Promise<InstallView> {
  const printer = new StepPrinter(context);
  printer.prime(services.install.view);
  const listener = services.install.onDidChange(view => printer.update(view));
  const controller = new AbortController();
  let interrupts = 0;
  const interrupt = (): void => {
    interrupts += 1;
    if (interrupts > 1) {
      context.stderr.write(`${context.t('install.cli.forced')}\n`);
      process.exit(130);
    }
    context.stderr.write(`${context.t('install.cli.interrupted')}\n`);
    controller.abort();
  };
  process.on('SIGINT', interrupt);
  try {
    const view = await services.install.perform(request, controller.signal);
    printer.update(view);
    return view;
  } finally {
    process.off('SIGINT', interrupt);
    listener.dispose();
  }
}

/** Prints a line when a step starts or ends, and its progress at most every few seconds. */
class StepPrinter {
  private readonly seen = new Map<string, { status: string; progressAt: number; percent: number | null }>();

  constructor(private readonly context: CliContext) {}

  /** The steps as they are before the run: only changes from here on are printed. */
  prime(view: InstallView): void {
    for (const step of view.steps)
      this.seen.set(step.id, { status: step.status, progressAt: 0, percent: null });
  }

  update(view: InstallView): void {
    for (const [index, step] of view.steps.entries()) {
      const previous = this.seen.get(step.id);
      if (previous?.status !== step.status) {
        // Back to "waiting" is news only for a step that was stopped while it ran.
        if (step.status !== 'pending' || previous?.status === 'running') {
          this.printStatus(step, index, view.steps.length);
        }
        this.seen.set(step.id, { status: step.status, progressAt: Date.now(), percent: null });
        continue;
      }
      if (step.status === 'running' && step.progress) {
        const percent = installStepPercent(step);
        const rounded = percent === null ? null : Math.floor(percent / 10) * 10;
        if (rounded !== previous.percent && Date.now() - previous.progressAt >= 2000) {
          this.seen.set(step.id, { ...previous, progressAt: Date.now(), percent: rounded });
          this.context.stderr.write(
            `${this.context.t('install.cli.progress', {
              index: index + 1,
              total: view.steps.length,
              title: this.context.t(`install.steps.${step.id}`),
              percent: percent === null ? '' : `${Math.round(percent)}%`,
              detail: step.progress.detail.slice(0, 120),
            })}\n`,
          );
        }
      }
    }
  }

  private printStatus(step: InstallStep, index: number, total: number): void {
    const values = {
      index: index + 1,
      total,
      title: this.context.t(`install.steps.${step.id}`),
      status: this.context.t(`install.stepStatuses.${step.status}`),
      time: formatElapsed(step.elapsedMs ?? 0),
    };
    const finished = step.status === 'done' || step.status === 'skipped' || step.status === 'failed';
    this.context.stderr.write(
      `${this.context.t(finished ? 'install.cli.lineWithTime' : 'install.cli.line', values)}\n`,
    );
  }
}

function report(view: InstallView, services: Services, context: CliContext): number {
  const { t } = context;
  if (view.status === 'succeeded') {
    if (view.model) context.stdout.write(`${t('install.cli.model', { model: view.model })}\n`);
    for (const probe of view.selfTest?.probes ?? []) {
      context.stdout.write(`${probe.passed ? '✓' : '✗'} ${probe.id}: ${probe.actual}\n`);
    }
    context.stdout.write(
      `${t('install.cli.succeeded', { address: `http://${services.cluster.portForward.address}/` })}\n`,
    );
    return exitCodes.ok;
  }
  if (view.status === 'cancelled' || view.status === 'interrupted') {
    context.stderr.write(`${t('install.cli.cancelled')}\n`);
    return exitCodes.failure;
  }
  const failed = view.steps.find(step => step.status === 'failed');
  if (failed) {
    context.stderr.write(
      `${t('install.cli.failed', {
        title: t(`install.steps.${failed.id}`),
        message: failed.error ? `${t(`errors.${failed.error.code}`)} ${failed.error.message}` : '',
      })}\n`,
    );
    const lines = failed.logTail.slice(-15);
    if (lines.length > 0) context.stderr.write(`\n${t('install.logTail')}:\n${lines.join('\n')}\n\n`);
    context.stderr.write(`${t('install.cli.retryHint')}\n`);
  }
  return exitCodes.failure;
}

function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const minutes = Math.floor(total / 60);
  return `${minutes}:${String(total % 60).padStart(2, '0')}`;
}
