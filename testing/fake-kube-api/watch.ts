import type { IncomingMessage, ServerResponse } from 'node:http';

import type { ApiError } from './api-error';
import { withTypeMeta } from './cluster';
import { openChunkedStream } from './chunked-stream';
import type { Faults } from './faults';
import { apiVersionOf, typeKey, type ResourceType } from './resources';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import type { KubeObject, ObjectStore, StoreEvent } from './store';

/**
 * `?watch=true`: a chunked stream of JSON lines `{"type":…,"object":…}`. Without a
 * resourceVersion (or with "0") it starts with ADDED for every current object; from a
 * resourceVersion it replays the history after it, or sends an ERROR event with a 410 Expired
 * Status and ends when the history no longer reaches back that far. Objects entering or leaving
 * the selectors appear as ADDED/DELETED, as from the watch cache. Honours timeoutSeconds,
 * allowWatchBookmarks and sendInitialEvents.
 */
export interface WatchRequest {
  type: ResourceType;
  namespace: string | undefined;
  labelSelector: string | null;
  fieldSelector: string | null;
  resourceVersion: string | null;
  timeoutSeconds: number | undefined;
  allowWatchBookmarks: boolean;
  sendInitialEvents: boolean | undefined;
}

export interface WatchTiming {
  /** How often a BOOKMARK goes out when the client allows them. */
  bookmarkIntervalMs: number;
  /** The timeout when the client gives none (the apiserver picks 30–60 min). */
  defaultTimeoutMs: number;
}

export const defaultWatchTiming: WatchTiming = { bookmarkIntervalMs: 60_000, defaultTimeoutMs: 30 * 60_000 };

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export function serveWatch(
  request: IncomingMessage,
  response: ServerResponse,
  store: ObjectStore,
  faults: Faults,
  watch: WatchRequest,
  timing: WatchTiming,
  fail: (error: ApiError) => void,
): void {
  let labels: ReturnType<typeof parseLabelSelector>;
  let fields: ReturnType<typeof parseFieldSelector>;
  try {
    labels = parseLabelSelector(watch.labelSelector);
    fields = parseFieldSelector(watch.fieldSelector, watch.type.kind);
  } catch (error) {
    fail(error as ApiError);
    return;
  }
  const key = typeKey(watch.type);
  const inScope = (object: KubeObject | undefined): boolean =>
    object !== undefined &&
    (watch.namespace === undefined || object.metadata.namespace === watch.namespace) &&
    labels(object.metadata.labels) &&
    fields(object);

  let lastResourceVersion = String(store.resourceVersion);
  const timers: NodeJS.Timeout[] = [];
  const stream = openChunkedStream(request, response, 'application/json', faults.watches, () => {
    unsubscribe();
    for (const timer of timers) clearTimeout(timer);
  });

  const send = (type: EventType | 'BOOKMARK' | 'ERROR', object: unknown) => {
    if (stream.isClosed()) return;
    response.write(`${JSON.stringify({ type, object })}\n`);
    if (type !== 'BOOKMARK' && type !== 'ERROR') faults.watches.tick(stream.fault);
  };
  const sendChange = (event: StoreEvent) => {
    if (event.typeKey !== key) return;
    const now = inScope(event.object) && event.type !== 'DELETED';
    const before = event.type === 'ADDED' ? false : inScope(event.previous);
    let type: EventType | undefined;
    if (event.type === 'DELETED') type = before || inScope(event.object) ? 'DELETED' : undefined;
    else if (now && before) type = 'MODIFIED';
    else if (now) type = 'ADDED';
    else if (before) type = 'DELETED';
    lastResourceVersion = String(event.resourceVersion);
    if (!type) return;
    const object =
      type === 'DELETED' && event.type !== 'DELETED'
        ? {
            ...event.object,
            metadata: { ...event.object.metadata, resourceVersion: String(event.resourceVersion) },
          }
        : event.object;
    send(type, withTypeMeta(watch.type, object));
  };
  const bookmark = (annotations?: Record<string, string>) =>
    send('BOOKMARK', {
      kind: watch.type.kind,
      apiVersion: apiVersionOf(watch.type),
      metadata: { resourceVersion: lastResourceVersion, ...(annotations ? { annotations } : {}) },
    });

  // Subscribe first, so nothing written while the start is computed is missed.
  const pending: StoreEvent[] = [];
  let started = false;
  const unsubscribe = store.subscribe(event => {
    if (!started) pending.push(event);
    else sendChange(event);
  });

  const requested = watch.resourceVersion;
  const initial = watch.sendInitialEvents ?? (requested === null || requested === '' || requested === '0');
  if (initial) {
    const current = store.list(key, watch.type.namespaced ? watch.namespace : undefined).filter(inScope);
    const startAt = store.resourceVersion;
    for (const object of current) send('ADDED', withTypeMeta(watch.type, object));
    lastResourceVersion = String(startAt);
    if (watch.sendInitialEvents && watch.allowWatchBookmarks)
      bookmark({ 'k8s.io/initial-events-end': 'true' });
    for (const event of pending) if (event.resourceVersion > startAt) sendChange(event);
  } else {
    const from = Number(requested);
    const history = Number.isFinite(from) ? store.since(from) : null;
    if (!history) {
      send('ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `too old resource version: ${requested ?? ''} (${store.oldestResourceVersion})`,
        reason: 'Expired',
        code: 410,
      });
      stream.finish();
      return;
    }
    lastResourceVersion = String(from);
    for (const event of history) sendChange(event);
    const last = history[history.length - 1]?.resourceVersion ?? from;
    for (const event of pending) if (event.resourceVersion > last) sendChange(event);
  }
  started = true;
  // Sending the start may already have ended the stream (an ERROR, a dropped watch).
  if (stream.isClosed()) return;

  const timeoutMs =
    watch.timeoutSeconds !== undefined ? watch.timeoutSeconds * 1000 : timing.defaultTimeoutMs;
  timers.push(
    setTimeout(() => {
      if (watch.allowWatchBookmarks) bookmark();
      stream.finish();
    }, timeoutMs),
  );
  if (watch.allowWatchBookmarks) {
    const tick = () => {
      bookmark();
      timers.push(setTimeout(tick, timing.bookmarkIntervalMs));
    };
    timers.push(setTimeout(tick, timing.bookmarkIntervalMs));
  }
}
