import type { Transport, Unsubscribe } from '../../common/api';
import type { EventName, InvokeChannel } from '../../common/contract';
import type { Result } from '../../common/result';
import { wsPath, wsServerFrameSchema, wsTokenParam } from '../../common/ws-protocol';

/**
 * The devhost side of the Api: the contract over a WebSocket. Calls made while disconnected wait
 * for the connection (up to a deadline); calls in flight when it drops fail with `disconnected`,
 * and the client reconnects with backoff. After several failed attempts without ever connecting,
 * the status turns `failed` (wrong or missing token, or no devhost) but retries continue slowly.
 */
export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'failed';

export interface WsTransport extends Transport {
  readonly status: ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): Unsubscribe;
  close(): void;
}

export interface WsTransportOptions {
  url: string;
  WebSocketImpl?: typeof WebSocket;
  /** How long a call may wait for a connection before failing. */
  callTimeoutMs?: number;
  backoffMs?: readonly number[];
  failedAfterAttempts?: number;
}

interface Pending {
  resolve: (result: Result<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
}

export function createWsTransport({
  url,
  WebSocketImpl = WebSocket,
  callTimeoutMs = 15_000,
  backoffMs = [250, 500, 1000, 2000, 5000],
  failedAfterAttempts = 4,
}: WsTransportOptions): WsTransport {
  let socket: WebSocket | undefined;
  let status: ConnectionStatus = 'connecting';
  let attempts = 0;
  let everOpened = false;
  let closedByUs = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const queued: { id: number; frame: string }[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();

  const setStatus = (next: ConnectionStatus): void => {
    if (next === status) return;
    status = next;
    for (const listener of statusListeners) listener(next);
  };

  const settle = (id: number, result: Result<unknown>): void => {
    const entry = pending.get(id);
    if (!entry) return;
    pending.delete(id);
    clearTimeout(entry.timer);
    entry.resolve(result);
  };

  const connect = (): void => {
    const ws = new WebSocketImpl(url);
    socket = ws;
    ws.onopen = () => {
      attempts = 0;
      everOpened = true;
      setStatus('open');
      for (const { frame } of queued.splice(0)) ws.send(frame);
    };
    ws.onmessage = message => {
      if (typeof message.data !== 'string') return;
      let json: unknown;
      try {
        json = JSON.parse(message.data);
      } catch {
        return;
      }
      const frame = wsServerFrameSchema.safeParse(json);
      if (!frame.success) return;
      if (frame.data.type === 'result') settle(frame.data.id, frame.data.result);
      else if (frame.data.type === 'event') {
        for (const listener of listeners.get(frame.data.event) ?? []) listener(frame.data.payload);
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = undefined;
      // Answers to calls already sent will never come.
      for (const id of [...pending.keys()]) {
        if (!queued.some(entry => entry.id === id)) {
          settle(id, {
            ok: false,
            error: { code: 'disconnected', message: 'The connection to Clawbar was lost.' },
          });
        }
      }
      if (closedByUs) return;
      attempts++;
      setStatus(!everOpened && attempts >= failedAfterAttempts ? 'failed' : 'reconnecting');
      const delay = backoffMs[Math.min(attempts - 1, backoffMs.length - 1)] ?? 1000;
      reconnectTimer = setTimeout(connect, delay);
    };
  };

  connect();

  return {
    get status() {
      return status;
    },
    invoke(channel: InvokeChannel, input: unknown): Promise<Result<unknown>> {
      const id = nextId++;
      const frame = JSON.stringify({ type: 'invoke', id, channel, input });
      return new Promise(resolve => {
        const timer = setTimeout(() => {
          const index = queued.findIndex(entry => entry.id === id);
          if (index >= 0) queued.splice(index, 1);
          settle(id, { ok: false, error: { code: 'timeout', message: `${channel} got no answer in time.` } });
        }, callTimeoutMs);
        pending.set(id, { resolve, timer });
        if (socket?.readyState === WebSocketImpl.OPEN) socket.send(frame);
        else queued.push({ id, frame });
      });
    },
    on(event: EventName, listener: (payload: unknown) => void): Unsubscribe {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => {
        statusListeners.delete(listener);
      };
    },
    close() {
      closedByUs = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      socket?.close(1000);
    },
  };
}

/**
 * The devhost hands the page its token in the URL fragment (never sent to servers, never logged).
 * Keep it for this tab's session and take it out of the address bar.
 */
export function takeDevhostToken(location: Location, history: History, storage: Storage): string | undefined {
  const key = 'clawbar.devhost-token';
  const match = /(?:^#|&)token=([0-9a-f]+)/.exec(location.hash);
  if (match?.[1]) {
    storage.setItem(key, match[1]);
    history.replaceState(null, '', `${location.pathname}${location.search}#/`);
    return match[1];
  }
  return storage.getItem(key) ?? undefined;
}

export function devhostSocketUrl(location: Location, token: string | undefined): string {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${location.host}${wsPath}?${wsTokenParam}=${encodeURIComponent(token ?? '')}`;
}
