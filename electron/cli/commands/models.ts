import { parseArgs } from 'node:util';

import { isClawbarError } from '../../../common/errors';
import { modelNameSchema, type PullProgress } from '../../../common/models';
import { parseMemorySize } from '../../../common/units';
import type { Runtime } from '../../devhost/runtime';
import { parseOllamaHost } from '../../services/llm/ollama-address';
import { exitCodes, UsageError, type CliCommand, type CliContext } from '../command';
import { invoke } from '../invoke';
import {
  formatFit,
  formatModelList,
  formatProgress,
  formatRunning,
  formatShow,
  formatTest,
} from './models-output';

/**
 * `clawbar models list|ps|pull|rm|show|test|fit`: local models through the same contract as the
 * UI. `--host URL` talks to that Ollama as it is (never started or stopped); without it the
 * configured server is used, and started for the command's duration when nothing answers (and
 * stopped again afterwards, since Clawbar started it).
 */
const usage = [
  'clawbar models list [--json] [--host URL]',
  'clawbar models ps [--json] [--host URL]',
  'clawbar models pull NAME [--json] [--host URL]',
  'clawbar models rm NAME [--host URL]',
  'clawbar models show NAME [--json] [--host URL]',
  'clawbar models test NAME [--json] [--host URL]',
  'clawbar models fit [--memory SIZE] [--json] [--host URL]',
].join('\n       ');

const subcommands = ['list', 'ps', 'pull', 'rm', 'show', 'test', 'fit'] as const;
type Subcommand = (typeof subcommands)[number];

export const modelsCommand: CliCommand = {
  name: 'models',
  summaryKey: 'cli.commands.models',
  usage,
  async run(args, context) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        json: { type: 'boolean', default: false },
        host: { type: 'string' },
        memory: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    const [sub, name, ...extra] = positionals;
    if (!isSubcommand(sub))
      throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'a subcommand is needed');
    const needsName = sub === 'pull' || sub === 'rm' || sub === 'show' || sub === 'test';
    if (needsName && !name) throw new UsageError(`${sub} needs a model NAME`);
    if ((!needsName && name) || extra.length > 0)
      throw new UsageError(`unexpected argument "${needsName ? (extra[0] ?? '') : (name ?? '')}"`);
    if (values.memory !== undefined && sub !== 'fit') throw new UsageError('--memory only goes with fit');
    const model = needsName ? checkedModel(name ?? '') : '';
    const memoryBytes = values.memory === undefined ? undefined : checkedMemory(values.memory);
    const host = values.host === undefined ? undefined : checkedHost(values.host);

    const runtime = await context.openRuntime({ ollamaUrl: host });
    try {
      await runtime.services.start();
      if (sub !== 'fit' && host === undefined) await ensureServer(runtime, context);
      return await runSubcommand(sub, { runtime, context, model, json: values.json, memoryBytes });
    } finally {
      await runtime.lifecycle.shutdown(10_000);
    }
  },
};

function isSubcommand(value: string | undefined): value is Subcommand {
  return (subcommands as readonly (string | undefined)[]).includes(value);
}

function checkedModel(name: string): string {
  const parsed = modelNameSchema.safeParse(name);
  if (!parsed.success)
    throw new UsageError(
      `"${name.slice(0, 100)}" is ${parsed.error.issues[0]?.message ?? 'not a model name'}`,
    );
  return parsed.data;
}

function checkedMemory(text: string): number {
  const bytes = parseMemorySize(text);
  if (bytes === undefined)
    throw new UsageError(`--memory takes a size such as 32GB or 24GiB, not "${text.slice(0, 40)}"`);
  return bytes;
}

function checkedHost(text: string): string {
  try {
    return parseOllamaHost(text).origin;
  } catch (error) {
    throw new UsageError(isClawbarError(error) ? error.message : String(error));
  }
}

/** Adopts the server that answers, or starts ours for the command; says so when it starts one. */
export async function ensureServer(runtime: Runtime, context: CliContext): Promise<void> {
  const before = runtime.services.state.snapshot.llm.ollama.ownership;
  const after = (await invoke(runtime.services, 'ollama:start', undefined)).ollama;
  if (before === 'none' && after.ownership === 'owned') {
    context.stderr.write(
      `${context.t('cli.models.startedServer', { address: new URL(after.address).host })}\n`,
    );
  }
}

interface SubcommandContext {
  runtime: Runtime;
  context: CliContext;
  model: string;
  json: boolean;
  memoryBytes: number | undefined;
}

async function runSubcommand(
  sub: Subcommand,
  { runtime, context, model, json, memoryBytes }: SubcommandContext,
): Promise<number> {
  const { services } = runtime;
  const print = (value: unknown, human: () => string): void => {
    context.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : human());
  };
  switch (sub) {
    case 'list': {
      const models = await invoke(services, 'models:list', undefined);
      print(models, () => formatModelList(models, context));
      return exitCodes.ok;
    }
    case 'ps': {
      const running = await invoke(services, 'models:running', undefined);
      print(running, () => formatRunning(running, context));
      return exitCodes.ok;
    }
    case 'show': {
      const info = await invoke(services, 'models:show', { model });
      print(info, () => formatShow(info, context));
      return exitCodes.ok;
    }
    case 'test': {
      const result = await invoke(services, 'models:test', { model });
      print(result, () => formatTest(result, context));
      return exitCodes.ok;
    }
    case 'rm': {
      await invoke(services, 'models:delete', { model });
      print({ model, deleted: true }, () => `${context.t('cli.models.removed', { model })}\n`);
      return exitCodes.ok;
    }
    case 'fit': {
      const report = await invoke(services, 'models:fit', memoryBytes === undefined ? {} : { memoryBytes });
      print(report, () => formatFit(report, context));
      return exitCodes.ok;
    }
    case 'pull':
      return pull(runtime, context, model, json);
  }
}

/** Prints progress as it comes (a line per step or 5 %; NDJSON with --json); Ctrl+C cancels. */
async function pull(runtime: Runtime, context: CliContext, model: string, json: boolean): Promise<number> {
  const { services } = runtime;
  let lastLine = '';
  let lastPercent = -Infinity;
  let lastStep = '';
  const onProgress = (progress: PullProgress): void => {
    if (json) {
      context.stdout.write(`${JSON.stringify(progress)}\n`);
      return;
    }
    if (progress.state !== 'running') return;
    const percent = progress.percent ?? -1;
    if (progress.progress.step === lastStep && Math.abs(percent - lastPercent) < 5) return;
    lastStep = progress.progress.step;
    lastPercent = percent;
    const line = formatProgress(progress, context);
    if (line !== lastLine) context.stdout.write(`${line}\n`);
    lastLine = line;
  };
  const cancel = (): void => {
    services.models.cancelPull(model);
  };
  process.once('SIGINT', cancel);
  try {
    await invoke(services, 'models:pull', { model }, (event, payload) => {
      if (event === 'models:pull-progress' && (payload as PullProgress).model === model)
        onProgress(payload as PullProgress);
    });
  } finally {
    process.off('SIGINT', cancel);
  }
  if (!json) context.stdout.write(`${context.t('cli.models.pulled', { model })}\n`);
  return exitCodes.ok;
}
