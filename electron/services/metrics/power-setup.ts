import { access } from 'node:fs/promises';
import { join } from 'node:path';

import { ClawbarError } from '../../../common/errors';
import { ExecError, type ExecRunner } from '../platform/exec';
import type { Logger } from '../platform/log';
import { powermetricsArgs } from './parse-powermetrics';

/**
 * The one-time, consented permission for GPU power and frequency. powermetrics only runs as root;
 * rather than a blanket `NOPASSWD: /usr/bin/powermetrics` (which would let anything running as the
 * user write root-owned files with `-o`), the rule pins the exact command line Clawbar runs, and
 * Clawbar runs exactly that argv through `sudo -n`. It is installed through one macOS administrator
 * prompt (osascript "with administrator privileges"), validated by `visudo -c` before it is moved
 * into /etc/sudoers.d, and removed the same way.
 */
export interface PowerSetupPaths {
  powermetrics: string;
  sudo: string;
  osascript: string;
  visudo: string;
  sudoersDir: string;
  /** Where macmon (the sudoless source) may be: Homebrew on Apple Silicon, on Intel, then PATH. */
  macmonCandidates: readonly string[];
}

export const macosPowerPaths: PowerSetupPaths = {
  powermetrics: '/usr/bin/powermetrics',
  sudo: '/usr/bin/sudo',
  osascript: '/usr/bin/osascript',
  visudo: '/usr/sbin/visudo',
  sudoersDir: '/etc/sudoers.d',
  macmonCandidates: ['/opt/homebrew/bin/macmon', '/usr/local/bin/macmon', 'macmon'],
};

/** No dot in the name: sudo's includedir skips files whose name contains one, which the staging file relies on. */
export const ruleFileName = 'clawbar-powermetrics';
const stagingFileName = `.${ruleFileName}.new`;

const safeUser = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** All-caps words are aliases in sudoers ("ALL" is everyone), never a user. */
const sudoersAlias = /^[A-Z][A-Z0-9_]*$/;
const safePath = /^\/[A-Za-z0-9_./-]+$/;

/** The rule: the user may run this one argv as root without a password. Commas in arguments are escaped, as sudoers requires. */
export function sudoersRule(user: string, powermetricsPath: string): string {
  if (!safeUser.test(user) || sudoersAlias.test(user))
    throw new ClawbarError(
      'metrics-power-setup-failed',
      `The user name "${user}" cannot be written safely into a sudoers rule`,
    );
  if (!safePath.test(powermetricsPath))
    throw new ClawbarError(
      'metrics-power-setup-failed',
      `The path ${powermetricsPath} cannot be written safely into a sudoers rule`,
    );
  const args = powermetricsArgs().map(arg => arg.replace(/([,:=\\])/g, '\\$1'));
  return `${user} ALL=(root) NOPASSWD: ${[powermetricsPath, ...args].join(' ')}`;
}

