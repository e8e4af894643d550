import type { Logger } from './log';

export interface ShutdownParticipant {
  name: string;
  stop: () => Promise<void> | void;
}

export interface ShutdownReport {
  stopped: string[];
  failed: { name: string; error: string }[];
  /** Still running when the deadline passed; the process quits anyway. */
  timedOut: string[];
  elapsedMs: number;
}

/**
 * Shutdown join: participants register how to stop; shutdown() asks all of them at once and waits
 * until they are done or the deadline passes, whichever comes first. It runs once: later calls get
 * the same promise, so a second Quit click does not start a second shutdown.
 */
export class Lifecycle {
  private readonly participants: ShutdownParticipant[] = [];
  private shutdownPromise: Promise<ShutdownReport> | undefined;

  constructor(private readonly log: Logger) {}

  get isShuttingDown(): boolean {
    return this.shutdownPromise !== undefined;
  }

  register(participant: ShutdownParticipant): void {
    if (this.shutdownPromise) throw new Error(`Cannot register ${participant.name}: shutdown has started`);
    this.participants.push(participant);
  }

  shutdown(deadlineMs: number): Promise<ShutdownReport> {
    this.shutdownPromise ??= this.run(deadlineMs);
    return this.shutdownPromise;
  }

  private async run(deadlineMs: number): Promise<ShutdownReport> {
    const started = Date.now();
    const report: ShutdownReport = { stopped: [], failed: [], timedOut: [], elapsedMs: 0 };
    const pending = new Set(this.participants.map(participant => participant.name));
    // Concurrently: each participant owns its own resources, and waiting in turn would add up their delays.
    const stops = this.participants.map(async participant => {
      try {
        await participant.stop();
        report.stopped.push(participant.name);
      } catch (error) {
        report.failed.push({
          name: participant.name,
          error: error instanceof Error ? error.message : String(error),
        });
      } finally {
        pending.delete(participant.name);
      }
    });
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(stops),
      new Promise<void>(resolve => {
        deadline = setTimeout(resolve, deadlineMs);
      }),
    ]);
    clearTimeout(deadline);
    report.timedOut = [...pending];
    report.elapsedMs = Date.now() - started;
    if (report.timedOut.length > 0 || report.failed.length > 0) {
      this.log.warn('Shutdown finished with problems', { ...report });
    } else {
      this.log.info('Shutdown complete', { elapsedMs: report.elapsedMs });
    }
    return report;
  }
}
