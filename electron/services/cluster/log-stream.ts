import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';

import { ClawbarError, type IpcError } from '../../../common/errors';
import type { LogLine, LogStreamState } from '../../../common/logs';
import type { Logger } from '../platform/log';
import { httpStatusError, kubeError, readBody, type KubeConnection } from './kube-connection';
import { compareLogTimes, sinceTimeFor, splitTimestamp, type LogTime } from './log-timestamps';

/** Whether the container a follow stream reads is still there (so a stream that ended can resume). */
export type ContainerPresence = 'running' | 'gone' | 'unknown';

export interface LogStreamTiming {
  /** Lines are sent at most this often, in one batch. */
  batchMs: number;
  /** A batch is sent early when it reaches this many lines. */
  maxBatchLines: number;
  /** Lines waiting to be sent; beyond this the oldest are dropped and counted (memory stays bounded). */
  maxPendingLines: number;
  /** A longer line is cut here (with a marker). */
  maxLineChars: number;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  /** A stream that cannot reconnect for this long fails. */
  giveUpMs: number;
}

export const defaultLogStreamTiming: LogStreamTiming = {
  batchMs: 50,
  maxBatchLines: 5000,
  maxPendingLines: 50_000,
  maxLineChars: 64 * 1024,
  reconnectInitialMs: 250,
  reconnectMaxMs: 5000,
  giveUpMs: 120_000,
};

export interface LogStreamOptions {
  id: string;
  connection: () => KubeConnection | null;
  namespace: string;
  pod: string;
  container: string;
  follow: boolean;
  tailLines: number | undefined;
  previous: boolean;
  /** The caller wants the kubelet's times; the stream always asks for them, to resume exactly. */
  timestamps: boolean;
  onLines: (lines: LogLine[]) => void;
  onStatus: (state: LogStreamState, dropped: number, error: IpcError | null) => void;
  containerPresence: () => Promise<ContainerPresence>;
  log: Logger;
  timing?: Partial<LogStreamTiming>;
}

const truncatedMarker = ' … [line cut by Clawbar]';

/**
 * One pod log stream: reads the kubelet's output through the API, splits it into lines, sends
 * them in batches, and — for follow streams — reconnects after an API disconnect, resuming from
 * the last line's time and skipping what was already sent, so nothing is duplicated or lost.
 */
export class LogStream {
  private readonly timing: LogStreamTiming;
  private abort = new AbortController();
  private closed = false;
  private seq = 0;
  private dropped = 0;
  private reportedDropped = 0;
  private pending: LogLine[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private decoder = new StringDecoder('utf8');
  private partial = '';
  private partialCut = false;
  private lastTime: LogTime | null = null;
  /** Lines already sent that carry exactly lastTime. */
  private sentAtLastTime = 0;
  /** While resuming: skip lines before this time, and this many lines at it. */
  private resume: { time: LogTime; skip: number } | null = null;
  private failingSince: number | null = null;
  private backoffMs: number;
  private state: LogStreamState | null = null;

  constructor(private readonly options: LogStreamOptions) {
    this.timing = { ...defaultLogStreamTiming, ...options.timing };
    this.backoffMs = this.timing.reconnectInitialMs;
  }

  /** Connects; rejects (with the API's reason) when the pod or container cannot be read. */
  async start(): Promise<void> {
    await this.connect();
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.abort.abort();
    clearTimeout(this.flushTimer);
    clearTimeout(this.reconnectTimer);
  }

  private async connect(): Promise<void> {
    const { options } = this;
    const connection = options.connection();
    if (!connection) {
      throw new ClawbarError('cluster-not-connected', 'The k3s API is not connected: start the VM first.');
    }
    const params = new URLSearchParams({
      container: options.container,
      follow: String(options.follow),
      previous: String(options.previous),
      timestamps: 'true',
    });
    if (this.lastTime) {
      params.set('sinceTime', sinceTimeFor(this.lastTime));
      this.resume = { time: this.lastTime, skip: this.sentAtLastTime };
    } else if (options.tailLines !== undefined) {
      params.set('tailLines', String(options.tailLines));
    }
    const path =
      `/api/v1/namespaces/${encodeURIComponent(options.namespace)}` +
      `/pods/${encodeURIComponent(options.pod)}/log?${params.toString()}`;
    const what = `Logs of ${options.pod}/${options.container}`;
    this.abort = new AbortController();
    let response: IncomingMessage;
    try {
      response = await connection.stream(path, this.abort.signal);
    } catch (error) {
      if (this.closed) return;
      throw kubeError(error, what);
    }
    if (response.statusCode !== 200) {
      const body = await readBody(response).catch(() => '');
      throw httpStatusError(response.statusCode ?? 0, body, what);
    }
    if (this.closed) {
      response.destroy();
      return;
    }
    this.decoder = new StringDecoder('utf8');
    this.partial = '';
    this.partialCut = false;
    this.failingSince = null;
    this.backoffMs = this.timing.reconnectInitialMs;
    this.setState('streaming', null);
    response.on('data', (chunk: Buffer) => this.feed(this.decoder.write(chunk)));
    response.on('error', () => undefined);
    response.once('close', () => void this.onResponseClosed(response.complete));
  }

  private async onResponseClosed(complete: boolean): Promise<void> {
    if (this.closed) return;
    if (complete) {
      this.feed(this.decoder.end());
      if (this.partial !== '') this.accept(this.partial);
      this.partial = '';
    }
    this.flush();
    if (!this.options.follow || this.options.previous) {
      this.finish('ended', null);
      return;
    }
    const presence = await this.options.containerPresence();
    // close() may have run while we waited.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    if (this.closed) return;
    if (presence === 'gone') {
      this.finish('ended', null);
      return;
    }
    this.scheduleReconnect(null);
  }

  private scheduleReconnect(error: ClawbarError | null): void {
    if (this.closed) return;
    const now = Date.now();
    this.failingSince ??= now;
    if (now - this.failingSince > this.timing.giveUpMs) {
      this.finish(
        'failed',
        (
          error ?? new ClawbarError('cluster-unreachable', 'The log stream could not reconnect.')
        ).toIpcError(),
      );
      return;
    }
    this.setState('reconnecting', error?.toIpcError() ?? null);
    const wait = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.timing.reconnectMaxMs);
    this.reconnectTimer = setTimeout(() => {
      this.connect().catch((reason: unknown) => {
        const failure = kubeError(reason, `Logs of ${this.options.pod}/${this.options.container}`);
        // The pod is gone for good: nothing left to follow.
        if (failure.code === 'not-found') this.finish('ended', null);
        else this.scheduleReconnect(failure);
      });
    }, wait);
  }

