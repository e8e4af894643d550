import type { LogLine } from '../../../../common/logs';
import { hasControls, stripAnsi } from './ansi';
import { detectLevel, type LogLevel } from './log-level';

/** The default number of lines kept; older ones are dropped (and counted) so memory stays bounded. */
export const defaultLineCap = 100_000;

/** One line as the view keeps it: the text as received, and what is shown, searched and copied. */
export interface LogEntry {
  /** The stream's sequence number. */
  readonly seq: number;
  /** As received: may hold ANSI escapes. */
  readonly raw: string;
  /** Without escapes and control characters (the same string as `raw` when there are none). */
  readonly plain: string;
  /** The kubelet's RFC 3339 time, when the stream carries times. */
  readonly time: string | null;
  /** Whether `raw` has escapes to style (so rows without any skip the ANSI parser). */
  readonly styled: boolean;
  /** The guessed level, filled in when the row is first shown (undefined until then). */
  level: LogLevel | null | undefined;
}

export function toEntry(line: LogLine): LogEntry {
  const styled = hasControls(line.text);
  const plain = styled ? stripAnsi(line.text) : line.text;
  return { seq: line.seq, raw: line.text, plain, time: line.time, styled, level: undefined };
}

/** The line's level, guessed once: only for rows that are shown, not for every line received. */
export function entryLevel(entry: LogEntry): LogLevel | null {
  entry.level ??= detectLevel(entry.plain);
  return entry.level;
}

/**
 * Lines in a fixed-size view: every line has an ordinal (its position since the store was made, or
 * cleared), so positions held elsewhere — the selection, search matches, row heights — stay valid
 * while old lines drop off the front.
 */
export interface LineSource {
  /** The ordinal of the oldest line held. */
  readonly firstOrdinal: number;
  /** One past the newest line's ordinal. */
  readonly endOrdinal: number;
  /** The longest plain text seen (the width of the unwrapped view). */
  readonly longestLine: number;
  get(ordinal: number): LogEntry | undefined;
}

/** A ring buffer of log lines, bounded by `cap`. */
export class LineStore implements LineSource {
  readonly cap: number;
  private slots: (LogEntry | undefined)[];
  private end = 0;
  private size = 0;
  private droppedCount = 0;
  private longest = 0;

  constructor(cap = defaultLineCap) {
    if (!Number.isInteger(cap) || cap < 1)
      throw new RangeError(`The line cap must be a positive integer, got ${cap}`);
    this.cap = cap;
    this.slots = new Array<LogEntry | undefined>(cap);
  }

  get firstOrdinal(): number {
    return this.end - this.size;
  }

  get endOrdinal(): number {
    return this.end;
  }

  get length(): number {
    return this.size;
  }

  /** Lines dropped off the front to stay within the cap. */
  get dropped(): number {
    return this.droppedCount;
  }

  get longestLine(): number {
    return this.longest;
  }

  append(lines: readonly LogLine[]): void {
    // A batch larger than the cap replaces everything held, and only its tail is kept.
    const skip = Math.max(0, lines.length - this.cap);
    if (skip > 0) {
      this.droppedCount += this.size + skip;
      this.end += skip;
      this.size = 0;
    }
    for (let index = skip; index < lines.length; index++) {
      const line = lines[index];
      if (line) this.push(toEntry(line));
    }
  }

  get(ordinal: number): LogEntry | undefined {
    if (ordinal < this.firstOrdinal || ordinal >= this.end) return undefined;
    return this.slots[ordinal % this.cap];
  }

  /** A frozen copy of what is held now (a paused view); the store goes on receiving. */
  snapshot(): FrozenLines {
    const entries: LogEntry[] = [];
    for (let ordinal = this.firstOrdinal; ordinal < this.end; ordinal++) {
      const entry = this.slots[ordinal % this.cap];
      if (entry) entries.push(entry);
    }
    return new FrozenLines(this.firstOrdinal, entries, this.longest);
  }

  /** Empties the store; ordinals go on counting, so positions held elsewhere never point at new lines. */
  clear(): void {
    this.slots = new Array<LogEntry | undefined>(this.cap);
    this.size = 0;
    this.longest = 0;
  }

  private push(entry: LogEntry): void {
    if (this.size === this.cap) this.droppedCount++;
    else this.size++;
    this.slots[this.end % this.cap] = entry;
    this.end++;
    if (entry.plain.length > this.longest) this.longest = entry.plain.length;
  }
}

export class FrozenLines implements LineSource {
  readonly endOrdinal: number;

  constructor(
    readonly firstOrdinal: number,
    private readonly entries: readonly LogEntry[],
    readonly longestLine: number,
  ) {
    this.endOrdinal = firstOrdinal + entries.length;
  }

  get(ordinal: number): LogEntry | undefined {
    return this.entries[ordinal - this.firstOrdinal];
  }
}