export function sudoersFileContent(user: string, powermetricsPath: string): string {
  return [
    '# Added by Clawbar with your consent: lets this account run powermetrics with exactly these',
    '# options, to show GPU power and frequency. Remove it in Clawbar (Settings), or delete this file.',
    sudoersRule(user, powermetricsPath),
    '',
  ].join('\n');
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The root part, as one line for `do shell script`: write the rule to a staging file sudo ignores,
 * make it 0440, let visudo check it, and only then move it into place.
 */
export function installScript(
  paths: Pick<PowerSetupPaths, 'sudoersDir' | 'visudo'>,
  content: string,
): string {
  const staging = shellQuote(join(paths.sudoersDir, stagingFileName));
  const target = shellQuote(join(paths.sudoersDir, ruleFileName));
  const lines = content.replace(/\n$/, '').split('\n').map(shellQuote).join(' ');
  return [
    'set -e',
    'umask 022',
    `/bin/mkdir -p ${shellQuote(paths.sudoersDir)}`,
    `/bin/rm -f ${staging}`,
    `printf '%s\\n' ${lines} > ${staging}`,
    `/bin/chmod 0440 ${staging}`,
    `if ${shellQuote(paths.visudo)} -cf ${staging} >/dev/null; then /bin/mv -f ${staging} ${target}; else /bin/rm -f ${staging}; echo 'visudo rejected the rule' >&2; exit 1; fi`,
  ].join('; ');
}

export function removeScript(paths: Pick<PowerSetupPaths, 'sudoersDir'>): string {
  return `/bin/rm -f ${shellQuote(join(paths.sudoersDir, ruleFileName))} ${shellQuote(join(paths.sudoersDir, stagingFileName))}`;
}

/** AppleScript string literal escaping: backslashes and double quotes. */
export function administratorAppleScript(shellScript: string): string {
  return `do shell script "${shellScript.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}" with administrator privileges`;
}

export interface PowerProbe {
  /** powermetrics exists (a Mac). */
  available: boolean;
  macmonPath: string | undefined;
  ruleInstalled: boolean;
  /** `sudo -n -l <the exact command>` succeeds: the rule works. */
  allowed: boolean;
}

export interface PowerSetupOptions {
  exec: ExecRunner;
  platform: NodeJS.Platform;
  user: string;
  paths: PowerSetupPaths;
  log: Logger;
  /** Deadline for the administrator prompt: the user may take a while to type a password. */
  promptTimeoutMs?: number;
}

export class PowerSetup {
  constructor(private readonly options: PowerSetupOptions) {}

  get paths(): PowerSetupPaths {
    return this.options.paths;
  }

  /** The argv run through `sudo -n`, exactly as the rule allows it. */
  get command(): string[] {
    return [this.options.paths.powermetrics, ...powermetricsArgs()];
  }

  get rulePath(): string {
    return join(this.options.paths.sudoersDir, ruleFileName);
  }

  rule(): string {
    return sudoersRule(this.options.user, this.options.paths.powermetrics);
  }

  get user(): string {
    return this.options.user;
  }

  async probe(): Promise<PowerProbe> {
    const { exec, paths, platform } = this.options;
    const [available, macmonPath, ruleInstalled] = await Promise.all([
      platform === 'darwin' ? exists(paths.powermetrics) : Promise.resolve(false),
      platform === 'darwin' ? this.findMacmon() : Promise.resolve(undefined),
      platform === 'darwin' ? exists(this.rulePath) : Promise.resolve(false),
    ]);
    let allowed = false;
    if (available) {
      try {
        await exec.run(paths.sudo, ['-n', '-l', ...this.command], { timeoutMs: 5000 });
        allowed = true;
      } catch (error) {
        if (!(error instanceof ExecError)) throw error;
        // Exit 1 with "a password is required" is the normal answer without the rule.
      }
    }
    return { available, macmonPath, ruleInstalled, allowed };
  }

  async install(signal?: AbortSignal): Promise<void> {
    if (this.options.platform !== 'darwin' || !(await exists(this.options.paths.powermetrics)))
      throw new ClawbarError('metrics-power-unsupported', 'powermetrics is not available on this computer');
    const content = sudoersFileContent(this.options.user, this.options.paths.powermetrics);
    await this.runAsAdministrator(
      installScript(this.options.paths, content),
      'metrics-power-setup-failed',
      signal,
    );
    this.options.log.info('Installed the powermetrics sudoers rule', { path: this.rulePath });
  }

  async remove(signal?: AbortSignal): Promise<void> {
    if (!(await exists(this.rulePath))) return;
    await this.runAsAdministrator(removeScript(this.options.paths), 'metrics-power-remove-failed', signal);
    this.options.log.info('Removed the powermetrics sudoers rule', { path: this.rulePath });
  }

  private async runAsAdministrator(
    script: string,
    failureCode: 'metrics-power-setup-failed' | 'metrics-power-remove-failed',
    signal: AbortSignal | undefined,
  ): Promise<void> {
    try {
      await this.options.exec.run(this.options.paths.osascript, ['-e', administratorAppleScript(script)], {
        timeoutMs: this.options.promptTimeoutMs ?? 5 * 60_000,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (!(error instanceof ExecError)) throw error;
      // osascript reports the dialog's Cancel button as error -128.
      if (error.stderrTail.includes('(-128)') || error.code === 'exec-cancelled')
        throw new ClawbarError(
          'metrics-power-cancelled',
          'The administrator prompt was cancelled',
          undefined,
          {
            cause: error,
          },
        );
      const detail = error.stderrTail.trim() || error.message;
      throw new ClawbarError(
        failureCode,
        `${failureCode === 'metrics-power-setup-failed' ? 'Installing' : 'Removing'} ${this.rulePath} failed: ${detail}`,
        undefined,
        {
          cause: error,
        },
      );
    }
  }

  private async findMacmon(): Promise<string | undefined> {
    for (const candidate of this.options.paths.macmonCandidates) {
      const found = await this.options.exec.which(candidate);
      if (found) return found;
    }
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
