import { randomUUID } from 'node:crypto';

import { ClawbarError, isClawbarError, type IpcError } from '../../../common/errors';
import {
  initialInstallStep,
  initialInstallView,
  installLogLineMaxLength,
  installLogTailLines,
  type InstallChoices,
  type InstallStep,
  type InstallStepId,
  type InstallView,
} from '../../../common/install';
import type { Progress } from '../../../common/progress';
import type { SelfTestReport } from '../../../common/selftest';
import { Emitter, type Disposable } from '../platform/event';
import type { Logger } from '../platform/log';
import { redactor } from '../platform/redact';
import type { InstallStateStore } from './install-state-file';

/** What a step's check found: done (nothing to do) or not, with a line for the step's log. */
export interface StepCheck {
  done: boolean;
  detail: string;
}

export interface CheckContext {
  readonly signal: AbortSignal;
  readonly choices: InstallChoices;
  /** Facts the rest of the install and the finish screen need. */
  remember: (facts: { model?: string; selfTest?: SelfTestReport }) => void;
}

export interface StepContext extends CheckContext {
  /** What the step does now; `step` names its phase (`pull`, `booting`…). */
  progress: (progress: Progress) => void;
  /** One line for the step's log tail (redacted; the newest lines are kept). */
  log: (line: string) => void;
}

/**
 * One step of the plan. `check` is a real look at the world ("is this already so?"), so a step
 * that is done is never redone, and `run` must be idempotent: it may have been cut off half-way.
 * `run` honours the signal: cancel aborts it, and it leaves nothing the next run cannot finish.
 */
export interface PlanStep {
  id: InstallStepId;
  /**
   * An earlier step whose run also does this one's work (the VM start waits for k3s): when that
   * step ran, a passing check means this one is done by this install, not skipped.
   */
  coveredBy?: InstallStepId;
  check(context: CheckContext): Promise<StepCheck>;
  run(context: StepContext): Promise<void>;
}

export type EngineRequest =
  { kind: 'start'; choices: InstallChoices } | { kind: 'resume' } | { kind: 'retry'; step: InstallStepId };

export interface StepEngineOptions {
  steps: readonly PlanStep[];
  store: InstallStateStore;
  log: Logger;
  /** The step's English title, for error messages and the log ("Local models: …"). */
  title: (id: InstallStepId) => string;
  now?: () => Date;
  /** Progress and log lines are saved at most this often; state changes are saved at once. */
  persistDelayMs?: number;
}

type StopReason = 'cancel' | 'shutdown';

interface ActiveRun {
  abort: AbortController;
  reason: StopReason | null;
  done: Promise<InstallView>;
}

/**
 * Runs the install plan's steps in order and keeps their state: which ran, which were already
 * done, how long each took, its last log lines and why it failed. The state is saved to disk at
 * every change of state (and progress a little later), so after a crash, a quit or a reboot the
 * install resumes: the step that was running counts as not done, and every step is checked again
 * before it is skipped. One run at a time; a failed step can be retried on its own; cancel aborts
 * the running step, which counts as not done.
 */
export class StepEngine implements Disposable {
  private state: InstallView;
  private active: ActiveRun | null = null;
  private persistTimer: NodeJS.Timeout | undefined;
  private readonly changed = new Emitter<InstallView>();
  private readonly now: () => Date;
  private readonly stepIds: readonly InstallStepId[];
  /** Every change of the view (status, progress, log lines). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly options: StepEngineOptions) {
    this.now = options.now ?? (() => new Date());
    this.stepIds = options.steps.map(step => step.id);
    this.state = { ...initialInstallView(), steps: this.stepIds.map(initialInstallStep) };
  }

  get view(): InstallView {
    return this.state;
  }

  get busy(): boolean {
    return this.active !== null;
  }

  /** Reads the saved progress: a run that was going when Clawbar stopped becomes `interrupted`. */
  async load(): Promise<InstallView> {
    const saved = await this.options.store.load();
    if (!saved) return this.state;
    const byId = new Map(saved.steps.map(step => [step.id, step]));
    const steps = this.stepIds.map(id => {
      const step = byId.get(id) ?? initialInstallStep(id);
      if (step.status !== 'running') return step;
      return {
        ...step,
        status: 'pending' as const,
        progress: null,
        elapsedMs: null,
        finishedAt: null,
        logTail: tail(step.logTail, ['Interrupted: Clawbar stopped while this step ran.']),
      };
    });
    this.state = { ...saved, steps, status: saved.status === 'running' ? 'interrupted' : saved.status };
    if (saved.status === 'running') await this.options.store.save(this.state);
    this.changed.fire(this.state);
    return this.state;
  }

