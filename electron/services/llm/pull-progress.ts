import type { IpcError } from '../../../common/errors';
import type { PullProgress } from '../../../common/models';
import type { PullLine } from './ollama-client';

/** The phases of `ollama pull`, named from its status lines. */
export const pullSteps = ['manifest', 'download', 'verify', 'write', 'cleanup', 'done'] as const;
export type PullStep = (typeof pullSteps)[number];

export function stepOfStatus(status: string): PullStep | undefined {
  if (status === 'pulling manifest') return 'manifest';
  if (status.startsWith('pulling ') || status.startsWith('downloading')) return 'download';
  if (status.startsWith('verifying')) return 'verify';
  if (status.startsWith('writing manifest')) return 'write';
  if (status.startsWith('removing')) return 'cleanup';
  if (status === 'success') return 'done';
  return undefined;
}

export interface PullTrackerOptions {
  now?: () => number;
  /** Speed is measured over this much recent time, so a stall shows quickly. */
  speedWindowMs?: number;
}

/**
 * Folds `/api/pull` lines into one progress value: bytes summed over every layer (Ollama pulls
 * layers concurrently and repeats a layer's line as it grows), percent, a speed over a sliding
 * window and the ETA that follows. Resumed pulls start with bytes already done; only new bytes
 * count toward the speed.
 */
export class PullTracker {
  private readonly layers = new Map<string, { total: number; completed: number }>();
  private readonly samples: { at: number; done: number }[] = [];
  private step: PullStep = 'manifest';
  private detail = 'pulling manifest';
  private readonly now: () => number;
  private readonly windowMs: number;

  constructor(
    readonly model: string,
    options: PullTrackerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.windowMs = options.speedWindowMs ?? 5000;
  }

  update(line: PullLine): PullProgress {
    const step = stepOfStatus(line.status);
    if (step) this.step = step;
    this.detail = line.status;
    if (line.digest && (line.total !== undefined || line.completed !== undefined)) {
      const layer = this.layers.get(line.digest) ?? { total: 0, completed: 0 };
      if (line.total !== undefined) layer.total = line.total;
      // Completed never goes backwards within one pull; Ollama may repeat an older value.
      if (line.completed !== undefined) layer.completed = Math.max(layer.completed, line.completed);
      this.layers.set(line.digest, layer);
      this.sample();
    }
    return this.snapshot('running');
  }

  finish(state: 'success' | 'failed' | 'cancelled', error?: IpcError): PullProgress {
    if (state === 'success') {
      this.step = 'done';
      this.detail = 'success';
    }
    const snapshot = this.snapshot(state);
    return error ? { ...snapshot, error } : snapshot;
  }

  private bytes(): { done: number; total: number | undefined } {
    let done = 0;
    let total = 0;
    for (const layer of this.layers.values()) {
      done += Math.min(layer.completed, layer.total || layer.completed);
      total += layer.total;
    }
    return { done, total: this.layers.size > 0 && total > 0 ? total : undefined };
  }

  private sample(): void {
    const at = this.now();
    this.samples.push({ at, done: this.bytes().done });
    while (this.samples.length > 2 && (this.samples[0]?.at ?? at) < at - this.windowMs) this.samples.shift();
  }

  private speed(): number | null {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.at - first.at < 250) return null;
    return Math.max(0, ((last.done - first.done) * 1000) / (last.at - first.at));
  }

  private snapshot(state: PullProgress['state']): PullProgress {
    const { done, total } = this.bytes();
    const finished = state === 'success';
    const percent = finished ? 100 : total ? Math.min(100, (done / total) * 100) : null;
    // Speed and time left only mean something while bytes are moving.
    const speed = state === 'running' && this.step === 'download' ? this.speed() : null;
    const eta = speed && speed > 0 && total !== undefined ? Math.max(0, (total - done) / speed) : null;
    return {
      model: this.model,
      state,
      progress: {
        step: this.step,
        done: finished && total !== undefined ? total : done,
        ...(total === undefined ? {} : { total }),
        detail: this.detail,
      },
      percent,
      bytesPerSecond: speed,
      etaSeconds: eta,
    };
  }
}
