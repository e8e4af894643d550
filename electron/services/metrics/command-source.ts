import { ExecError, type ExecRunner } from '../platform/exec';
import { singleSource, type MetricsSource } from './collector';
import { parseOutcome } from './parse-outcome';
import { failure, reasons, type ReadingKey, type ReadingValue } from './readings';

export interface CommandSourceOptions<K extends ReadingKey> {
  exec: ExecRunner;
  command: string;
  args: readonly string[];
  parse: (stdout: string) => ReadingValue<K>;
  timeoutMs?: number;
  periodMs?: number;
  retryMs?: number;
  /**
   * Parse what the command printed even when it exits non-zero (sysctl prints every known key, then
   * exits 1 for an unknown one).
   */
  parsePartialOutput?: boolean;
}

/** A short-lived command per sample (ioreg, vm_stat, sysctl): spawned without a shell, with a deadline. */
export function commandSource<K extends ReadingKey>(key: K, options: CommandSourceOptions<K>): MetricsSource {
  const name = options.command.split('/').at(-1) ?? options.command;
  return singleSource(
    key,
    name,
    async signal => {
      let captured = '';
      try {
        const result = await options.exec.run(options.command, options.args, {
          signal,
          timeoutMs: options.timeoutMs ?? 2000,
          maxOutput: 4 * 1024 * 1024,
          ...(options.parsePartialOutput ? { onStdout: (chunk: string) => (captured += chunk) } : {}),
        });
        return parseOutcome(name, () => options.parse(result.stdout));
      } catch (error) {
        if (!(error instanceof ExecError)) throw error;
        if (error.code === 'exec-not-found') return failure(reasons.missing(name));
        if (options.parsePartialOutput && error.code === 'exec-failed' && captured.trim() !== '') {
          return parseOutcome(name, () => options.parse(captured));
        }
        return failure(
          reasons.failed(name, firstLine(error.stderrTail) ?? firstLine(error.message) ?? error.code),
        );
      }
    },
    { periodMs: options.periodMs ?? 0, retryMs: options.retryMs ?? options.periodMs ?? 0 },
  );
}

function firstLine(text: string): string | undefined {
  const line = text.split('\n').find(candidate => candidate.trim() !== '');
  return line?.trim();
}
