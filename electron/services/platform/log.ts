import { appendFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { redactor as defaultRedactor, type Redactor } from './redact';

export const logLevels = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof logLevels)[number];

export interface LogRecord {
  time: Date;
  level: LogLevel;
  scope: string;
  message: string;
  fields?: Record<string, unknown>;
}

export interface LogSink {
  write(line: string, record: LogRecord): void;
  flush(): Promise<void>;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
  flush(): Promise<void>;
}

export interface LoggerOptions {
  sinks: LogSink[];
  level?: LogLevel;
  scope?: string;
  redactor?: Redactor;
}

/** Every line is redacted before any sink sees it: a sink can never leak a secret. */
export function createLogger({
  sinks,
  level = 'info',
  scope = 'clawbar',
  redactor = defaultRedactor,
}: LoggerOptions): Logger {
  const threshold = logLevels.indexOf(level);
  const emit = (
    recordScope: string,
    recordLevel: LogLevel,
    message: string,
    fields?: Record<string, unknown>,
  ): void => {
    if (logLevels.indexOf(recordLevel) < threshold) return;
    const record: LogRecord = {
      time: new Date(),
      level: recordLevel,
      scope: recordScope,
      message: redactor.text(message),
      ...(fields ? { fields: redactor.value(fields) } : {}),
    };
    const line = formatLogLine(record);
    for (const sink of sinks) sink.write(line, record);
  };
  const make = (recordScope: string): Logger => ({
    debug: (message, fields) => emit(recordScope, 'debug', message, fields),
    info: (message, fields) => emit(recordScope, 'info', message, fields),
    warn: (message, fields) => emit(recordScope, 'warn', message, fields),
    error: (message, fields) => emit(recordScope, 'error', message, fields),
    child: childScope => make(`${recordScope}.${childScope}`),
    flush: async () => {
      await Promise.all(sinks.map(sink => sink.flush()));
    },
  });
  return make(scope);
}

export function formatLogLine(record: LogRecord): string {
  const fields = record.fields && Object.keys(record.fields).length > 0 ? ` ${safeJson(record.fields)}` : '';
  return `${record.time.toISOString()} ${record.level.toUpperCase().padEnd(5)} [${record.scope}] ${record.message}${fields}\n`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '"[unserialisable]"';
  }
}

export interface RotatingFileSinkOptions {
  dir: string;
  fileName?: string;
  /** Rotate when the current file would grow past this many bytes. */
  maxBytes?: number;
  /** How many rotated files to keep (clawbar.1.log … clawbar.N.log). */
  keep?: number;
  onError?: (error: unknown) => void;
}

/**
 * Appends lines to `dir/clawbar.log`, rotating to clawbar.1.log … clawbar.N.log. Writes are queued
 * and batched so a burst of log lines costs one append, and logging never blocks the caller.
 */
export class RotatingFileSink implements LogSink {
  private readonly file: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private pending: string[] = [];
  private size: number | undefined;
  private chain: Promise<void> = Promise.resolve();
  private scheduled = false;
  private closed = false;

  constructor(private readonly options: RotatingFileSinkOptions) {
    this.file = join(options.dir, options.fileName ?? 'clawbar.log');
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
    this.keep = options.keep ?? 3;
  }

  get path(): string {
    return this.file;
  }

  write(line: string): void {
    if (this.closed) return;
    this.pending.push(line);
    if (this.scheduled) return;
    this.scheduled = true;
    this.chain = this.chain.then(() => this.drain());
  }

  flush(): Promise<void> {
    return this.chain;
  }

  /** Writes what is queued, then nothing more: the uninstall removes the log folder after this. */
  close(): Promise<void> {
    this.closed = true;
    return this.chain;
  }

  private async drain(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending.join('');
    this.pending = [];
    if (batch === '') return;
    try {
      await mkdir(this.options.dir, { recursive: true });
      this.size ??= await stat(this.file).then(
        s => s.size,
        () => 0,
      );
      const bytes = Buffer.byteLength(batch);
      if (this.size > 0 && this.size + bytes > this.maxBytes) await this.rotate();
      await appendFile(this.file, batch, { mode: 0o600 });
      this.size += bytes;
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  private async rotate(): Promise<void> {
    const base = this.file.replace(/\.log$/, '');
    await rm(`${base}.${this.keep}.log`, { force: true });
    for (let index = this.keep - 1; index >= 1; index--) {
      await rename(`${base}.${index}.log`, `${base}.${index + 1}.log`).catch(() => undefined);
    }
    await rename(this.file, `${base}.1.log`);
    this.size = 0;
  }
}

/** Writes to a stream (stderr for the CLI and devhost) — already redacted like every sink. */
export function streamSink(stream: NodeJS.WritableStream): LogSink {
  return {
    write: line => {
      stream.write(line);
    },
    flush: () => Promise.resolve(),
  };
}

/** Keeps lines in memory: for tests that assert what was (and was not) logged. */
export class MemorySink implements LogSink {
  readonly lines: string[] = [];
  readonly records: LogRecord[] = [];

  write(line: string, record: LogRecord): void {
    this.lines.push(line);
    this.records.push(record);
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  get text(): string {
    return this.lines.join('');
  }
}
