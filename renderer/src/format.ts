/** Locale-aware formatting helpers: units and the user's language, never hand-built strings. */

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** "3 minutes ago" / "il y a 3 minutes", from an ISO time. */
export function formatRelativeTime(iso: string, now: Date, language: string): string {
  const elapsed = new Date(iso).getTime() - now.getTime();
  const format = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (Math.abs(elapsed) >= size || unit === 'second')
      return format.format(Math.round(elapsed / size), unit);
  }
  return format.format(0, 'second');
}

/**
 * "3 minutes ago" for something that already happened: a time a little ahead of this window's
 * clock (the services stamped it after the last tick) reads "now", never "in 10 seconds".
 */
export function formatPast(iso: string, now: Date, language: string): string {
  const at = new Date(iso);
  return formatRelativeTime(iso, at > now ? at : now, language);
}

export function formatDateTime(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function formatNumber(value: number, language: string, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(language, options).format(value);
}

/** Elapsed time as a clock reads it: "0:07", "12:30", "1:02:03". */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

const durationUnits: [string, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** How long something has run, in up to its two largest units: "3 hr 12 min", "2 j 4 h", "5 min". */
export function formatDuration(ms: number, language: string): string {
  const total = Math.max(0, Math.floor(ms / 1000) * 1000);
  const unitFormat = (unit: string, count: number): string =>
    new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'short' }).format(count);
  const largest = durationUnits.findIndex(([, size]) => total >= size);
  const found = durationUnits[largest];
  if (!found) return unitFormat('second', 0);
  const [unit, size] = found;
  const parts = [unitFormat(unit, Math.floor(total / size))];
  const next = durationUnits[largest + 1];
  const rest = next ? Math.floor((total % size) / next[1]) : 0;
  // "5 min", not "5 min 0 sec".
  if (next && rest > 0) parts.push(unitFormat(next[0], rest));
  return new Intl.ListFormat(language, { type: 'unit', style: 'narrow' }).format(parts);
}
