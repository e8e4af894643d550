import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { diagnosticsSteps } from '../../services/support/diagnostics';
import { formatBytes } from '../../../common/units';
import { exitCodes, UsageError, type CliCommand } from '../command';

/** How long to wait for the cluster to connect before collecting without it. */
const connectDeadlineMs = 15_000;

/**
 * `clawbar diagnose [--out FILE] [--json]`: the diagnostics bundle the Settings page makes, from a
 * terminal. Without --out it goes to Clawbar's data folder (`diagnostics/`). Steps on stderr as
 * they go; Ctrl+C cancels and writes nothing. What could not be collected is listed, never fatal.
 */
export const diagnoseCommand: CliCommand = {
  name: 'diagnose',
  summaryKey: 'diagnostics.cli.summary',
  usage: 'clawbar diagnose [--out FILE] [--json]',
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: { out: { type: 'string', short: 'o' }, json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    });
    if (values.out?.trim() === '') throw new UsageError('--out needs a file name.');
    const file = values.out === undefined ? undefined : resolve(values.out);

    const runtime = await context.openRuntime();
    const { services } = runtime;
    const controller = new AbortController();
    const interrupt = (): void => {
      context.stderr.write(`${context.t('diagnostics.cli.interrupted')}\n`);
      controller.abort();
    };
    process.once('SIGINT', interrupt);
    try {
      await services.start();
      // With k3s up, the cluster service connects in the background: let it, so the bundle uses
      // the same connection as the app and the shutdown finds it settled.
      if (services.state.snapshot.components.k3s.state === 'running') {
        await services.cluster.whenReady(connectDeadlineMs).catch(() => undefined);
      }
      const result = await services.diagnostics.create({
        ...(file ? { file } : {}),
        signal: controller.signal,
        onProgress: progress =>
          context.stderr.write(
            `${context.t('diagnostics.cli.progress', {
              index: progress.done + 1,
              total: diagnosticsSteps.length,
              step: context.t(`diagnostics.steps.${progress.step}`),
            })}\n`,
          ),
      });
      if (values.json) {
        context.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return exitCodes.ok;
      }
      context.stdout.write(
        `${context.t('diagnostics.cli.written', { path: result.path, size: formatBytes(result.bytes, context.language) })}\n`,
      );
      if (result.missing.length > 0) {
        context.stdout.write(`${context.t('diagnostics.cli.missing', { count: result.missing.length })}\n`);
        for (const item of result.missing) context.stdout.write(`  ${item.part}: ${item.reason}\n`);
      }
      return exitCodes.ok;
    } finally {
      process.off('SIGINT', interrupt);
      await runtime.lifecycle.shutdown(15_000);
    }
  },
};