  /**
   * Starts a run in the background and resolves when it ends (never rejects). `start` begins
   * afresh with new choices; `resume` continues the last run; `retry` runs a failed step again,
   * then the steps after it. Throws at once when another run is going or there is nothing to do.
   */
  begin(request: EngineRequest): Promise<InstallView> {
    if (this.active) {
      const running = this.state.steps.find(step => step.status === 'running');
      throw new ClawbarError(
        'install-busy',
        `The install is running${running ? ` (${this.options.title(running.id)})` : ''}; wait for it or cancel it.`,
      );
    }
    const from = this.prepare(request);
    const abort = new AbortController();
    const run: ActiveRun = { abort, reason: null, done: Promise.resolve(this.state) };
    this.active = run;
    run.done = this.execute(run, from).finally(() => {
      this.active = null;
    });
    return run.done;
  }

  /** Aborts the running step; resolves true when a run was going. */
  cancel(): boolean {
    if (!this.active) return false;
    this.stop(this.active, 'cancel');
    return true;
  }

  async dismissOnboarding(): Promise<InstallView> {
    this.update(view => ({ ...view, onboardingDismissed: true }));
    await this.persistNow();
    return this.state;
  }

  /** Quit: the running step is aborted (the run is `interrupted`, resumable) and the state saved. */
  async shutdown(deadlineMs = 10_000): Promise<void> {
    const current = this.active;
    if (current) {
      this.stop(current, 'shutdown');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([current.done, new Promise(resolve => (timer = setTimeout(resolve, deadlineMs)))]);
      clearTimeout(timer);
    }
    if (this.persistTimer) await this.persistNow();
  }

  dispose(): void {
    if (this.active) this.stop(this.active, 'shutdown');
    clearTimeout(this.persistTimer);
    this.changed.dispose();
  }

  /** Validates the request against the state and resets what it reruns; the index to start at. */
  private prepare(request: EngineRequest): number {
    const at = this.now().toISOString();
    switch (request.kind) {
      case 'start':
        this.update(view => ({
          ...view,
          status: 'running',
          runId: randomUUID(),
          choices: request.choices,
          model: null,
          steps: this.stepIds.map(initialInstallStep),
          error: null,
          startedAt: at,
          finishedAt: null,
          selfTest: null,
        }));
        return 0;
      case 'resume': {
        const resumable = ['failed', 'cancelled', 'interrupted'] as const;
        if (!(resumable as readonly string[]).includes(this.state.status) || !this.state.choices) {
          throw new ClawbarError(
            'install-not-resumable',
            this.state.status === 'succeeded'
              ? 'The install already finished; start it again to check every step.'
              : 'There is no install to resume; start one.',
          );
        }
        this.update(view => ({
          ...view,
          status: 'running',
          error: null,
          finishedAt: null,
          steps: view.steps.map(step => (step.status === 'failed' ? resetForRetry(step) : step)),
        }));
        return 0;
      }
      case 'retry': {
        const index = this.stepIds.indexOf(request.step);
        const step = this.state.steps[index];
        if (step?.status !== 'failed' || !this.state.choices) {
          throw new ClawbarError(
            'install-not-resumable',
            `${this.options.title(request.step)} has not failed, so there is nothing to retry.`,
          );
        }
        this.update(view => ({
          ...view,
          status: 'running',
          error: null,
          finishedAt: null,
          steps: view.steps.map(item => (item.id === request.step ? resetForRetry(item) : item)),
        }));
        return index;
      }
    }
  }

