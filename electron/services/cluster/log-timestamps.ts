/**
 * The kubelet prefixes each line with an RFC3339Nano time when asked (`timestamps=true`). Go trims
 * trailing zeros from the fraction, so these strings do not sort as text: compare them as
 * (seconds, nanoseconds) instead. Reconnecting streams use this to skip what they already sent.
 */
export interface LogTime {
  seconds: number;
  nanos: number;
  text: string;
}

const timePattern = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

export function parseLogTime(text: string): LogTime | null {
  const match = timePattern.exec(text);
  if (!match) return null;
  const [, base, fraction = '', zone] = match;
  const millis = Date.parse(`${base}${zone}`);
  if (Number.isNaN(millis)) return null;
  return { seconds: Math.floor(millis / 1000), nanos: Number(fraction.padEnd(9, '0')), text };
}

export function compareLogTimes(a: LogTime, b: LogTime): number {
  return a.seconds - b.seconds || a.nanos - b.nanos;
}

/** Splits `<time> <text>`; a line without a valid time (the kubelet's own notes) keeps it all as text. */
export function splitTimestamp(line: string): { time: LogTime | null; text: string } {
  const space = line.indexOf(' ');
  const time = space > 0 ? parseLogTime(line.slice(0, space)) : null;
  return time ? { time, text: line.slice(space + 1) } : { time: null, text: line };
}

/** `sinceTime` takes whole seconds (RFC3339): the second the last line was written in. */
export function sinceTimeFor(time: LogTime): string {
  return new Date(time.seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
