/**
 * The severity of a log line, guessed from the shapes the sandbox's pods print: JSON lines with a
 * level field (OpenClaw, pino, logrus), logfmt `level=warn`, bracketed `[ERROR]`, klog's `E1203`,
 * Squid's `ERROR:`/`WARNING:` messages and its `TCP_DENIED` access-log lines (a blocked request is
 * worth a look, so it counts as a warning).
 */
export const logLevels = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof logLevels)[number];

const names = new Map<string, LogLevel>(
  Object.entries({
    fatal: 'error',
    panic: 'error',
    crit: 'error',
    critical: 'error',
    emerg: 'error',
    emergency: 'error',
    alert: 'error',
    err: 'error',
    error: 'error',
    warn: 'warn',
    warning: 'warn',
    notice: 'info',
    info: 'info',
    information: 'info',
    debug: 'debug',
    trace: 'debug',
    verbose: 'debug',
  } satisfies Record<string, LogLevel>),
);

/** Only the start of a line is looked at: the level is always near the front, and lines can be long. */
const headLength = 240;

const jsonLevelKeys = ['level', 'lvl', 'severity', 'levelname', 'log.level', 'loglevel'] as const;
const logfmtPattern = /(?:^|\s)(?:level|lvl|severity)=("?)([A-Za-z]+)\1(?=\s|$)/;
const bracketPattern =
  /\[(fatal|panic|crit(?:ical)?|err(?:or)?|warn(?:ing)?|notice|info|debug|trace|verbose)\]/i;
const klogPattern = /^([EWIF])\d{4} \d\d:\d\d:\d\d/;
const squidDeniedPattern = /\bTCP_DENIED\b|\b[A-Z_]+_DENIED\/\d{3}\b/;
const upperTokenPattern = /\b(FATAL|PANIC|CRITICAL|ERROR|ERR|WARNING|WARN|NOTICE|INFO|DEBUG|TRACE)\b/;
/**
 * `error: …`, `2026-12-03T10:00:00Z warn …`, `[gateway] info: …`: a lower-case level first, or after
 * a time or bracketed tags only (so "an error occurred" stays unlabelled).
 */
const leadingWordPattern =
  /^(?:[\d:.,TZ+\-/]+\s+|\[[^\]]*\]\s*){0,3}(fatal|panic|error|err|warning|warn|notice|info|debug|trace|verbose)(?::|\s|$)/;

export function detectLevel(text: string): LogLevel | null {
  const head = text.length > headLength ? text.slice(0, headLength) : text;
  if (head.startsWith('{')) {
    const level = jsonLevel(text);
    if (level !== undefined) return level;
  }
  const logfmt = logfmtPattern.exec(head);
  if (logfmt?.[2]) {
    const level = names.get(logfmt[2].toLowerCase());
    if (level) return level;
  }
  const bracket = bracketPattern.exec(head);
  if (bracket?.[1]) return names.get(bracket[1].toLowerCase()) ?? null;
  const klog = klogPattern.exec(head);
  if (klog) return klog[1] === 'W' ? 'warn' : klog[1] === 'I' ? 'info' : 'error';
  if (squidDeniedPattern.test(head)) return 'warn';
  const upper = upperTokenPattern.exec(head);
  if (upper?.[1]) return names.get(upper[1].toLowerCase()) ?? null;
  const leading = leadingWordPattern.exec(head);
  if (leading?.[1]) return names.get(leading[1]) ?? null;
  return null;
}

/** The level of a JSON line, null when it has none we know, undefined when it is not JSON. */
function jsonLevel(text: string): LogLevel | null | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  for (const key of jsonLevelKeys) {
    const field = key === 'log.level' ? nested(record, 'log', 'level') : record[key];
    if (typeof field === 'string') {
      const level = names.get(field.toLowerCase());
      if (level) return level;
    }
    // pino's numbers: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal.
    if (typeof field === 'number') {
      if (field >= 50) return 'error';
      if (field >= 40) return 'warn';
      if (field >= 30) return 'info';
      return 'debug';
    }
  }
  return null;
}

function nested(record: Record<string, unknown>, outer: string, inner: string): unknown {
  const value = record[outer];
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[inner] : undefined;
}
