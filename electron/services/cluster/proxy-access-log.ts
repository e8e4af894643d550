import { blockedRequestsCapacity, type BlockedRequest } from '../../../common/proxy-log';
import { Emitter, type Disposable, type Event } from '../platform/event';

/**
 * The egress proxy's access log: Squid writes one line per request to stdout in this format
 * (squid-config.ts renders it), and the app reads the proxy pod's log to show what was blocked.
 * The marker tells these lines apart from Squid's own messages, which share the pod's log.
 */
export const accessLogFormatName = 'clawbar';
export const accessLogMarker = 'clawbar-access';
/** marker, time (s.ms), client IP, result/status, method, host, port, bytes sent to the client. */
export const accessLogFormat = `${accessLogMarker} %ts.%03tu %>a %Ss/%03>Hs %rm %>rd %>rP %<st`;

export interface AccessLogRecord {
  /** ISO time Squid logged the request. */
  time: string;
  clientIp: string;
  /** Squid's result code: `TCP_DENIED`, `TCP_MISS`, `TCP_TUNNEL`, `NONE_NONE`… */
  result: string;
  /** The HTTP status sent to the client (0 when none was). */
  status: number;
  method: string;
  /** Null when the request had no usable host (a malformed request line). */
  host: string | null;
  port: number | null;
  bytes: number;
}

const linePattern = new RegExp(
  // kubectl-style `--timestamps` prefix, optional.
  String.raw`^(?:\d{4}-\d{2}-\d{2}T\S+ )?` +
    `${accessLogMarker} ` +
    String.raw`(\d+)\.(\d{3}) (\S+) ([A-Z][A-Z_]*)/(\d{3}) (\S+) (\S+) (\S+) (\d+|-)$`,
);

/** One access-log line, or null for anything else (Squid's own messages, truncated lines). */
export function parseAccessLogLine(line: string): AccessLogRecord | null {
  const match = linePattern.exec(line.trimEnd());
  if (!match) return null;
  const [
    ,
    seconds = '',
    millis = '',
    clientIp = '',
    result = '',
    status = '',
    method = '',
    host = '',
    port = '',
    bytes = '',
  ] = match;
  const time = new Date(Number(seconds) * 1000 + Number(millis));
  if (Number.isNaN(time.getTime())) return null;
  const portNumber = port === '-' ? null : Number(port);
  if (portNumber !== null && !(Number.isInteger(portNumber) && portNumber >= 0 && portNumber <= 65535))
    return null;
  return {
    time: time.toISOString(),
    clientIp,
    result,
    status: Number(status),
    method,
    host: host === '-' ? null : decodeHost(host),
    port: portNumber,
    bytes: bytes === '-' ? 0 : Number(bytes),
  };
}

export function parseAccessLog(lines: Iterable<string>): { records: AccessLogRecord[]; skipped: number } {
  const records: AccessLogRecord[] = [];
  let skipped = 0;
  for (const line of lines) {
    const record = parseAccessLogLine(line);
    if (record) records.push(record);
    else skipped++;
  }
  return { records, skipped };
}

/** Refused by an `http_access deny` (TCP_DENIED) or a reply rule (TCP_DENIED_REPLY). */
export function isBlocked(record: AccessLogRecord): boolean {
  return record.result.startsWith('TCP_DENIED');
}

export interface BlockedRequestsOptions {
  /** The pod that has this IP now (from the pod informer), or null when none does. */
  podForIp: (ip: string) => string | null;
  capacity?: number;
  onListenerError?: (error: unknown) => void;
}

/**
 * The blocked destinations, one per host and port, for the "Blocked requests" view: how often,
 * when last, by which pod. Bounded: beyond the capacity the destination blocked longest ago goes.
 * The pod is resolved when the line arrives, since pod IPs are reused once a pod is gone.
 */
export class BlockedRequests implements Disposable {
  private readonly byDestination = new Map<string, BlockedRequest>();
  private readonly changed: Emitter<BlockedRequest[]>;
  private skippedLines = 0;
  private readonly capacity: number;

  /** Fires with the whole list (newest first) after each batch that changed it. */
  readonly onDidChange: Event<BlockedRequest[]>;

  constructor(private readonly options: BlockedRequestsOptions) {
    this.capacity = options.capacity ?? blockedRequestsCapacity;
    this.changed = new Emitter(options.onListenerError);
    this.onDidChange = this.changed.event;
  }

  /** Lines from the proxy pod's log, in order; anything that is not an access-log line is skipped. */
  ingest(lines: Iterable<string>): void {
    const { records, skipped } = parseAccessLog(lines);
    this.skippedLines += skipped;
    this.add(records);
  }

  add(records: Iterable<AccessLogRecord>): void {
    let changed = false;
    for (const record of records) {
      if (!isBlocked(record) || record.host === null || record.port === null) continue;
      this.record(record, record.host, record.port);
      changed = true;
    }
    if (changed) this.changed.fire(this.list());
  }

  /** Newest first. */
  list(): BlockedRequest[] {
    return [...this.byDestination.values()].sort((a, b) =>
      a.lastSeen === b.lastSeen ? 0 : a.lastSeen < b.lastSeen ? 1 : -1,
    );
  }

  /** Lines that were not access-log lines (Squid's own messages, garbage), for diagnostics. */
  get skipped(): number {
    return this.skippedLines;
  }

  clear(): void {
    if (this.byDestination.size === 0) return;
    this.byDestination.clear();
    this.changed.fire([]);
  }

  dispose(): void {
    this.changed.dispose();
  }

  private record(record: AccessLogRecord, host: string, port: number): void {
    const key = `${host} ${port}`;
    const pod = this.options.podForIp(record.clientIp);
    const existing = this.byDestination.get(key);
    if (existing) {
      const newer = record.time >= existing.lastSeen;
      this.byDestination.set(key, {
        ...existing,
        count: existing.count + 1,
        ...(newer ? { lastSeen: record.time, method: record.method, pod: pod ?? existing.pod } : {}),
      });
      return;
    }
    this.byDestination.set(key, { host, port, method: record.method, count: 1, lastSeen: record.time, pod });
    if (this.byDestination.size > this.capacity) this.evictOldest();
  }

  private evictOldest(): void {
    let oldest: BlockedRequest | undefined;
    for (const entry of this.byDestination.values()) {
      if (!oldest || entry.lastSeen < oldest.lastSeen) oldest = entry;
    }
    if (oldest) this.byDestination.delete(`${oldest.host} ${oldest.port}`);
  }
}

/** Squid escapes brackets in hosts (`%5B::1%5D`); an undecodable host is kept as written. */
function decodeHost(host: string): string {
  try {
    return decodeURIComponent(host).toLowerCase();
  } catch {
    return host.toLowerCase();
  }
}
