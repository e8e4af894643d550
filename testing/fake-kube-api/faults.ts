import { readFileSync, statSync } from 'node:fs';

import { ApiError } from './api-error';

/**
 * Misbehaviour on demand, from tests (a typed API) or from a JSON file the demo edits (read again
 * whenever it changes): requests answered with 5xx/429 (once, N times, or for a path pattern),
 * added latency, watch connections and log streams dropped (now, or after N more events or
 * lines, optionally for streams opened later too), and refused connections (the listener closed
 * and reopened).
 */
export type PathPattern = string | RegExp;

export interface FailRule {
  /** 500, 502, 503, 504 or 429. */
  status: number;
  /** How many matching requests fail (default 1); Infinity for "until cleared". */
  times?: number;
  /** A regular expression (or its source) the request path must match. */
  path?: PathPattern;
  method?: string;
  message?: string;
}

export interface LatencyRule {
  ms: number;
  path?: PathPattern;
  method?: string;
}

export type DropStyle = 'reset' | 'end';

export interface DropOptions {
  /** Drop each stream after this many more events (watch) or lines (logs); 0 or absent = now. */
  after?: number;
  /** Also drop streams opened from now on (each once, after `after`), until cleared. */
  includeFuture?: boolean;
  /** 'reset' destroys the socket (a network failure); 'end' finishes the response cleanly. */
  how?: DropStyle;
  /** Only streams whose path matches. */
  path?: PathPattern;
}

export interface FaultStream {
  path: string;
  /** Ends the stream the way asked. */
  drop(how: DropStyle): void;
}

interface ArmedStream {
  stream: FaultStream;
  remaining: number;
  how: DropStyle;
}

interface FutureDrop {
  after: number;
  how: DropStyle;
  path?: RegExp;
}

/** What a faults file may contain (JSON; path patterns are regular expression sources). */
export interface FaultsFile {
  failRequests?: (Omit<FailRule, 'path' | 'times'> & { path?: string; times?: number | 'always' })[];
  latency?: { ms: number; path?: string; method?: string }[];
  latencyMs?: number;
  dropWatches?: DropOptions & { path?: string };
  dropLogStreams?: DropOptions & { path?: string };
  refuseConnections?: { forMs?: number };
}

export interface ListenerControl {
  close(): Promise<void>;
  reopen(): Promise<void>;
}

function pattern(value: PathPattern | undefined): RegExp | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? new RegExp(value) : value;
}