  private async execute(run: ActiveRun, from: number): Promise<InstallView> {
    const choices = this.state.choices;
    if (!choices) throw new ClawbarError('internal', 'An install run without choices.');
    await this.persistNow().catch((error: unknown) => this.reportPersistFailure(error));
    this.options.log.info('Install run started', { runId: this.state.runId, from: this.stepIds[from] });
    for (const [index, step] of this.options.steps.entries()) {
      if (index < from) continue;
      const outcome = await this.runStep(run, step, choices);
      if (outcome === 'continue') continue;
      return this.finish(outcome === 'stopped' ? this.stoppedStatus(run) : 'failed');
    }
    return this.finish('succeeded');
  }

  private async runStep(
    run: ActiveRun,
    step: PlanStep,
    choices: InstallChoices,
  ): Promise<'continue' | 'failed' | 'stopped'> {
    const { signal } = run.abort;
    // A function, not the property: the signal changes across the awaits below.
    const aborted = (): boolean => signal.aborted;
    if (aborted()) return 'stopped';
    const before = this.step(step.id).status;
    const startedAt = this.now();
    this.updateStep(step.id, current => ({
      ...current,
      status: 'running',
      progress: { step: 'checking', done: 0, detail: 'Checking whether this is already done' },
      error: null,
      startedAt: startedAt.toISOString(),
      finishedAt: null,
      elapsedMs: null,
    }));
    const remember: CheckContext['remember'] = facts =>
      this.update(view => ({
        ...view,
        ...(facts.model === undefined ? {} : { model: facts.model }),
        ...(facts.selfTest === undefined ? {} : { selfTest: facts.selfTest }),
      }));
    let check: StepCheck;
    try {
      check = await step.check({ signal, choices, remember });
    } catch (error) {
      check = { done: false, detail: `Could not check: ${errorOf(error).message}` };
    }
    if (aborted()) return this.stopped(step.id);
    if (check.done) {
      this.appendLog(step.id, check.detail);
      const covered = step.coveredBy !== undefined && this.step(step.coveredBy).status === 'done';
      this.finishStep(step.id, before === 'done' || covered ? 'done' : 'skipped', startedAt);
      await this.persistNow().catch((error: unknown) => this.reportPersistFailure(error));
      return 'continue';
    }
    if (check.detail) this.appendLog(step.id, check.detail);
    this.updateStep(step.id, current => ({ ...current, attempts: current.attempts + 1, progress: null }));
    await this.persistNow().catch((error: unknown) => this.reportPersistFailure(error));
    const context: StepContext = {
      signal,
      choices,
      progress: progress => {
        if (!signal.aborted) this.updateStep(step.id, current => ({ ...current, progress }));
      },
      log: line => this.appendLog(step.id, line),
      remember,
    };
    try {
      await step.run(context);
    } catch (error) {
      if (aborted()) return this.stopped(step.id);
      const cause = errorOf(error);
      const failure: IpcError = {
        code: isClawbarError(cause) ? cause.code : 'internal',
        message: redactor.text(`${this.options.title(step.id)}: ${cause.message}`),
      };
      if (!isClawbarError(cause))
        this.options.log.error('An install step threw', { step: step.id, error: cause.message });
      this.appendLog(step.id, failure.message);
      this.finishStep(step.id, 'failed', startedAt, failure);
      this.update(view => ({ ...view, error: failure }));
      // Reported in the view (and by the front that runs it); the log keeps the record.
      this.options.log.info('Install step failed', { step: step.id, code: failure.code });
      return 'failed';
    }
    // A step that finished although it was asked to stop did finish: it is done.
    this.finishStep(step.id, 'done', startedAt);
    this.options.log.info('Install step done', { step: step.id, elapsedMs: this.step(step.id).elapsedMs });
    await this.persistNow().catch((error: unknown) => this.reportPersistFailure(error));
    return 'continue';
  }

