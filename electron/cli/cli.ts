import { isClawbarError } from '../../common/errors';
import { resolveLanguage, translate, type Language } from '../../common/i18n';
import { openRuntime } from '../devhost/runtime';
import { appVersion } from '../services/platform/version';
import { exitCodes, UsageError, type CliCommand, type CliContext, type CliIo } from './command';
import { diagnoseCommand } from './commands/diagnose';
import { installCommand } from './commands/install';
import { logsCommand } from './commands/logs';
import { allowCommand, denyCommand, policiesCommand, selftestCommand } from './commands/sandbox-network';
import { manifestsCommand } from './commands/manifests';
import { modelsCommand } from './commands/models';
import { readoutsCommand } from './commands/readouts';
import { statusCommand } from './commands/status';
import { uninstallCommand } from './commands/uninstall';
import { vmCommand } from './commands/vm';

/** Every command the CLI knows. Later features add theirs here. */
export const commands: readonly CliCommand[] = [
  statusCommand,
  readoutsCommand,
  modelsCommand,
  vmCommand,
  logsCommand,
  policiesCommand,
  manifestsCommand,
  installCommand,
  allowCommand,
  denyCommand,
  selftestCommand,
  diagnoseCommand,
  uninstallCommand,
];

const globalFlags = new Set(['--demo', '--version', '-v', '--help', '-h']);

export function cliLanguage(env: NodeJS.ProcessEnv): Language {
  const locales = [env.LC_ALL, env.LC_MESSAGES, env.LANG].filter((value): value is string => !!value);
  return resolveLanguage('system', locales);
}

/**
 * Runs one CLI invocation and returns its exit code. Global flags (`--demo`, `--version`,
 * `--help`) may come before or after the command name; everything else belongs to the command.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const language = cliLanguage(io.env);
  const t = (key: string, values?: Record<string, string | number>): string =>
    translate(language, key, values);
  const flags = new Set(argv.filter(arg => globalFlags.has(arg)));
  const rest = argv.filter(arg => !globalFlags.has(arg));
  const demo = flags.has('--demo');

  if (flags.has('--version') || flags.has('-v')) {
    io.stdout.write(`clawbar ${appVersion}\n`);
    return exitCodes.ok;
  }
  const [name, ...args] = rest;
  if (flags.has('--help') || flags.has('-h') || name === undefined || name === 'help') {
    io.stdout.write(helpText(t));
    return name === undefined && !flags.has('--help') && !flags.has('-h') ? exitCodes.usage : exitCodes.ok;
  }
  const command = commands.find(candidate => candidate.name === name);
  if (!command) {
    io.stderr.write(`clawbar: ${t('cli.unknownCommand', { name })}\n\n${helpText(t)}`);
    return exitCodes.usage;
  }

  const context: CliContext = {
    ...io,
    demo,
    language,
    t,
    openRuntime: overrides =>
      openRuntime({ demo, mode: 'cli', env: io.env, stderrLevel: 'warn', ...overrides }),
  };
  try {
    return await command.run(args, context);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr.write(
        `clawbar ${command.name}: ${(error as Error).message}\n${t('cli.usage')}: ${command.usage}\n`,
      );
      return exitCodes.usage;
    }
    const message = isClawbarError(error)
      ? error.message
      : error instanceof Error
        ? error.message
        : String(error);
    io.stderr.write(`clawbar ${command.name}: ${message}\n`);
    return exitCodes.failure;
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

function helpText(t: (key: string) => string): string {
  const width = Math.max(...commands.map(command => command.name.length));
  const list = commands
    .map(command => `  ${command.name.padEnd(width)}  ${t(command.summaryKey)}`)
    .join('\n');
  return `${t('cli.title')}\n\n${t('cli.usage')}: clawbar [--demo] <command> [options]\n\n${t('cli.commandsTitle')}:\n${list}\n\n${t('cli.globalOptions')}:\n  --demo     ${t('cli.demoFlag')}\n  --version  ${t('cli.versionFlag')}\n  --help     ${t('cli.helpFlag')}\n`;
}
