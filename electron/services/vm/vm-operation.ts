import { randomUUID } from 'node:crypto';

import type { IpcError } from '../../../common/errors';
import type { VmOperation, VmOperationKind, VmOperationStatus, VmStage } from '../../../common/vm-model';

/** Why an operation's AbortSignal fired. */
export class StageTimeout extends Error {
  override readonly name = 'StageTimeout';
  constructor(
    readonly stage: VmStage,
    readonly deadlineMs: number,
  ) {
    super(`${stage} took longer than ${Math.round(deadlineMs / 1000)} s`);
  }
}

export class UserCancelled extends Error {
  override readonly name = 'UserCancelled';
  constructor() {
    super('Cancelled');
  }
}

export type StageDeadlines = Record<VmStage, number>;

/** How long each stage may take before it is stopped (downloads and the k3s install are the long ones). */
export const defaultStageDeadlines: StageDeadlines = {
  checking: 60_000,
  recovering: 2 * 60_000,
  creating: 2 * 60_000,
  'downloading-image': 20 * 60_000,
  booting: 3 * 60_000,
  'waiting-ssh': 5 * 60_000,
  'provisioning-k3s': 15 * 60_000,
  'forwarding-ports': 3 * 60_000,
  'waiting-k3s': 3 * 60_000,
  ready: 10_000,
  stopping: 4 * 60_000,
  deleting: 2 * 60_000,
};

/**
 * One running VM operation: its plan of stages, where it is, a watchdog that aborts it when the
 * current stage overstays its deadline, and cancellation. Stages only move forward: Lima's output
 * can mention an earlier stage late (a port forward set up while k3s installs), which is not a
 * step back.
 */
export class OperationRun {
  readonly controller = new AbortController();
  private watchdog: NodeJS.Timeout | undefined;
  private plan: VmStage[];
  private current: VmOperation;
  /** Set once `limactl start` has run: a failure afterwards leaves a half-booted VM to stop. */
  limactlStarted = false;
  apiForwardFailure: string | undefined;

  constructor(
    kind: VmOperationKind,
    plan: VmStage[],
    private readonly deadlines: StageDeadlines,
    private readonly publish: (operation: VmOperation) => void,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.plan = plan;
    const at = this.now().toISOString();
    const first = plan[0] ?? 'checking';
    this.current = {
      id: randomUUID(),
      kind,
      status: 'running',
      step: first,
      done: 0,
      total: plan.length,
      detail: '',
      seq: 0,
      startedAt: at,
      stepStartedAt: at,
    };
    this.armWatchdog(first);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get operation(): VmOperation {
    return this.current;
  }

  get stage(): VmStage {
    return this.current.step;
  }

  /** Replaces the stages still ahead (known once the checks have looked at the instance). */
  replan(plan: VmStage[]): void {
    this.plan = plan;
    const index = plan.indexOf(this.current.step);
    this.update({ total: plan.length, done: Math.max(0, index) });
  }

  /**
   * Moves to a later stage of the plan; an earlier or unplanned stage only updates the percentage.
   * Stages passed over are still published, in order: the two sources of hints (limactl's stderr and
   * the host agent's event log) arrive with different delays, and a later stage proves the earlier
   * ones done.
   */
  advance(stage: VmStage, percent?: number): void {
    const target = this.plan.indexOf(stage);
    const here = this.plan.indexOf(this.current.step);
    if (target > here) {
      for (let index = here < 0 ? target : here + 1; index <= target; index++) {
        const step = this.plan[index] ?? stage;
        this.armWatchdog(step);
        const next: Partial<VmOperation> = { step, done: index, stepStartedAt: this.now().toISOString() };
        if (index === target && percent !== undefined) next.percent = percent;
        this.update(next, index !== target || percent === undefined);
      }
    } else if (target === here && percent !== undefined && percent !== this.current.percent) {
      this.update({ percent });
    }
  }

  detail(detail: string): void {
    if (detail !== this.current.detail) this.update({ detail: detail.slice(0, 500) });
  }

  cancel(): void {
    if (!this.controller.signal.aborted) this.controller.abort(new UserCancelled());
  }

  finish(status: Exclude<VmOperationStatus, 'running'>, error?: IpcError, logTail?: string): VmOperation {
    this.clearWatchdog();
    const finished: Partial<VmOperation> = { status, endedAt: this.now().toISOString() };
    if (status === 'succeeded') {
      finished.step = 'ready';
      finished.done = this.current.total;
    }
    if (error) finished.error = error;
    if (logTail) finished.logTail = logTail;
    this.update(finished, status === 'succeeded');
    return this.current;
  }

  dispose(): void {
    this.clearWatchdog();
  }

  private update(change: Partial<VmOperation>, clearPercent = false): void {
    const next: VmOperation = { ...this.current, ...change, seq: this.current.seq + 1 };
    if (clearPercent && change.percent === undefined) delete next.percent;
    this.current = next;
    this.publish(next);
  }

  private armWatchdog(stage: VmStage): void {
    this.clearWatchdog();
    const deadline = this.deadlines[stage];
    this.watchdog = setTimeout(() => {
      if (!this.controller.signal.aborted) this.controller.abort(new StageTimeout(stage, deadline));
    }, deadline);
    this.watchdog.unref();
  }

  private clearWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = undefined;
  }
}