const reasons: Record<number, string> = {
  429: 'TooManyRequests',
  500: 'InternalError',
  502: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

function injectedError(rule: FailRule): ApiError {
  const reason = reasons[rule.status] ?? 'InternalError';
  const message =
    rule.message ??
    (rule.status === 429
      ? 'storage is (re)initializing'
      : rule.status === 503
        ? 'the server is currently unable to handle the request'
        : rule.status === 504
          ? 'the server was unable to return a response in the time allotted, but may still be processing the request'
          : 'Internal error occurred: etcdserver: request timed out');
  return new ApiError(rule.status, reason, message, {
    ...(rule.status === 429 || rule.status === 503 ? { retryAfterSeconds: 1 } : {}),
    ...(rule.status === 500 ? { causes: [{ message: 'etcdserver: request timed out' }] } : {}),
  });
}

class StreamFaults {
  private readonly open = new Set<FaultStream>();
  private readonly armed = new Map<FaultStream, ArmedStream>();
  private future: FutureDrop | undefined;

  register(stream: FaultStream): () => void {
    this.open.add(stream);
    if (this.future && (!this.future.path || this.future.path.test(stream.path))) {
      this.arm(stream, this.future.after, this.future.how);
    }
    return () => {
      this.open.delete(stream);
      this.armed.delete(stream);
    };
  }

  /** Counts one event or line on a stream; drops it when its countdown reaches zero. */
  tick(stream: FaultStream, count = 1): void {
    const armed = this.armed.get(stream);
    if (!armed) return;
    armed.remaining -= count;
    if (armed.remaining <= 0) {
      this.armed.delete(stream);
      armed.stream.drop(armed.how);
    }
  }

  /** Lines a stream may still send before its drop (Infinity when not armed). */
  budget(stream: FaultStream): number {
    return this.armed.get(stream)?.remaining ?? Infinity;
  }

  drop(options: DropOptions = {}): void {
    const how = options.how ?? 'reset';
    const after = options.after ?? 0;
    const path = pattern(options.path);
    for (const stream of [...this.open]) {
      if (path && !path.test(stream.path)) continue;
      if (after <= 0) stream.drop(how);
      else this.arm(stream, after, how);
    }
    this.future = options.includeFuture ? { after, how, ...(path ? { path } : {}) } : undefined;
  }

  clear(): void {
    this.armed.clear();
    this.future = undefined;
  }

  private arm(stream: FaultStream, after: number, how: DropStyle): void {
    if (after <= 0) {
      queueMicrotask(() => stream.drop(how));
      return;
    }
    this.armed.set(stream, { stream, remaining: after, how });
  }
}

export class Faults {
  readonly watches = new StreamFaults();
  readonly logs = new StreamFaults();
  private failures: (FailRule & { left: number; regex?: RegExp })[] = [];
  private latencies: (LatencyRule & { regex?: RegExp })[] = [];
  private listener: ListenerControl | undefined;
  private reopenTimer: NodeJS.Timeout | undefined;

  /** Matching requests fail with `status` (a real Status body). Returns a function that removes the rule. */
  failRequests(rule: FailRule): () => void {
    const entry = { ...rule, left: rule.times ?? 1, ...(rule.path ? { regex: pattern(rule.path) } : {}) };
    this.failures.push(entry);
    return () => {
      this.failures = this.failures.filter(item => item !== entry);
    };
  }

  addLatency(rule: LatencyRule): () => void {
    const entry = { ...rule, ...(rule.path ? { regex: pattern(rule.path) } : {}) };
    this.latencies.push(entry);
    return () => {
      this.latencies = this.latencies.filter(item => item !== entry);
    };
  }

  dropWatches(options?: DropOptions): void {
    this.watches.drop(options);
  }

  dropLogStreams(options?: DropOptions): void {
    this.logs.drop(options);
  }

  /** Closes the listener (connections refused, open ones cut); reopens after `forMs` if given. */
  async refuseConnections(options: { forMs?: number } = {}): Promise<void> {
    if (!this.listener) throw new Error('no listener to close: this API is served by another server');
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    await this.listener.close();
    if (options.forMs !== undefined) {
      this.reopenTimer = setTimeout(() => void this.restoreConnections(), options.forMs);
      this.reopenTimer.unref();
    }
  }

  async restoreConnections(): Promise<void> {
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = undefined;
    await this.listener?.reopen();
  }

  clear(): void {
    this.failures = [];
    this.latencies = [];
    this.watches.clear();
    this.logs.clear();
  }

  /** @internal the server's listener, for refuseConnections. */
  attachListener(listener: ListenerControl): void {
    this.listener = listener;
  }

  /** @internal run before each request: waits out latency, then returns an injected error if one applies. */
  async beforeRequest(method: string, path: string): Promise<ApiError | undefined> {
    const matches = (rule: { regex?: RegExp; method?: string }) =>
      (!rule.regex || rule.regex.test(path)) && (!rule.method || rule.method.toUpperCase() === method);
    const delay = this.latencies.filter(matches).reduce((total, rule) => total + rule.ms, 0);
    if (delay > 0) await new Promise(resolve => setTimeout(resolve, delay));
    const failure = this.failures.find(rule => rule.left > 0 && matches(rule));
    if (!failure) return undefined;
    failure.left--;
    if (failure.left <= 0) this.failures = this.failures.filter(item => item !== failure);
    return injectedError(failure);
  }

  /**
   * Applies a faults file: its request rules replace the previous file's; its drop and refuse
   * actions run once per change of the file.
   */
  applyFile(content: FaultsFile, previous: (() => void)[]): (() => void)[] {
    for (const remove of previous) remove();
    const removers: (() => void)[] = [];
    for (const rule of content.failRequests ?? []) {
      removers.push(
        this.failRequests({
          ...rule,
          times: rule.times === 'always' ? Infinity : (rule.times ?? 1),
          ...(rule.path ? { path: rule.path } : {}),
        }),
      );
    }
    for (const rule of content.latency ?? []) removers.push(this.addLatency(rule));
    if (content.latencyMs) removers.push(this.addLatency({ ms: content.latencyMs }));
    if (content.dropWatches) this.dropWatches(content.dropWatches);
    if (content.dropLogStreams) this.dropLogStreams(content.dropLogStreams);
    if (content.refuseConnections && this.listener) void this.refuseConnections(content.refuseConnections);
    return removers;
  }

  /** Re-reads `file` whenever its modification time changes; returns a function that stops. */
  watchFile(
    file: string,
    intervalMs = 250,
    onError: (message: string) => void = () => undefined,
  ): () => void {
    let seen = 0;
    let removers: (() => void)[] = [];
    const check = () => {
      let mtime: number;
      try {
        mtime = statSync(file).mtimeMs;
      } catch {
        mtime = 0;
      }
      if (mtime === seen) return;
      seen = mtime;
      if (mtime === 0) {
        removers = this.applyFile({}, removers);
        return;
      }
      try {
        removers = this.applyFile(JSON.parse(readFileSync(file, 'utf8')) as FaultsFile, removers);
      } catch (error) {
        onError(`faults file ${file} ignored: ${(error as Error).message}`);
      }
    };
    check();
    const timer = setInterval(check, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
