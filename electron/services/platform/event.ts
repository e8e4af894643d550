/** Typed events in the VS Code style: `emitter.event(listener)` returns a Disposable. */
export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (value: T) => void) => Disposable;

export function toDisposable(dispose: () => void): Disposable {
  let disposed = false;
  return {
    dispose: () => {
      if (disposed) return;
      disposed = true;
      dispose();
    },
  };
}

export class DisposableStore implements Disposable {
  private readonly items = new Set<Disposable>();

  add<T extends Disposable>(item: T): T {
    this.items.add(item);
    return item;
  }

  dispose(): void {
    const items = [...this.items].reverse();
    this.items.clear();
    for (const item of items) item.dispose();
  }
}

export class Emitter<T> implements Disposable {
  private readonly listeners = new Set<(value: T) => void>();

  /** A listener that throws must not stop the others; the error goes to this handler instead. */
  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  readonly event: Event<T> = listener => {
    const wrapped = (value: T): void => listener(value);
    this.listeners.add(wrapped);
    return toDisposable(() => this.listeners.delete(wrapped));
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