  private feed(text: string): void {
    if (text === '') return;
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      const piece = text.slice(start, newline);
      start = newline + 1;
      if (this.partialCut) {
        this.partialCut = false;
        this.partial = '';
        continue;
      }
      this.accept(this.partial === '' ? piece : this.partial + piece);
      this.partial = '';
    }
    if (start < text.length && !this.partialCut) {
      this.partial += text.slice(start);
      if (this.partial.length > this.timing.maxLineChars) {
        // Keep memory bounded on a line that never ends: send its head, skip the rest of it.
        this.accept(this.partial);
        this.partial = '';
        this.partialCut = true;
      }
    }
  }

  private accept(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const { time, text } = splitTimestamp(line);
    if (time && this.resume) {
      const order = compareLogTimes(time, this.resume.time);
      if (order < 0) return;
      if (order === 0 && this.resume.skip > 0) {
        this.resume.skip -= 1;
        return;
      }
    }
    this.resume = null;
    if (time) {
      if (this.lastTime && compareLogTimes(time, this.lastTime) === 0) this.sentAtLastTime += 1;
      else {
        this.lastTime = time;
        this.sentAtLastTime = 1;
      }
    }
    const shown =
      text.length > this.timing.maxLineChars
        ? text.slice(0, this.timing.maxLineChars) + truncatedMarker
        : text;
    this.pending.push({
      seq: this.seq++,
      text: shown,
      time: this.options.timestamps ? (time?.text ?? null) : null,
    });
    if (this.pending.length > this.timing.maxPendingLines) {
      const excess = this.pending.length - this.timing.maxPendingLines;
      this.pending.splice(0, excess);
      this.dropped += excess;
    }
    if (this.pending.length >= this.timing.maxBatchLines) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), this.timing.batchMs);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0 || this.closed) return;
    const batch = this.pending;
    this.pending = [];
    this.options.onLines(batch);
    if (this.dropped !== this.reportedDropped && this.state) this.setState(this.state, null, true);
  }

  private finish(state: 'ended' | 'failed', error: IpcError | null): void {
    this.flush();
    this.setState(state, error);
    this.close();
  }

  private setState(state: LogStreamState, error: IpcError | null, force = false): void {
    if (this.state === state && !error && !force) return;
    this.state = state;
    this.reportedDropped = this.dropped;
    if (state === 'reconnecting' || state === 'failed') {
      this.options.log.info('Log stream', { pod: this.options.pod, state, error: error?.message });
    }
    this.options.onStatus(state, this.dropped, error);
  }
}
