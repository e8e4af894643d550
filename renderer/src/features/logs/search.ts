import type { LineSource } from './line-store';

export interface SearchOptions {
  regex: boolean;
  caseSensitive: boolean;
}

export type CompiledSearch = { ok: true; pattern: RegExp } | { ok: false; error: string };

/** Null for an empty query (no search); an invalid regex gives its message, to show inline. */
export function compileSearch(query: string, options: SearchOptions): CompiledSearch | null {
  if (query === '') return null;
  const source = options.regex ? query : query.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  try {
    return { ok: true, pattern: new RegExp(source, options.caseSensitive ? 'g' : 'gi') };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** [start, end) of each non-empty match (an empty match highlights nothing, so it does not count). */
export function findMatches(
  text: string,
  pattern: RegExp,
  limit = Number.POSITIVE_INFINITY,
): [number, number][] {
  const found: [number, number][] = [];
  pattern.lastIndex = 0;
  while (found.length < limit) {
    const match = pattern.exec(text);
    if (!match) break;
    const end = match.index + match[0].length;
    if (match[0] === '') pattern.lastIndex = match.index + 1;
    else found.push([match.index, end]);
    if (pattern.lastIndex > text.length) break;
  }
  return found;
}

export function countMatches(text: string, pattern: RegExp): number {
  let count = 0;
  pattern.lastIndex = 0;
  for (;;) {
    const match = pattern.exec(text);
    if (!match) return count;
    if (match[0] === '') pattern.lastIndex = match.index + 1;
    else count++;
    if (pattern.lastIndex > text.length) return count;
  }
}

/** One occurrence: the line and which match within it. */
export interface MatchPosition {
  ordinal: number;
  occurrence: number;
}

/**
 * The matches of one query over a growing, front-trimmed run of lines, found a slice at a time
 * (so 100,000 lines never block a frame): the lines that match, in order, with a running count of
 * occurrences, which answers "how many in this range" and "the k-th one" by binary search.
 */
export class SearchIndex {
  /** Ordinals of matching lines, ascending, from `head` on. */
  private ordinals: number[] = [];
  /** Occurrences before each matching line (a running total that is never rebased). */
  private before: number[] = [];
  private total = 0;
  private head = 0;
  private cursor: number;

  constructor(
    readonly pattern: RegExp,
    startOrdinal: number,
  ) {
    this.cursor = startOrdinal;
  }

  /** The next ordinal to scan. */
  get scanned(): number {
    return this.cursor;
  }

  /**
   * Scans lines from where it stopped up to the end of `lines`, until `deadline` (in `now()` time).
   * Returns true when it has caught up.
   */
  advance(lines: LineSource, deadline: number, now: () => number): boolean {
    if (this.cursor < lines.firstOrdinal) this.cursor = lines.firstOrdinal;
    const end = lines.endOrdinal;
    while (this.cursor < end) {
      const stop = Math.min(end, this.cursor + 512);
      for (; this.cursor < stop; this.cursor++) {
        const entry = lines.get(this.cursor);
        if (!entry) continue;
        const count = countMatches(entry.plain, this.pattern);
        if (count > 0) {
          this.ordinals.push(this.cursor);
          this.before.push(this.total);
          this.total += count;
        }
      }
      if (now() >= deadline) break;
    }
    return this.cursor >= end;
  }

  /** Forgets matches before `firstOrdinal` (their lines are gone). */
  trim(firstOrdinal: number): void {
    while (this.head < this.ordinals.length && (this.ordinals[this.head] ?? 0) < firstOrdinal) this.head++;
    if (this.head > 4096 && this.head * 2 > this.ordinals.length) {
      this.ordinals = this.ordinals.slice(this.head);
      this.before = this.before.slice(this.head);
      this.head = 0;
    }
  }

  /** Occurrences in lines [first, end). */
  countIn(first: number, end: number): number {
    return this.totalBefore(this.lowerBound(end)) - this.totalBefore(this.lowerBound(first));
  }

  /** The k-th occurrence (0-based) among lines [first, end), or null past the last. */
  at(first: number, end: number, k: number): MatchPosition | null {
    const base = this.totalBefore(this.lowerBound(first));
    const target = base + k;
    if (k < 0 || target >= this.totalBefore(this.lowerBound(end))) return null;
    // The last matching line whose running total is at or below the target.
    let low = this.head;
    let high = this.ordinals.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.before[middle] ?? 0) <= target) low = middle;
      else high = middle - 1;
    }
    return { ordinal: this.ordinals[low] ?? 0, occurrence: target - (this.before[low] ?? 0) };
  }

  /** The position's index among the occurrences in lines [first, end), or -1 when it is not one. */
  indexOf(first: number, end: number, position: MatchPosition): number {
    const index = this.lowerBound(position.ordinal);
    if (this.ordinals[index] !== position.ordinal || position.ordinal < first || position.ordinal >= end)
      return -1;
    const inLine = this.totalBefore(index + 1) - this.totalBefore(index);
    if (position.occurrence < 0 || position.occurrence >= inLine) return -1;
    return this.totalBefore(index) + position.occurrence - this.totalBefore(this.lowerBound(first));
  }

  /** How many occurrences lie in lines before `ordinal` within [first, …). */
  countBefore(first: number, ordinal: number): number {
    return this.countIn(first, Math.max(first, ordinal));
  }

  /** The first index (from head) whose ordinal is at or after `ordinal`. */
  private lowerBound(ordinal: number): number {
    let low = this.head;
    let high = this.ordinals.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.ordinals[middle] ?? 0) < ordinal) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private totalBefore(index: number): number {
    return index < this.ordinals.length ? (this.before[index] ?? 0) : this.total;
  }
}
