import { randomUUID } from 'node:crypto';

import { ClawbarError, isClawbarError, type IpcError } from '../../../common/errors';
import type { Progress } from '../../../common/progress';
import type { ClusterOperation, ClusterOperationKind, SandboxDeployment } from '../../../common/sandbox';
import type { Logger } from '../platform/log';

export interface OperationContext {
  signal: AbortSignal;
  progress(progress: Progress): void;
}

export interface ClusterOperationsOptions {
  publish: (operation: ClusterOperation) => void;
  log: Logger;
  now?: () => Date;
}

/**
 * Runs the sandbox's long operations (apply, restart, rollback, allowlist, policies) one at a
 * time in the background, each cancellable, publishing its progress and outcome.
 */
export class ClusterOperations {
  private running: {
    operation: ClusterOperation;
    abort: AbortController;
    done: Promise<ClusterOperation>;
  } | null = null;
  private readonly now: () => Date;

  constructor(private readonly options: ClusterOperationsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  get busy(): boolean {
    return this.running !== null;
  }

  /** Starts `work` in the background; refuses while another operation runs. */
  begin(
    kind: ClusterOperationKind,
    target: SandboxDeployment | null,
    work: (context: OperationContext) => Promise<void>,
  ): { operationId: string; done: Promise<ClusterOperation> } {
    if (this.running) {
      throw new ClawbarError(
        'cluster-busy',
        `A ${this.running.operation.kind} of the sandbox is running; wait for it to finish.`,
      );
    }
    const abort = new AbortController();
    let operation: ClusterOperation = {
      id: randomUUID(),
      kind,
      target,
      status: 'running',
      progress: null,
      error: null,
      startedAt: this.now().toISOString(),
      finishedAt: null,
    };
    const publish = (next: ClusterOperation): void => {
      operation = next;
      if (this.running) this.running.operation = next;
      this.options.publish(next);
    };
    publish(operation);
    const done = (async () => {
      let error: IpcError | null = null;
      try {
        await work({
          signal: abort.signal,
          progress: progress => {
            if (operation.status === 'running') publish({ ...operation, progress });
          },
        });
      } catch (failure) {
        error = isClawbarError(failure)
          ? failure.toIpcError()
          : { code: 'internal', message: failure instanceof Error ? failure.message : String(failure) };
        if (!isClawbarError(failure))
          this.options.log.error(`Sandbox ${kind} threw`, { error: String(failure) });
      }
      const cancelled = abort.signal.aborted;
      const finished: ClusterOperation = {
        ...operation,
        status: cancelled ? 'cancelled' : error ? 'failed' : 'succeeded',
        error: cancelled ? null : error,
        finishedAt: this.now().toISOString(),
      };
      this.running = null;
      this.options.publish(finished);
      if (finished.status === 'failed') {
        this.options.log.warn(`Sandbox ${kind} failed`, { code: error?.code, message: error?.message });
      }
      return finished;
    })();
    this.running = { operation, abort, done };
    return { operationId: operation.id, done };
  }

  /** Runs an operation and waits for its outcome (the CLI, the install plan). */
  async perform(
    kind: ClusterOperationKind,
    target: SandboxDeployment | null,
    work: (context: OperationContext) => Promise<void>,
  ): Promise<ClusterOperation> {
    return this.begin(kind, target, work).done;
  }

  cancel(operationId: string): boolean {
    if (this.running?.operation.id !== operationId) return false;
    this.running.abort.abort();
    return true;
  }

  /** Cancels what runs and waits for it to stop, at most `deadlineMs`. */
  async shutdown(deadlineMs = 5000): Promise<void> {
    const current = this.running;
    if (!current) return;
    current.abort.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([current.done, new Promise(resolve => (timer = setTimeout(resolve, deadlineMs)))]);
    clearTimeout(timer);
  }
}
