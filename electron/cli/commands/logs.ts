import { parseArgs } from 'node:util';

import { ClawbarError } from '../../../common/errors';
import { maxTailLines, type LogStatusEvent } from '../../../common/logs';
import { localClient } from '../../services/ipc/clients';
import { exitCodes, UsageError, type CliCommand } from '../command';

/** How long the CLI waits for the cluster to answer before saying it is not reachable. */
const connectDeadlineMs = 20_000;

/**
 * `clawbar logs [POD] [-c CONTAINER] [-f] [--tail N] [--previous] [--timestamps]`: a pod's log
 * through the same LogService the Logs page uses (so it resumes after an API disconnect). Without
 * POD, the gateway. `-f` follows until Ctrl+C or the container ends.
 */
export const logsCommand: CliCommand = {
  name: 'logs',
  summaryKey: 'cli.commands.logs',
  usage: 'clawbar logs [POD] [-c CONTAINER] [-f] [--tail N] [--previous] [--timestamps]',
  async run(args, context) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        container: { type: 'string', short: 'c' },
        follow: { type: 'boolean', short: 'f', default: false },
        tail: { type: 'string' },
        previous: { type: 'boolean', short: 'p', default: false },
        timestamps: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length > 1) throw new UsageError(context.t('cli.logs.onePod'));
    const tailLines = values.tail === undefined ? undefined : Number(values.tail);
    if (
      tailLines !== undefined &&
      (!Number.isInteger(tailLines) || tailLines < 0 || tailLines > maxTailLines)
    ) {
      throw new UsageError(context.t('cli.logs.badTail', { max: maxTailLines }));
    }

    const runtime = await context.openRuntime();
    const { services } = runtime;
    let finish: (status: LogStatusEvent) => void = () => undefined;
    const ended = new Promise<LogStatusEvent>(resolve => (finish = resolve));
    const client = localClient('cli-logs', (event, payload) => {
      if (event === 'logs:lines') {
        const { lines } = payload as { lines: { text: string; time: string | null }[] };
        context.stdout.write(lines.map(line => `${line.time ? `${line.time} ` : ''}${line.text}\n`).join(''));
      } else if (event === 'logs:status') {
        const status = payload as LogStatusEvent;
        if (status.state === 'reconnecting') context.stderr.write(`${context.t('cli.logs.reconnecting')}\n`);
        if (status.state === 'ended' || status.state === 'failed') finish(status);
      }
    });
    const interrupted = new Promise<'interrupted'>(resolve => {
      process.once('SIGINT', () => resolve('interrupted'));
    });
    try {
      await services.start();
      await services.cluster.whenReady(connectDeadlineMs);
      const pod = positionals[0] ?? gatewayPod(services.cluster.podList);
      const opened = await services.cluster.logs.open(client, {
        pod,
        ...(values.container ? { container: values.container } : {}),
        follow: values.follow,
        ...(tailLines === undefined ? {} : { tailLines }),
        previous: values.previous,
        timestamps: values.timestamps,
      });
      const outcome = await Promise.race([ended, interrupted]);
      if (outcome === 'interrupted') {
        services.cluster.logs.close(opened.streamId);
        return exitCodes.ok;
      }
      if (outcome.state === 'failed') {
        context.stderr.write(`clawbar logs: ${outcome.error?.message ?? ''}\n`);
        return exitCodes.failure;
      }
      return exitCodes.ok;
    } finally {
      client.dispose();
      await runtime.lifecycle.shutdown(15_000);
    }
  },
};

function gatewayPod(pods: readonly { name: string; role: string; deleting: boolean }[]): string {
  const pod = pods.find(candidate => candidate.role === 'gateway' && !candidate.deleting);
  if (!pod) throw new ClawbarError('not-found', 'No gateway pod is running: is the sandbox installed?');
  return pod.name;
}
