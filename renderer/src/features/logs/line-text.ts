import type { LineSource, LogEntry } from './line-store';

/**
 * Lines as text for the clipboard and for files: what the view shows, without escapes, with the
 * kubelet's exact time in front when times are shown.
 */
export function lineText(entry: LogEntry, withTime: boolean): string {
  return withTime && entry.time ? `${entry.time} ${entry.plain}` : entry.plain;
}

/** Lines [first, end) of a source, one per line, in pieces (a whole buffer is tens of megabytes). */
export function linesAsText(
  source: LineSource,
  first: number,
  end: number,
  withTime: boolean,
  piece = 10_000,
): string[] {
  const parts: string[] = [];
  let chunk: string[] = [];
  for (
    let ordinal = Math.max(first, source.firstOrdinal);
    ordinal < Math.min(end, source.endOrdinal);
    ordinal++
  ) {
    const entry = source.get(ordinal);
    if (!entry) continue;
    chunk.push(lineText(entry, withTime));
    if (chunk.length === piece) {
      parts.push(`${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  if (chunk.length > 0) parts.push(`${chunk.join('\n')}\n`);
  return parts;
}

const twoDigits = (value: number): string => String(value).padStart(2, '0');

/**
 * The time a row shows: local wall-clock time to the millisecond (the date and the full precision
 * are in the row's title and in copies). Null when the kubelet's time cannot be read.
 */
export function shortTime(time: string): string | null {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!match) return null;
  const [, base = '', fraction = '', zone = ''] = match;
  const date = new Date(`${base}${zone}`);
  if (Number.isNaN(date.getTime())) return null;
  const millis = fraction.padEnd(3, '0').slice(0, 3);
  return `${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}:${twoDigits(date.getSeconds())}.${millis}`;
}
