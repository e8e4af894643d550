import type { IncomingMessage, ServerResponse } from 'node:http';

import { ApiError, badRequest } from './api-error';
import { formatLogTime, type ContainerLog, type LogLine } from './container-log';
import { openChunkedStream } from './chunked-stream';
import type { Faults } from './faults';
import type { Kubelet, PodRef } from './kubelet';

/**
 * `GET /api/v1/namespaces/NS/pods/NAME/log`: the kubelet's container log with container,
 * previous, tailLines, sinceTime/sinceSeconds, limitBytes and timestamps (RFC3339Nano prefixes),
 * and follow, which streams new lines as the container writes them (read from a cursor, written
 * in batches, respecting back-pressure) and ends when the container instance terminates.
 */
export interface LogQuery {
  container: string | null;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines: number | undefined;
  limitBytes: number | undefined;
  sinceTime: string | null;
  sinceSeconds: number | undefined;
}

function integer(value: string | null, name: string): number | undefined {
  if (value === null || value === '') return undefined;
  if (!/^-?\d+$/.test(value)) throw badRequest(`invalid value for ${name}: ${value}`);
  return Number(value);
}

function truthy(value: string | null): boolean {
  return value === 'true' || value === '1';
}

export function parseLogQuery(params: URLSearchParams): LogQuery {
  const query: LogQuery = {
    container: params.get('container'),
    follow: truthy(params.get('follow')),
    previous: truthy(params.get('previous')),
    timestamps: truthy(params.get('timestamps')),
    tailLines: integer(params.get('tailLines'), 'tailLines'),
    limitBytes: integer(params.get('limitBytes'), 'limitBytes'),
    sinceTime: params.get('sinceTime'),
    sinceSeconds: integer(params.get('sinceSeconds'), 'sinceSeconds'),
  };
  const errors: string[] = [];
  if (query.tailLines !== undefined && query.tailLines < 0)
    errors.push(`tailLines: Invalid value: ${query.tailLines}: must be greater than or equal to 0`);
  if (query.limitBytes !== undefined && query.limitBytes < 1)
    errors.push(`limitBytes: Invalid value: ${query.limitBytes}: must be greater than 0`);
  if (query.sinceSeconds !== undefined && query.sinceSeconds < 1)
    errors.push(`sinceSeconds: Invalid value: ${query.sinceSeconds}: must be greater than 0`);
  if (query.sinceSeconds !== undefined && query.sinceTime)
    errors.push('sinceSeconds: Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified');
  if (query.sinceTime && Number.isNaN(Date.parse(query.sinceTime))) {
    throw badRequest(
      `parsing time "${query.sinceTime}" as "2006-01-02T15:04:05Z07:00": cannot parse "${query.sinceTime}" as "2006"`,
    );
  }
  if (errors.length > 0) {
    throw new ApiError(
      422,
      'Invalid',
      `PodLogOptions "" is invalid: ${errors.length === 1 ? (errors[0] ?? '') : `[${errors.join(', ')}]`}`,
    );
  }
  return query;
}

function render(lines: readonly LogLine[], timestamps: boolean): string {
  let out = '';
  for (const line of lines)
    out += timestamps ? `${formatLogTime(line.seconds, line.nanos)} ${line.text}\n` : `${line.text}\n`;
  return out;
}

/** The sequence number of the first line at or after a time. */
function firstSince(log: ContainerLog, sinceSeconds: number, sinceNanos: number): number {
  const lines = log.read(log.first);
  const index = lines.findIndex(
    line => line.seconds > sinceSeconds || (line.seconds === sinceSeconds && line.nanos >= sinceNanos),
  );
  return index < 0 ? log.end : log.first + index;
}

export function serveLogs(
  request: IncomingMessage,
  response: ServerResponse,
  kubelet: Kubelet,
  faults: Faults,
  ref: PodRef,
  query: LogQuery,
): void {
  const log = kubelet.logFor(ref, query.container, query.previous);
  let cursor = log.first;
  if (query.sinceTime) {
    const since = Date.parse(query.sinceTime);
    cursor = firstSince(log, Math.floor(since / 1000), (since % 1000) * 1_000_000);
  } else if (query.sinceSeconds !== undefined) {
    const since = Date.now() - query.sinceSeconds * 1000;
    cursor = firstSince(log, Math.floor(since / 1000), (since % 1000) * 1_000_000);
  }
  if (query.tailLines !== undefined) cursor = Math.max(cursor, log.end - query.tailLines);
  let budget = query.limitBytes ?? Infinity;

  let waitingForDrain = false;
  let unfollow: () => void = () => undefined;
  const stream = openChunkedStream(request, response, 'text/plain', faults.logs, () => unfollow());

  // Without follow, the response ends with the lines there are now.
  const stopAt = query.follow ? Infinity : log.end;
  const done = () => cursor >= stopAt || (log.ended && cursor >= log.end);

  /** Writes what is available, pausing while the client is not reading. */
  const pump = (): void => {
    while (!stream.isClosed() && !waitingForDrain) {
      const allowed = Math.min(faults.logs.budget(stream.fault), stopAt - cursor);
      const lines = allowed > 0 ? log.read(cursor, Math.min(5000, allowed)) : [];
      if (lines.length === 0) break;
      cursor = Math.max(cursor, log.first) + lines.length;
      let text = render(lines, query.timestamps);
      if (text.length > budget) text = Buffer.from(text).subarray(0, budget).toString();
      budget -= Buffer.byteLength(text);
      const flowing = response.write(text);
      faults.logs.tick(stream.fault, lines.length);
      if (budget <= 0) {
        stream.finish();
        return;
      }
      if (!flowing) {
        waitingForDrain = true;
        response.once('drain', () => {
          waitingForDrain = false;
          pump();
        });
      }
    }
    if (!stream.isClosed() && !waitingForDrain && done()) stream.finish();
  };
  if (query.follow && !log.ended) unfollow = log.follow(pump, pump);
  pump();
}
