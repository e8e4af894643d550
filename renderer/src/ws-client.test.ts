import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { createWsTransport, devhostSocketUrl, takeDevhostToken, type ConnectionStatus } from './ws-client';

/** A fake WebSocket that the test opens, feeds and closes by hand. */
class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static instances: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(): void {
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.();
  }

  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }

  receive(frame: unknown): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }

  static last(): FakeSocket {
    const socket = FakeSocket.instances.at(-1);
    if (!socket) throw new Error('no socket');
    return socket;
  }
}

function transport(options: Partial<Parameters<typeof createWsTransport>[0]> = {}) {
  return createWsTransport({
    url: 'ws://127.0.0.1:1/api?token=t',
    WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
    backoffMs: [10],
    ...options,
  });
}

describe('WebSocket transport', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.instances = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('queues calls until the socket opens, then matches answers by id', async () => {
    const client = transport();
    const answer = client.invoke('settings:get', undefined);
    const socket = FakeSocket.last();
    expect(socket.sent).toEqual([]);
    socket.open();
    const frame = JSON.parse(socket.sent[0] ?? '{}') as { id: number; channel: string };
    expect(frame).toMatchObject({ type: 'invoke', channel: 'settings:get' });
    socket.receive({ type: 'result', id: frame.id, result: { ok: true, value: 'v' } });
    await expect(answer).resolves.toEqual({ ok: true, value: 'v' });
  });

  it('fails calls in flight with `disconnected` when the socket drops, and reconnects', async () => {
    const client = transport();
    FakeSocket.last().open();
    const answer = client.invoke('settings:get', undefined);
    FakeSocket.last().close();
    await expect(answer).resolves.toMatchObject({ ok: false, error: { code: 'disconnected' } });
    expect(client.status).toBe('reconnecting');
    vi.advanceTimersByTime(10);
    expect(FakeSocket.instances).toHaveLength(2);
    FakeSocket.last().open();
    expect(client.status).toBe('open');
  });

  it('times a call out when no connection comes', async () => {
    const client = transport({ callTimeoutMs: 100 });
    const answer = client.invoke('settings:get', undefined);
    vi.advanceTimersByTime(100);
    await expect(answer).resolves.toMatchObject({ ok: false, error: { code: 'timeout' } });
    FakeSocket.last().open();
    expect(FakeSocket.last().sent).toEqual([]);
  });

  it('turns `failed` after repeated refusals without ever connecting', () => {
    const statuses: ConnectionStatus[] = [];
    const client = transport({ failedAfterAttempts: 3 });
    client.onStatus(status => statuses.push(status));
    for (let attempt = 0; attempt < 3; attempt++) {
      FakeSocket.last().close();
      vi.advanceTimersByTime(10);
    }
    expect(client.status).toBe('failed');
    expect(statuses).toEqual(['reconnecting', 'failed']);
  });

  it('delivers events to listeners and ignores garbage frames', () => {
    const client = transport();
    const received: unknown[] = [];
    client.on('state:changed', payload => received.push(payload));
    FakeSocket.last().open();
    FakeSocket.last().receive('not json');
    FakeSocket.last().receive({ type: 'mystery' });
    FakeSocket.last().receive({ type: 'event', event: 'state:changed', payload: { revision: 2 } });
    FakeSocket.last().receive({ type: 'event', event: 'settings:changed', payload: {} });
    expect(received).toEqual([{ revision: 2 }]);
  });

  it('stops reconnecting once closed by its owner', () => {
    const client = transport();
    FakeSocket.last().open();
    client.close();
    vi.advanceTimersByTime(1000);
    expect(FakeSocket.instances).toHaveLength(1);
  });
});

describe('devhost token', () => {
  it('takes the token from the fragment, keeps it for the session and cleans the address bar', () => {
    window.history.replaceState(null, '', '/#token=abc123');
    window.sessionStorage.clear();
    expect(takeDevhostToken(window.location, window.history, window.sessionStorage)).toBe('abc123');
    expect(window.location.hash).toBe('#/');
    expect(takeDevhostToken(window.location, window.history, window.sessionStorage)).toBe('abc123');
  });

  it('builds the socket URL on the page origin', () => {
    expect(devhostSocketUrl(window.location, 'abc')).toBe(`ws://${window.location.host}/api?token=abc`);
  });
});
