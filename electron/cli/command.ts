import type { Language } from '../../common/i18n';
import type { Runtime } from '../devhost/runtime';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export interface CliContext extends CliIo {
  demo: boolean;
  language: Language;
  t: (key: string, values?: Record<string, string | number>) => string;
  /**
   * Builds the services (against the demo world with --demo); the command must close it.
   * `ollamaUrl` is an Ollama address the user gave (`--host`): used as it is, never started.
   */
  openRuntime(overrides?: { ollamaUrl?: string | undefined }): Promise<Runtime>;
}

export interface CliCommand {
  name: string;
  /** i18n key of the one-line summary shown in `clawbar --help`. */
  summaryKey: string;
  usage: string;
  run(args: string[], context: CliContext): Promise<number>;
}

/** A usage mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const exitCodes = { ok: 0, failure: 1, usage: 2 } as const;
