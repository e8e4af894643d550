import type { LineSource } from './line-store';

/**
 * Where each line sits in the scrolled list. Unwrapped rows all have one height. Wrapped rows are
 * estimated from their length in a monospace font (exact for most log lines) and corrected from
 * the heights measured once they are shown; positions are running totals kept per ordinal, so new
 * lines and lines dropped off the front cost nothing but the new lines themselves.
 */
export interface RowLayout {
  /** Total height of the lines in `source`. */
  readonly height: number;
  /** Top of a line, from the top of the first one. */
  top(ordinal: number): number;
  rowHeight(ordinal: number): number;
  /** The line at vertical position `y` (clamped to the lines held). */
  ordinalAt(y: number): number;
}

export class FixedLayout implements RowLayout {
  constructor(
    private readonly source: LineSource,
    private readonly rowPx: number,
  ) {}

  get height(): number {
    return (this.source.endOrdinal - this.source.firstOrdinal) * this.rowPx;
  }

  top(ordinal: number): number {
    return (ordinal - this.source.firstOrdinal) * this.rowPx;
  }

  rowHeight(): number {
    return this.rowPx;
  }

  ordinalAt(y: number): number {
    const { firstOrdinal, endOrdinal } = this.source;
    const ordinal = firstOrdinal + Math.floor(Math.max(0, y) / this.rowPx);
    return Math.max(firstOrdinal, Math.min(endOrdinal - 1, ordinal));
  }
}

/** Visual rows of a line in a monospace column `columns` wide (tabs to the next stop of 8, wide glyphs 2). */
export function estimateRows(text: string, columns: number): number {
  if (columns < 1) return 1;
  if (text.length <= columns && !text.includes('\t') && !wideOrAstral.test(text)) return 1;
  let width = 0;
  for (const char of text) {
    if (char === '\t') width += 8 - (width % 8);
    else width += isWide(char) ? 2 : 1;
  }
  return Math.max(1, Math.ceil(width / columns));
}

const wideOrAstral =
  /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\ud800-\udbff]/;

function isWide(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

export class WrapLayout implements RowLayout {
  private source: LineSource | null = null;
  private columns = 0;
  /** The top of each ordinal in [first, synced], in a ring one longer than the cap. */
  private tops: Float64Array;
  private synced = 0;
  /** Rows measured on screen that differ from the estimate. */
  private readonly measured = new Map<number, number>();

  constructor(
    private readonly capacity: number,
    private readonly rowPx: number,
  ) {
    this.tops = new Float64Array(capacity + 1);
  }

  /** Brings the positions up to date with `source` at this width; cheap when only lines were added. */
  sync(source: LineSource, columns: number): void {
    if (source !== this.source || columns !== this.columns || source.firstOrdinal > this.synced) {
      this.source = source;
      this.columns = columns;
      this.measured.clear();
      this.synced = source.firstOrdinal;
      this.setTop(this.synced, 0);
    }
    for (let ordinal = this.synced; ordinal < source.endOrdinal; ordinal++) {
      this.setTop(ordinal + 1, this.getTop(ordinal) + this.rowsOf(ordinal) * this.rowPx);
    }
    this.synced = Math.max(this.synced, source.endOrdinal);
  }

  /**
   * Records heights measured on screen; returns true when any differed from what was assumed (the
   * positions after them moved).
   */
  correct(heights: ReadonlyMap<number, number>): boolean {
    const source = this.source;
    if (!source) return false;
    let from = Number.POSITIVE_INFINITY;
    const deltas = new Map<number, number>();
    for (const [ordinal, px] of heights) {
      if (ordinal < source.firstOrdinal || ordinal >= this.synced) continue;
      const rows = Math.max(1, Math.round(px / this.rowPx));
      const delta = (rows - this.rowsOf(ordinal)) * this.rowPx;
      if (delta === 0) continue;
      this.measured.set(ordinal, rows);
      deltas.set(ordinal, delta);
      from = Math.min(from, ordinal);
    }
    if (deltas.size === 0) return false;
    let shift = 0;
    for (let ordinal = from; ordinal < this.synced; ordinal++) {
      shift += deltas.get(ordinal) ?? 0;
      this.setTop(ordinal + 1, this.getTop(ordinal + 1) + shift);
    }
    if (this.measured.size > 4 * this.capacity) this.measured.clear();
    return true;
  }

  get height(): number {
    const source = this.source;
    return source ? this.getTop(this.synced) - this.getTop(source.firstOrdinal) : 0;
  }

  top(ordinal: number): number {
    const first = this.source?.firstOrdinal ?? 0;
    return this.getTop(ordinal) - this.getTop(first);
  }

  rowHeight(ordinal: number): number {
    return this.getTop(ordinal + 1) - this.getTop(ordinal);
  }

  ordinalAt(y: number): number {
    const source = this.source;
    if (!source || this.synced <= source.firstOrdinal) return source?.firstOrdinal ?? 0;
    const target = this.getTop(source.firstOrdinal) + Math.max(0, y);
    let low = source.firstOrdinal;
    let high = this.synced - 1;
    while (low < high) {
      const middle = Math.floor((low + high + 1) / 2);
      if (this.getTop(middle) <= target) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  private rowsOf(ordinal: number): number {
    const known = this.measured.get(ordinal);
    if (known !== undefined) return known;
    const entry = this.source?.get(ordinal);
    return entry ? estimateRows(entry.plain, this.columns) : 1;
  }

  private getTop(ordinal: number): number {
    return this.tops[ordinal % (this.capacity + 1)] ?? 0;
  }

  private setTop(ordinal: number, value: number): void {
    this.tops[ordinal % (this.capacity + 1)] = value;
  }
}

/**
 * Browsers cap how tall an element can be (about 33 million pixels in Chromium), so very tall
 * content is scrolled through a shorter spacer: the scroll position maps linearly onto the content.
 */
export const maxSpacerPx = 8_000_000;

export interface Viewport {
  /** The spacer's height (what the scrollbar sees). */
  spacer: number;
  /** The content position at the top of the viewport for a scroll position. */
  contentY(scrollTop: number): number;
  /** The scroll position that puts content position `y` at the top of the viewport. */
  scrollTopFor(y: number): number;
}

export function viewport(contentHeight: number, viewportHeight: number): Viewport {
  const spacer = Math.min(contentHeight, maxSpacerPx);
  const scrollRange = Math.max(0, spacer - viewportHeight);
  const contentRange = Math.max(0, contentHeight - viewportHeight);
  const ratio = scrollRange > 0 ? contentRange / scrollRange : 1;
  return {
    spacer,
    contentY: scrollTop => Math.min(contentRange, Math.max(0, scrollTop) * ratio),
    scrollTopFor: y => Math.min(scrollRange, Math.max(0, y) / ratio),
  };
}
