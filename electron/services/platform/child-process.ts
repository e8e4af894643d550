import { spawn } from 'node:child_process';

import { commandLine } from './exec';

/**
 * A long-running child (a server such as `ollama serve`): unlike ExecRunner.run there is no
 * deadline on its life, but stopping it has one: SIGTERM to its process group, SIGKILL after the
 * grace period. Output arrives line by line.
 */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when it could not be started at all (ENOENT, EACCES). */
  error?: NodeJS.ErrnoException;
}

export interface LongRunningChild {
  readonly pid: number | undefined;
  readonly display: string;
  readonly exited: Promise<ChildExit>;
  readonly hasExited: boolean;
  /** SIGTERM, then SIGKILL after graceMs; resolves once it has exited. */
  stop(graceMs: number): Promise<ChildExit>;
}

export interface SpawnOptions {
  env: NodeJS.ProcessEnv;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
}

export type SpawnLongRunning = (
  command: string,
  args: readonly string[],
  options: SpawnOptions,
) => LongRunningChild;

export const spawnLongRunning: SpawnLongRunning = (command, args, options) => {
  const display = commandLine(command, args);
  let hasExited = false;
  let resolveExit: (exit: ChildExit) => void = () => undefined;
  const exited = new Promise<ChildExit>(resolve => {
    resolveExit = exit => {
      if (hasExited) return;
      hasExited = true;
      resolve(exit);
    };
  });
  const child = spawn(command, [...args], {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: stopping it also stops anything it started (model runners).
    detached: process.platform !== 'win32',
    windowsHide: true,
  });
  child.on('error', error => resolveExit({ code: null, signal: null, error }));
  child.on('exit', (code, signal) => resolveExit({ code, signal }));
  const lines = (callback: ((line: string) => void) | undefined) => {
    let buffer = '';
    return (chunk: string): void => {
      buffer += chunk;
      const parts = buffer.split(/\r?\n/);
      buffer = parts.pop() ?? '';
      // A runaway line without newlines must not grow without bound.
      if (buffer.length > 64 * 1024) {
        parts.push(buffer);
        buffer = '';
      }
      for (const line of parts) callback?.(line);
    };
  };
  child.stdout.setEncoding('utf8').on('data', lines(options.onStdoutLine));
  child.stderr.setEncoding('utf8').on('data', lines(options.onStderrLine));

  const signalGroup = (signal: NodeJS.Signals): void => {
    if (hasExited || child.pid === undefined) return;
    try {
      if (process.platform === 'win32') child.kill(signal);
      else process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };

  return {
    pid: child.pid,
    display,
    exited,
    get hasExited() {
      return hasExited;
    },
    stop: async graceMs => {
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
};
