import { ExecError, type ExecRunner } from '../platform/exec';
import type { Disposable } from '../platform/event';
import type { Logger } from '../platform/log';

/**
 * One long-running command whose output is read as it comes (powermetrics, macmon): started once,
 * never a process per sample. When it exits it is restarted after a back-off that doubles up to a
 * ceiling and resets once it produced something useful; a verdict from the output ("a password is
 * required") can stop the restarts for good.
 */
export interface SupervisedStreamOptions {
  exec: ExecRunner;
  command: string;
  args: readonly string[];
  log: Logger;
  onStdout: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /** Called when the process ends, with how it ended. */
  onExit?: (description: string) => void;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export class SupervisedStream implements Disposable {
  private controller: AbortController | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private wanted = false;
  private halted: string | undefined;
  private runs = 0;

  constructor(private readonly options: SupervisedStreamOptions) {}

  /** How many times the process was started (tests and diagnostics). */
  get startCount(): number {
    return this.runs;
  }

  get isRunning(): boolean {
    return this.controller !== undefined;
  }

  /** Why restarts stopped, if they did. */
  get haltReason(): string | undefined {
    return this.halted;
  }

  start(): void {
    this.wanted = true;
    this.halted = undefined;
    if (!this.controller && !this.restartTimer) this.spawn();
  }

  stop(): void {
    this.wanted = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.controller?.abort();
    this.controller = undefined;
  }

  /** The output was useful: the next failure starts the back-off from the beginning. */
  markHealthy(): void {
    this.failures = 0;
  }

  /** Stop for good (until start() is called again), e.g. when permission is missing. */
  halt(reason: string): void {
    this.halted = reason;
    this.stop();
  }

  dispose(): void {
    this.stop();
  }

  private spawn(): void {
    const controller = new AbortController();
    this.controller = controller;
    this.runs++;
    const { exec, command, args, log } = this.options;
    log.debug('Starting stream', { command });
    exec
      .run(command, args, {
        signal: controller.signal,
        timeoutMs: 0,
        // Only a tail is kept: the stream is consumed through onStdout.
        maxOutput: 64 * 1024,
        onStdout: this.options.onStdout,
        ...(this.options.onStderr ? { onStderr: this.options.onStderr } : {}),
      })
      .then(
        () => this.ended(controller, 'exited'),
        (error: unknown) => {
          const description =
            error instanceof ExecError
              ? error.code === 'exec-not-found'
                ? `${command} not found`
                : (error.stderrTail.split('\n').find(line => line.trim() !== '') ??
                  error.message.split('\n')[0] ??
                  '')
              : String(error);
          this.ended(controller, description);
        },
      );
  }

  private ended(controller: AbortController, description: string): void {
    if (this.controller === controller) this.controller = undefined;
    if (controller.signal.aborted) return; // stopped on purpose
    this.options.onExit?.(description);
    if (!this.wanted || this.halted !== undefined) return;
    const initial = this.options.initialBackoffMs ?? 1000;
    const delay = Math.min(this.options.maxBackoffMs ?? 60_000, initial * 2 ** this.failures);
    this.failures++;
    this.options.log.warn('Stream ended; restarting', {
      command: this.options.command,
      description,
      delayMs: delay,
    });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.wanted && this.halted === undefined) this.spawn();
    }, delay);
    this.restartTimer.unref();
  }
}