  /** The aborted step is not done: the next run checks it and runs it again. */
  private stopped(id: InstallStepId): 'stopped' {
    const reason = this.active?.reason === 'cancel' ? 'Cancelled.' : 'Interrupted: Clawbar is stopping.';
    this.appendLog(id, reason);
    this.updateStep(id, current => ({
      ...current,
      status: 'pending',
      progress: null,
      finishedAt: null,
      elapsedMs: null,
    }));
    return 'stopped';
  }

  private stoppedStatus(run: ActiveRun): 'cancelled' | 'interrupted' {
    return run.reason === 'cancel' ? 'cancelled' : 'interrupted';
  }

  private async finish(status: InstallView['status']): Promise<InstallView> {
    const at = this.now().toISOString();
    this.update(view => ({
      ...view,
      status,
      finishedAt: at,
      ...(status === 'succeeded' ? { completedAt: at, error: null } : {}),
    }));
    await this.persistNow().catch((error: unknown) => this.reportPersistFailure(error));
    this.options.log.info(`Install run ${status}`, { runId: this.state.runId });
    return this.state;
  }

  private finishStep(
    id: InstallStepId,
    status: 'done' | 'skipped' | 'failed',
    startedAt: Date,
    error: IpcError | null = null,
  ): void {
    const finishedAt = this.now();
    this.updateStep(id, current => ({
      ...current,
      status,
      progress: null,
      error,
      finishedAt: finishedAt.toISOString(),
      elapsedMs: Math.max(0, finishedAt.getTime() - startedAt.getTime()),
    }));
  }

  private stop(run: ActiveRun, reason: StopReason): void {
    run.reason ??= reason;
    run.abort.abort(
      new ClawbarError('cancelled', reason === 'cancel' ? 'Cancelled.' : 'Clawbar is stopping.'),
    );
  }

  private step(id: InstallStepId): InstallStep {
    const found = this.state.steps.find(step => step.id === id);
    if (!found) throw new ClawbarError('internal', `No install step ${id}.`);
    return found;
  }

  private appendLog(id: InstallStepId, text: string): void {
    const lines = text
      .split(/\r?\n/)
      .map(line => line.trimEnd())
      .filter(line => line !== '');
    if (lines.length === 0) return;
    this.updateStep(id, current => ({ ...current, logTail: tail(current.logTail, lines) }));
  }

  private updateStep(id: InstallStepId, change: (step: InstallStep) => InstallStep): void {
    this.update(view => ({ ...view, steps: view.steps.map(step => (step.id === id ? change(step) : step)) }));
  }

  private update(change: (view: InstallView) => InstallView): void {
    this.state = change(this.state);
    this.changed.fire(this.state);
    this.schedulePersist();
  }

  private schedulePersist(): void {
    if (this.persistTimer) return;
    this.persistTimer = setTimeout(() => {
      void this.persistNow().catch((error: unknown) => this.reportPersistFailure(error));
    }, this.options.persistDelayMs ?? 1000);
    this.persistTimer.unref();
  }

  private async persistNow(): Promise<void> {
    clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    await this.options.store.save(this.state);
  }

  private reportPersistFailure(error: unknown): void {
    // The run goes on: only a later resume after a crash loses this step's record.
    this.options.log.warn('Could not save the install progress', { error: errorOf(error).message });
  }
}

function resetForRetry(step: InstallStep): InstallStep {
  return { ...step, status: 'pending', error: null, progress: null };
}

function tail(lines: readonly string[], more: readonly string[]): string[] {
  const cleaned = more.map(line => {
    const safe = redactor.text(line);
    return safe.length > installLogLineMaxLength ? `${safe.slice(0, installLogLineMaxLength - 1)}…` : safe;
  });
  return [...lines, ...cleaned].slice(-installLogTailLines);
}

function errorOf(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
