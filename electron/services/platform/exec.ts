import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

import { ClawbarError, type ErrorCode } from '../../../common/errors';
import { redactor } from './redact';

/**
 * Runs command-line tools (limactl, ollama, sysctl…) with a deadline, cancellation, bounded output
 * and typed failures. Nothing goes through a shell: arguments are passed as they are.
 */

/** macOS gives GUI apps a minimal PATH; Homebrew and /usr/local tools must still be found. */
export const macosExtraPaths = ['/opt/homebrew/bin', '/usr/local/bin'] as const;

export function guiPath(path: string | undefined, platform: NodeJS.Platform): string {
  const entries = (path ?? '').split(delimiter).filter(entry => entry !== '');
  if (platform !== 'darwin') return entries.join(delimiter);
  for (const extra of macosExtraPaths) if (!entries.includes(extra)) entries.push(extra);
  return entries.join(delimiter);
}

export function execEnvironment(
  base: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  overrides: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  const env = { ...base, ...overrides };
  env.PATH = guiPath(env.PATH, platform);
  return env;
}

export interface ExecOptions {
  cwd?: string;
  /** Added to (and overriding) the runner's base environment. */
  env?: NodeJS.ProcessEnv;
  /** Kill the process (and its children) after this long. Default 60 s; 0 disables. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Written to stdin, then stdin is closed. */
  input?: string;
  /** Called with each stdout/stderr chunk as it arrives (for progress parsing and log tails). */
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /** Keep at most this many characters of each stream in the result. Default 1 MiB. */
  maxOutput?: number;
  /** How long a process has to exit after SIGTERM before SIGKILL. Default 2 s. */
  killGraceMs?: number;
}

export interface ExecResult {
  command: string;
  args: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  /** True when output was longer than maxOutput and the start was dropped. */
  truncated: boolean;
}

export type ExecErrorCode = Extract<
  ErrorCode,
  'exec-not-found' | 'exec-failed' | 'exec-timeout' | 'exec-cancelled'
>;

export class ExecError extends ClawbarError {
  constructor(
    code: ExecErrorCode,
    message: string,
    readonly command: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stdoutTail: string,
    readonly stderrTail: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, undefined, options);
  }
}

export const tailLineCount = 20;

export function tailLines(text: string, count = tailLineCount): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.slice(-count).join('\n');
}

export function commandLine(command: string, args: readonly string[]): string {
  return redactor.text([command, ...args].map(quoteArg).join(' '));
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export interface ExecRunner {
  run(command: string, args?: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Resolves a bare command name on the runner's PATH; absolute paths are checked as they are. */
  which(command: string): Promise<string | undefined>;
}

export interface ExecRunnerOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

export function createExecRunner({
  env = process.env,
  platform = process.platform,
}: ExecRunnerOptions = {}): ExecRunner {
  const baseEnv = execEnvironment(env, platform);
  return {
    run: (command, args = [], options = {}) =>
      runProcess(command, args, { ...options, env: { ...baseEnv, ...options.env } }),
    which: command => which(command, baseEnv.PATH ?? ''),
  };
}

export async function which(command: string, path: string): Promise<string | undefined> {
  const candidates = isAbsolute(command)
    ? [command]
    : path
        .split(delimiter)
        .filter(dir => dir !== '')
        .map(dir => join(dir, command));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

class BoundedBuffer {
  private text = '';
  truncated = false;

  constructor(private readonly max: number) {}

  append(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.max) {
      this.text = this.text.slice(this.text.length - this.max);
      this.truncated = true;
    }
  }

  toString(): string {
    return this.text;
  }
}

function runProcess(command: string, args: readonly string[], options: ExecOptions): Promise<ExecResult> {
  const display = commandLine(command, args);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const graceMs = options.killGraceMs ?? 2_000;
  const maxOutput = options.maxOutput ?? 1024 * 1024;

  return new Promise<ExecResult>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(
        new ExecError('exec-cancelled', `Cancelled before start: ${display}`, display, null, null, '', ''),
      );
      return;
    }

    let child: ChildProcess;
    try {
      child = spawn(command, [...args], {
        cwd: options.cwd,
        env: options.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        // Own process group, so a timeout or cancel also stops what the command started.
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
    } catch (error) {
      reject(
        new ExecError(
          'exec-failed',
          `Could not start ${display}: ${String(error)}`,
          display,
          null,
          null,
          '',
          '',
        ),
      );
      return;
    }

    const stdout = new BoundedBuffer(maxOutput);
    const stderr = new BoundedBuffer(maxOutput);
    let ending: 'timeout' | 'cancelled' | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let settled = false;

    const terminate = (reason: 'timeout' | 'cancelled'): void => {
      if (ending || settled) return;
      ending = reason;
      signalTree(child, 'SIGTERM');
      killTimer = setTimeout(() => signalTree(child, 'SIGKILL'), graceMs);
      killTimer.unref();
    };

    const timer = timeoutMs > 0 ? setTimeout(() => terminate('timeout'), timeoutMs) : undefined;
    const onAbort = (): void => terminate('cancelled');
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (): void => {
      settled = true;
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
    };

    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      stdout.append(chunk);
      options.onStdout?.(chunk);
    });
    child.stderr?.on('data', (chunk: string) => {
      stderr.append(chunk);
      options.onStderr?.(chunk);
    });
    // A command that exits without reading its stdin must not crash us with EPIPE.
    child.stdin?.on('error', () => undefined);
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();

    child.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      finish();
      const notFound = error.code === 'ENOENT';
      reject(
        new ExecError(
          notFound ? 'exec-not-found' : 'exec-failed',
          notFound ? `Command not found: ${command}` : `Could not run ${display}: ${error.message}`,
          display,
          null,
          null,
          '',
          '',
          { cause: error },
        ),
      );
    });

    child.on('close', (code, signal) => {
      if (settled) return;
      finish();
      const out = stdout.toString();
      const err = stderr.toString();
      const failWith = (errorCode: ExecErrorCode, message: string): void =>
        reject(new ExecError(errorCode, message, display, code, signal, tail(out), tail(err)));
      if (ending === 'timeout') {
        failWith('exec-timeout', `Timed out after ${timeoutMs} ms: ${display}`);
        return;
      }
      if (ending === 'cancelled') {
        failWith('exec-cancelled', `Cancelled: ${display}`);
        return;
      }
      if (code !== 0) {
        const detail = tail(err) || tail(out);
        const how = code === null ? `was killed by ${signal ?? 'a signal'}` : `exited with code ${code}`;
        failWith('exec-failed', `${display} ${how}${detail ? `:\n${detail}` : ''}`);
        return;
      }
      resolve({
        command,
        args,
        exitCode: 0,
        stdout: out,
        stderr: err,
        truncated: stdout.truncated || stderr.truncated,
      });
    });
  });
}

function tail(text: string): string {
  return redactor.text(tailLines(text));
}

function signalTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    if (process.platform === 'win32') child.kill(signal);
    else process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
