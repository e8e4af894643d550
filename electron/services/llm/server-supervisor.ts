import { ClawbarError } from '../../../common/errors';
import type { ChildExit, LongRunningChild } from '../platform/child-process';
import { Emitter, type Disposable } from '../platform/event';
import type { Logger } from '../platform/log';
import { redactor } from '../platform/redact';

/**
 * Keeps one server process alive: starts it, waits until it answers, checks it keeps answering,
 * restarts it with exponential backoff when it dies or hangs, and gives up (`crashed`) when it
 * keeps failing: N failures within a window is a crash loop, not bad luck. Failures that a
 * restart cannot fix (the port belongs to someone else, the binary is missing) end supervision
 * at once (`failed`). It only ever stops the process it started.
 */
export type SupervisorPhase = 'idle' | 'starting' | 'running' | 'backoff' | 'stopping' | 'crashed' | 'failed';

export interface SupervisorStatus {
  phase: SupervisorPhase;
  pid: number | null;
  /** Unplanned restarts since the last explicit start. */
  restarts: number;
  /** The last lines the current (or last) process wrote to stderr, redacted. */
  stderrTail: string[];
  /** When phase is `backoff`: how long until the next attempt. */
  nextAttemptInMs: number | null;
  /** Why supervision ended, when phase is `crashed` or `failed`. */
  failure: ClawbarError | null;
}

export interface SupervisorTimings {
  /** How long a fresh process has to answer its first health check. */
  startTimeoutMs: number;
  /** How often a starting process is checked. */
  startPollMs: number;
  healthIntervalMs: number;
  /** Consecutive failed health checks of a running process before it is killed and restarted. */
  unhealthyAfter: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** This many failures within the window is a crash loop. */
  crashLoopCount: number;
  crashLoopWindowMs: number;
  /** A process that ran healthy this long resets the backoff. */
  stableAfterMs: number;
  stopGraceMs: number;
}

export const defaultSupervisorTimings: SupervisorTimings = {
  startTimeoutMs: 30_000,
  startPollMs: 250,
  healthIntervalMs: 5000,
  unhealthyAfter: 3,
  backoffInitialMs: 1000,
  backoffMaxMs: 30_000,
  crashLoopCount: 5,
  crashLoopWindowMs: 120_000,
  stableAfterMs: 60_000,
  stopGraceMs: 5000,
};

export interface ServerSupervisorOptions {
  /** Starts one process; stderr lines must be passed to onStderrLine. */
  launch: (onStderrLine: (line: string) => void) => LongRunningChild;
  isHealthy: (signal: AbortSignal) => Promise<boolean>;
  /** A failure no restart can fix, or null for an ordinary crash. */
  classifyFailure: (exit: ChildExit, stderrTail: readonly string[]) => ClawbarError | null;
  /** Builds the crash-loop error from the count and the last stderr lines. */
  crashLoopError: (failures: number, stderrTail: readonly string[]) => ClawbarError;
  timings?: Partial<SupervisorTimings>;
  log: Logger;
  tailLines?: number;
}

interface Run {
  child: LongRunningChild;
  /** Set before Clawbar stops it on purpose, so its exit is not taken for a crash. */
  planned: boolean;
  healthySince: number | null;
}

interface Waiter {
  resolve: () => void;
  reject: (error: ClawbarError) => void;
}

export class ServerSupervisor implements Disposable {
  private readonly timings: SupervisorTimings;
  private readonly changed = new Emitter<SupervisorStatus>();
  readonly onDidChange = this.changed.event;
  private phase: SupervisorPhase = 'idle';
  private run: Run | undefined;
  private tail: string[] = [];
  private restarts = 0;
  private failureTimes: number[] = [];
  private consecutiveFailures = 0;
  private failure: ClawbarError | null = null;
  private nextAttemptAt: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private healthMisses = 0;
  private waiters: Waiter[] = [];
  private readonly tailLines: number;

  constructor(private readonly options: ServerSupervisorOptions) {
    this.timings = { ...defaultSupervisorTimings, ...options.timings };
    this.tailLines = options.tailLines ?? 20;
  }

  get status(): SupervisorStatus {
    return {
      phase: this.phase,
      pid: this.run && !this.run.child.hasExited ? (this.run.child.pid ?? null) : null,
      restarts: this.restarts,
      stderrTail: [...this.tail],
      nextAttemptInMs: this.nextAttemptAt === null ? null : Math.max(0, this.nextAttemptAt - Date.now()),
      failure: this.failure,
    };
  }

