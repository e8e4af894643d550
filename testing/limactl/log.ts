/**
 * logrus as limactl uses it: every line on stderr, `--log-format json` gives one JSON object per
 * line (`{"level","msg","time"}` plus fields, keys sorted like Go's encoding/json), otherwise the
 * non-TTY text format `time="…" level=info msg="…"`. A fatal line exits 1, as logrus.Fatal does.
 */
export type LogFormat = 'text' | 'json';
export type Level = 'debug' | 'info' | 'warning' | 'error' | 'fatal';

export interface StandInLogger {
  format: LogFormat;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** Logs at fatal level and exits 1. */
  fatal(msg: string): never;
  /** Re-emits a line logged by another process (the host agent), keeping its level and time. */
  propagate(record: Record<string, unknown>, prefix: string): void;
  /** A raw line, as Lima prints the instance message (not a log record). */
  raw(line: string): void;
}

export function rfc3339(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function formatRecord(format: LogFormat, record: Record<string, unknown>): string {
  if (format === 'json') {
    const sorted = Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
    return `${JSON.stringify(sorted)}\n`;
  }
  const { time, level, msg, ...fields } = record;
  const parts = [`time=${quote(String(time))}`, `level=${String(level)}`, `msg=${quote(String(msg))}`];
  for (const [key, value] of Object.entries(fields).sort(([a], [b]) => a.localeCompare(b))) {
    parts.push(`${key}=${quote(typeof value === 'string' ? value : JSON.stringify(value))}`);
  }
  return `${parts.join(' ')}\n`;
}

function quote(value: string): string {
  return /^[\w./@^+-]+$/.test(value) ? value : JSON.stringify(value);
}

export function createLogger(
  format: LogFormat,
  write: (text: string) => void = text => process.stderr.write(text),
  debugEnabled = false,
): StandInLogger {
  const emit = (level: Level, msg: string, fields: Record<string, unknown> = {}): void => {
    if (level === 'debug' && !debugEnabled) return;
    write(formatRecord(format, { ...fields, level, msg, time: rfc3339() }));
  };
  return {
    format,
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warning', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    fatal: (msg: string): never => {
      emit('fatal', msg);
      process.exit(1);
    },
    propagate: (record, prefix) => {
      const { msg, ...rest } = record;
      write(formatRecord(format, { ...rest, msg: `${prefix}${String(msg)}` }));
    },
    raw: line => write(`${line}\n`),
  };
}
