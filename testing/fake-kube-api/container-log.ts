/**
 * One container instance's log as the kubelet keeps it: lines with nanosecond times (monotonic,
 * so every line has its own time), bounded in bytes like the kubelet's log rotation (the oldest
 * lines go first), followers notified of new lines in batches, and an end when the container
 * instance terminates. Times print as RFC 3339 with nanoseconds, trailing zeros trimmed (Go's
 * RFC3339Nano), which is how `timestamps=true` prefixes lines.
 */
export interface LogLine {
  /** Whole seconds since the epoch. */
  seconds: number;
  nanos: number;
  text: string;
}

let lastSeconds = 0;
let lastNanos = 0;
const startNs = process.hrtime.bigint();
const startMs = Date.now();

/** A clock with nanosecond resolution that never repeats a value. */
export function logClock(): { seconds: number; nanos: number } {
  const elapsed = process.hrtime.bigint() - startNs;
  const totalNs = BigInt(startMs) * 1_000_000n + elapsed;
  let seconds = Number(totalNs / 1_000_000_000n);
  let nanos = Number(totalNs % 1_000_000_000n);
  if (seconds < lastSeconds || (seconds === lastSeconds && nanos <= lastNanos)) {
    seconds = lastSeconds;
    nanos = lastNanos + 1;
    if (nanos >= 1_000_000_000) {
      seconds++;
      nanos = 0;
    }
  }
  lastSeconds = seconds;
  lastNanos = nanos;
  return { seconds, nanos };
}

let cachedSecond = -1;
let cachedPrefix = '';

export function formatLogTime(seconds: number, nanos: number): string {
  if (seconds !== cachedSecond) {
    cachedSecond = seconds;
    cachedPrefix = new Date(seconds * 1000).toISOString().slice(0, 19);
  }
  if (nanos === 0) return `${cachedPrefix}Z`;
  const fraction = String(nanos).padStart(9, '0').replace(/0+$/, '');
  return `${cachedPrefix}.${fraction}Z`;
}

/**
 * Lines are numbered from 0 for the life of the log; followers read from a cursor (as the
 * kubelet reads a log file), so a slow reader lags instead of making the server buffer, and
 * lines rotated away before a reader got to them are skipped, as with a rotated file.
 */
export class ContainerLog {
  private lines: LogLine[] = [];
  /** Sequence number of lines[0]. */
  private base = 0;
  /** Index in `lines` of the oldest retained line. */
  private head = 0;
  private bytes = 0;
  private readonly followers = new Set<() => void>();
  private readonly endListeners = new Set<() => void>();
  private notifyScheduled = false;
  private finished = false;

  constructor(private readonly maxBytes = 10 * 1024 * 1024) {}

  get ended(): boolean {
    return this.finished;
  }

  /** Sequence number of the oldest retained line. */
  get first(): number {
    return this.base + this.head;
  }

  /** Sequence number the next line will get. */
  get end(): number {
    return this.base + this.lines.length;
  }

  /** Up to `max` lines from sequence number `from` (clamped to what is retained). */
  read(from: number, max = Infinity): LogLine[] {
    const start = Math.max(from, this.first) - this.base;
    return this.lines.slice(start, Math.min(this.lines.length, start + max));
  }

  write(text: string): void {
    this.writeMany([text]);
  }

  /** Appends lines (each its own time); a line containing newlines becomes several. */
  writeMany(texts: readonly string[]): void {
    if (this.finished) return;
    for (const text of texts) {
      for (const part of text.split('\n')) this.push(part);
    }
    this.trim();
    this.scheduleNotify();
  }

  /** Appends many lines written at one instant (a flood), with consecutive nanosecond times. */
  writeBatch(count: number, make: (index: number) => string): void {
    if (this.finished || count <= 0) return;
    for (let index = 0; index < count; index++) this.push(make(index));
    this.trim();
    this.scheduleNotify();
  }

  /** `onAppend` runs (batched) after lines are added; `onEnd` once the instance terminated. */
  follow(onAppend: () => void, onEnd: () => void): () => void {
    this.followers.add(onAppend);
    this.endListeners.add(onEnd);
    return () => {
      this.followers.delete(onAppend);
      this.endListeners.delete(onEnd);
    };
  }

  /** The container instance terminated: followers get what is left, then the end. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.notify();
    for (const listener of [...this.endListeners]) listener();
    this.followers.clear();
    this.endListeners.clear();
  }

  private push(text: string): void {
    const { seconds, nanos } = logClock();
    this.lines.push({ seconds, nanos, text });
    this.bytes += text.length + 36;
  }

  private scheduleNotify(): void {
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    setImmediate(() => this.notify());
  }

  private notify(): void {
    this.notifyScheduled = false;
    for (const follower of [...this.followers]) follower();
  }

  private trim(): void {
    while (this.bytes > this.maxBytes && this.head < this.lines.length) {
      const dropped = this.lines[this.head++];
      this.bytes -= (dropped?.text.length ?? 0) + 36;
    }
    if (this.head > 4096 && this.head > this.lines.length / 2) {
      this.lines = this.lines.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
  }
}