  /** Starts supervising; resolves once the server answers, rejects when supervision gives up. */
  start(): Promise<void> {
    if (this.phase === 'running') return Promise.resolve();
    const waiting = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.phase === 'starting' || this.phase === 'backoff') return waiting;
    this.restarts = 0;
    this.failureTimes = [];
    this.consecutiveFailures = 0;
    this.failure = null;
    this.launch();
    return waiting;
  }

  /** Stops the process this supervisor started (and only that one), waiting for it to exit. */
  async stop(): Promise<void> {
    this.clearTimer();
    this.nextAttemptAt = null;
    const run = this.run;
    if (!run || run.child.hasExited) {
      this.setPhase(this.phase === 'crashed' || this.phase === 'failed' ? this.phase : 'idle');
      this.rejectWaiters(new ClawbarError('cancelled', 'Stopped before the server was ready.'));
      return;
    }
    run.planned = true;
    this.setPhase('stopping');
    this.rejectWaiters(new ClawbarError('cancelled', 'Stopped before the server was ready.'));
    await run.child.stop(this.timings.stopGraceMs);
    this.setPhase('idle');
  }

  dispose(): void {
    void this.stop();
    this.changed.dispose();
  }

  private launch(): void {
    this.clearTimer();
    this.nextAttemptAt = null;
    this.tail = [];
    this.healthMisses = 0;
    let child: LongRunningChild;
    try {
      child = this.options.launch(line => this.pushTail(line));
    } catch (error) {
      this.fail(new ClawbarError('ollama-start-failed', `Could not start the server: ${String(error)}`));
      return;
    }
    const run: Run = { child, planned: false, healthySince: null };
    this.run = run;
    this.setPhase('starting');
    this.options.log.info('Server started', { command: child.display, pid: child.pid });
    void child.exited.then(exit => this.onExit(run, exit));
    void this.waitUntilHealthy(run);
  }

  private async waitUntilHealthy(run: Run): Promise<void> {
    const deadline = Date.now() + this.timings.startTimeoutMs;
    while (this.isLive(run)) {
      const healthy = await this.check();
      if (!this.isLive(run)) return;
      if (healthy) {
        run.healthySince = Date.now();
        this.setPhase('running');
        this.resolveWaiters();
        this.scheduleHealthCheck(run);
        return;
      }
      if (Date.now() >= deadline) {
        this.options.log.warn('Server did not answer in time; stopping it', {
          timeoutMs: this.timings.startTimeoutMs,
        });
        run.planned = true;
        await run.child.stop(this.timings.stopGraceMs);
        this.recordFailure(run, `did not answer within ${Math.round(this.timings.startTimeoutMs / 1000)} s`);
        return;
      }
      await delay(this.timings.startPollMs);
    }
  }

  private scheduleHealthCheck(run: Run): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      void (async () => {
        if (!this.isLive(run)) return;
        const healthy = await this.check();
        if (!this.isLive(run)) return;
        this.healthMisses = healthy ? 0 : this.healthMisses + 1;
        if (this.healthMisses >= this.timings.unhealthyAfter) {
          this.options.log.warn('Server stopped answering; restarting it', { misses: this.healthMisses });
          run.planned = true;
          await run.child.stop(this.timings.stopGraceMs);
          this.recordFailure(run, `stopped answering (${this.healthMisses} failed checks)`);
          return;
        }
        this.scheduleHealthCheck(run);
      })();
    }, this.timings.healthIntervalMs);
    this.timer.unref();
  }

  /** Still the current process, alive, and not being stopped on purpose (rechecked after every await). */
  private isLive(run: Run): boolean {
    return this.run === run && !run.child.hasExited && !run.planned;
  }

  private async check(): Promise<boolean> {
    try {
      return await this.options.isHealthy(AbortSignal.timeout(Math.min(5000, this.timings.healthIntervalMs)));
    } catch {
      return false;
    }
  }

  private onExit(run: Run, exit: ChildExit): void {
    if (this.run !== run || run.planned) return;
    this.options.log.warn('Server exited unexpectedly', {
      code: exit.code,
      signal: exit.signal,
      error: exit.error?.message,
      stderr: this.tail.slice(-5),
    });
    const fatal = this.options.classifyFailure(exit, this.tail);
    if (fatal) {
      this.fail(fatal);
      return;
    }
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code ?? '?'}`;
    this.recordFailure(run, how);
  }

  private recordFailure(run: Run, how: string): void {
    const now = Date.now();
    if (run.healthySince !== null && now - run.healthySince >= this.timings.stableAfterMs) {
      this.consecutiveFailures = 0;
    }
    this.consecutiveFailures += 1;
    this.failureTimes = [...this.failureTimes.filter(at => at > now - this.timings.crashLoopWindowMs), now];
    if (this.failureTimes.length >= this.timings.crashLoopCount) {
      this.failure = this.options.crashLoopError(this.failureTimes.length, this.tail);
      this.setPhase('crashed');
      this.rejectWaiters(this.failure);
      return;
    }
    const wait = Math.min(
      this.timings.backoffMaxMs,
      this.timings.backoffInitialMs * 2 ** (this.consecutiveFailures - 1),
    );
    this.restarts += 1;
    this.nextAttemptAt = now + wait;
    this.options.log.info(`Server ${how}; restarting`, { inMs: wait, attempt: this.restarts });
    this.setPhase('backoff');
    this.clearTimer();
    // Not unref'd: a CLI command waiting for the server must not exit during the backoff.
    this.timer = setTimeout(() => this.launch(), wait);
  }

  private fail(error: ClawbarError): void {
    this.clearTimer();
    this.failure = error;
    this.setPhase('failed');
    this.rejectWaiters(error);
  }

  private pushTail(line: string): void {
    if (line.trim() === '') return;
    this.tail.push(redactor.text(line).replace(/\/\/[^/\s:@]+:[^/\s@]+@/g, '//[REDACTED]@'));
    if (this.tail.length > this.tailLines) this.tail.splice(0, this.tail.length - this.tailLines);
  }

  private setPhase(phase: SupervisorPhase): void {
    this.phase = phase;
    this.changed.fire(this.status);
  }

  private resolveWaiters(): void {
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
  }

  private rejectWaiters(error: ClawbarError): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
