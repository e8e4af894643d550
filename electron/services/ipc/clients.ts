import type { EventName, EventPayload } from '../../../common/contract';
import { Emitter, toDisposable, type Disposable, type Event } from '../platform/event';

/**
 * A connected front: an Electron window, a devhost WebSocket, or the CLI. Services send events to
 * one client (a log stream's lines) or to all (AppState); anything a client opened is closed when
 * it goes away (onDidClose).
 */
export interface Client {
  readonly id: string;
  send<E extends EventName>(event: E, payload: EventPayload<E>): void;
  readonly onDidClose: Event<void>;
}

export class ClientHub implements Disposable {
  private readonly clients = new Map<string, Client>();

  add(client: Client): Disposable {
    this.clients.set(client.id, client);
    const closed = client.onDidClose(() => this.clients.delete(client.id));
    return toDisposable(() => {
      closed.dispose();
      this.clients.delete(client.id);
    });
  }

  broadcast<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const client of this.clients.values()) client.send(event, payload);
  }

  get size(): number {
    return this.clients.size;
  }

  dispose(): void {
    this.clients.clear();
  }
}

/** A client for in-process callers (the CLI, tests): events go to a callback. */
export function localClient(
  id: string,
  onEvent: <E extends EventName>(event: E, payload: EventPayload<E>) => void = () => undefined,
): Client & Disposable {
  const closed = new Emitter<void>();
  return {
    id,
    send: onEvent,
    onDidClose: closed.event,
    dispose: () => {
      closed.fire();
      closed.dispose();
    },
  };
}
