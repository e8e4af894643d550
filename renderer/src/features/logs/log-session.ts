import type { Api, Unsubscribe } from '../../../../common/api';
import type { IpcError } from '../../../../common/errors';
import type { LogLine, LogLinesEvent, LogStatusEvent } from '../../../../common/logs';
import type { ConnectionStatus } from '../../ws-client';
import { LineStore, defaultLineCap, type FrozenLines, type LineSource } from './line-store';
import { compileSearch, SearchIndex, type MatchPosition, type SearchOptions } from './search';

/** What to stream: one container of one pod. */
export interface StreamRequest {
  pod: string;
  container: string;
  /** The previous instance of a restarted container (its log ends; nothing to follow). */
  previous: boolean;
  /** Lines from before the stream opened; null for the whole log. */
  tailLines: number | null;
}

export type StreamPhase = 'idle' | 'opening' | 'streaming' | 'reconnecting' | 'ended' | 'failed';

export interface StreamStatus {
  request: StreamRequest | null;
  phase: StreamPhase;
  error: IpcError | null;
  /** Lines the server dropped because this window fell behind the stream. */
  serverDropped: number;
  /** Lines dropped off the front of the buffer to stay within the cap. */
  evicted: number;
  /** Lines in the buffer, and its cap. */
  held: number;
  cap: number;
  /** Lines per second over the last second. */
  rate: number;
  /** Lines received since the view was paused. */
  newLines: number;
  /** The connection to Clawbar dropped (devhost); the stream reopens when it is back. */
  connectionLost: boolean;
  /** The stream was reopened after a lost connection: lines written meanwhile are missing. */
  resumedAfterLoss: boolean;
}

export interface SearchState extends SearchOptions {
  query: string;
  pattern: RegExp | null;
  /** The invalid regex's message. */
  error: string | null;
  /** Occurrences in the lines the view shows. */
  count: number;
  /** Still going through older lines: the count can grow. */
  scanning: boolean;
  /** The match last moved to, with its index among `count`. */
  current: (MatchPosition & { index: number }) | null;
}

/** What the list renders; a new object only when what it shows changed. */
export interface ViewState {
  /** Changes when the buffer is replaced (another stream): positions from before mean nothing now. */
  epoch: number;
  source: LineSource;
  /** Changes whenever `source`'s content does (it grows in place while following). */
  version: number;
  following: boolean;
  search: SearchState;
}

export interface LogSessionOptions {
  api: Api;
  cap?: number;
  /** Runs a callback before the next paint; returns a cancel. */
  scheduleFrame?: (callback: () => void) => () => void;
  now?: () => number;
}

type StreamEvent = { kind: 'lines'; event: LogLinesEvent } | { kind: 'status'; event: LogStatusEvent };

/** How long one frame may spend scanning for search matches. */
const searchBudgetMs = 6;
const rateWindowMs = 1000;

/**
 * One log view's stream and buffer, outside React: lines arrive as events, wait in a queue, and
 * enter the bounded buffer once per animation frame, when the view is told to render once. A
 * paused view shows a frozen copy while the buffer goes on receiving. Search runs over the buffer a
 * slice per frame.
 */
export class LogSession {
  readonly cap: number;
  private store: LineStore;
  private frozen: FrozenLines | null = null;
  private request: StreamRequest | null = null;
  private streamId: string | null = null;
  private generation = 0;
  private attached = false;
  /** Events that arrived while `logs:open` was in flight (the server starts sending before it answers). */
  private early: StreamEvent[] = [];
  private earlyLines = 0;
  private pending: LogLine[][] = [];
  private pendingCount = 0;
  private cancelFrame: (() => void) | null = null;
  private rateTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly arrivals: { at: number; count: number }[] = [];
  private searchOptions: SearchOptions & { query: string } = {
    query: '',
    regex: false,
    caseSensitive: false,
  };
  private searchError: string | null = null;
  private index: SearchIndex | null = null;
  private current: MatchPosition | null = null;
  private visible = { first: 0, end: 0 };
  private phase: StreamPhase = 'idle';
  private error: IpcError | null = null;
  private serverDropped = 0;
  private connectionLost = false;
  private resumedAfterLoss = false;
  private version = 0;
  private epoch = 0;
  private viewState: ViewState;
  private statusState: StreamStatus;
  private readonly listeners = new Set<() => void>();
  private readonly scheduleFrame: (callback: () => void) => () => void;
  private readonly now: () => number;

  constructor(private readonly options: LogSessionOptions) {
    this.cap = options.cap ?? defaultLineCap;
    this.store = new LineStore(this.cap);
    this.scheduleFrame = options.scheduleFrame ?? animationFrame;
    this.now = options.now ?? (() => performance.now());
    this.viewState = this.buildView(undefined);
    this.statusState = this.buildStatus();
  }

  /**
   * Starts listening to the stream events; the returned function stops, closing the stream. A
   * session can attach again (React runs effects twice in development).
   */
  attach(): () => void {
    this.attached = true;
    const unsubscribers = [
      this.options.api.on('logs:lines', event => this.route({ kind: 'lines', event })),
      this.options.api.on('logs:status', event => this.route({ kind: 'status', event })),
    ];
    return () => {
      this.attached = false;
      this.generation++;
      this.closeStream();
      if (this.phase === 'opening' || this.phase === 'streaming' || this.phase === 'reconnecting') {
        this.phase = 'ended';
      }
      this.cancelFrame?.();
      this.cancelFrame = null;
      clearTimeout(this.rateTimer);
      for (const unsubscribe of unsubscribers) unsubscribe();
    };
  }

  readonly subscribe = (listener: () => void): Unsubscribe => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getView = (): ViewState => this.viewState;
  readonly getStatus = (): StreamStatus => this.statusState;

  /** Opens a stream (closing the one before) into an empty buffer. */
  async open(request: StreamRequest): Promise<void> {
    await this.start(request, { keepBuffer: false });
  }

  /** Opens the same stream again after it failed or ended. */
  async retry(): Promise<void> {
    if (this.request) await this.start(this.request, { keepBuffer: false });
  }

  /** Closes the stream; the buffer stays for reading, copying and export. */
  close(): void {
    this.generation++;
    this.closeStream();
    if (this.phase === 'opening' || this.phase === 'streaming' || this.phase === 'reconnecting') {
      this.phase = 'ended';
    }
    this.publish({ status: true });
  }

  /** Freezes the view; lines go on arriving into the buffer. */
  pause(): void {
    if (this.frozen) return;
    this.flushPending();
    this.frozen = this.store.snapshot();
    this.publish({ view: true, status: true });
  }

  /** Back to the newest lines, following. */
  follow(): void {
    if (!this.frozen) return;
    this.frozen = null;
    this.flushPending();
    this.publish({ view: true, status: true });
  }

  /** Empties the buffer (positions keep counting, so nothing held elsewhere points at new lines). */
  clear(): void {
    this.flushPending();
    this.store.clear();
    if (this.frozen) this.frozen = this.store.snapshot();
    this.current = null;
    this.restartSearch();
    this.publish({ view: true, status: true });
  }

  setSearch(query: string, options: SearchOptions): void {
    const next = { query, ...options };
    const previous = this.searchOptions;
    if (
      next.query === previous.query &&
      next.regex === previous.regex &&
      next.caseSensitive === previous.caseSensitive
    ) {
      return;
    }
    this.searchOptions = next;
    this.current = null;
    this.restartSearch();
    this.publish({ view: true });
    if (this.index) this.requestFrame();
  }

  /** Moves to the next match (from the top of the view when none is current); pauses the view. */
  nextMatch(): void {
    this.moveMatch(1);
  }

  previousMatch(): void {
    this.moveMatch(-1);
  }

  /** The rows on screen, so "next match" starts from what the user sees. */
  setVisibleRange(first: number, end: number): void {
    this.visible = { first, end };
  }

  /** Everything held, oldest first: the buffer plus the lines a paused view still shows. */
  allLines(): LineSource {
    return this.readable();
  }

  private async start(request: StreamRequest, { keepBuffer }: { keepBuffer: boolean }): Promise<void> {
    if (!this.attached) return;
    const generation = ++this.generation;
    this.closeStream();
    this.request = request;
    if (!keepBuffer) {
      this.epoch++;
      this.store = new LineStore(this.cap);
      this.frozen = null;
      this.pending = [];
      this.pendingCount = 0;
      this.arrivals.length = 0;
      this.current = null;
      this.serverDropped = 0;
      this.resumedAfterLoss = false;
      this.restartSearch();
    }
    this.early = [];
    this.earlyLines = 0;
    this.phase = 'opening';
    this.error = null;
    this.connectionLost = false;
    this.publish({ view: true, status: true });
    const result = await this.options.api.logs.open({
      pod: request.pod,
      container: request.container,
      previous: request.previous,
      follow: !request.previous,
      timestamps: true,
      ...(keepBuffer ? { tailLines: 0 } : request.tailLines === null ? {} : { tailLines: request.tailLines }),
    });
    if (generation !== this.generation) {
      if (result.ok) void this.options.api.logs.close({ streamId: result.value.streamId });
      return;
    }
    const early = this.early;
    this.early = [];
    this.earlyLines = 0;
    if (!result.ok) {
      this.phase = 'failed';
      this.error = result.error;
      this.publish({ status: true });
      return;
    }
    this.streamId = result.value.streamId;
    this.phase = 'streaming';
    if (keepBuffer) this.resumedAfterLoss = true;
    for (const item of early) this.route(item);
    this.publish({ status: true });
  }

  private closeStream(): void {
    const streamId = this.streamId;
    this.streamId = null;
    if (streamId) void this.options.api.logs.close({ streamId });
  }

  private route(item: StreamEvent): void {
    if (this.streamId === null) {
      // Not ours yet, perhaps: the open call has not answered. Bounded like the buffer.
      if (this.phase === 'opening') {
        this.early.push(item);
        this.earlyLines += item.kind === 'lines' ? item.event.lines.length : 0;
        while (this.earlyLines > this.cap && this.early.length > 1) {
          const dropped = this.early.shift();
          this.earlyLines -= dropped?.kind === 'lines' ? dropped.event.lines.length : 0;
        }
      }
      return;
    }
    if (item.event.streamId !== this.streamId) return;
    if (item.kind === 'lines') this.receive(item.event.lines);
    else this.applyStatus(item.event);
  }

  private receive(lines: LogLine[]): void {
    if (lines.length === 0) return;
    this.pending.push(lines);
    this.pendingCount += lines.length;
    this.arrivals.push({ at: this.now(), count: lines.length });
    // Frames stop while the window is hidden: keep memory bounded by moving lines into the buffer.
    if (this.pendingCount > this.cap) this.flushPending();
    this.requestFrame();
  }

  private applyStatus(event: LogStatusEvent): void {
    this.phase = event.state;
    this.error = event.error;
    this.serverDropped = event.dropped;
    if (event.state === 'ended' || event.state === 'failed') this.streamId = null;
    this.requestFrame();
    this.publish({ status: true });
  }

  /** The connection to Clawbar (the devhost's WebSocket) changed. */
  setConnection(status: ConnectionStatus): void {
    const live = this.phase === 'opening' || this.phase === 'streaming' || this.phase === 'reconnecting';
    if (status !== 'open') {
      if (!live || this.connectionLost) return;
      // The server ends this window's streams with the connection; reopen when it is back.
      this.generation++;
      this.streamId = null;
      this.connectionLost = true;
      this.phase = 'reconnecting';
      this.publish({ status: true });
      return;
    }
    if (this.connectionLost && this.request) void this.start(this.request, { keepBuffer: true });
  }

  private requestFrame(): void {
    if (this.cancelFrame || !this.attached) return;
    this.cancelFrame = this.scheduleFrame(() => {
      this.cancelFrame = null;
      this.frame();
    });
  }

  private frame(): void {
    const appended = this.flushPending();
    let searchMoved = false;
    if (this.index) {
      const before = this.index.scanned;
      const readable = this.readable();
      this.index.trim(readable.firstOrdinal);
      const done = this.index.advance(readable, this.now() + searchBudgetMs, this.now);
      searchMoved = this.index.scanned !== before;
      if (!done) this.requestFrame();
    }
    if (this.current && this.current.ordinal < this.viewRange().first) this.current = null;
    this.publish({ view: appended > 0 ? !this.frozen : searchMoved, status: true });
    clearTimeout(this.rateTimer);
    // Once lines stop, the rate shown decays to zero.
    if (appended > 0) this.rateTimer = setTimeout(() => this.publish({ status: true }), rateWindowMs + 50);
  }

  private flushPending(): number {
    if (this.pendingCount === 0) return 0;
    const count = this.pendingCount;
    for (const batch of this.pending) this.store.append(batch);
    this.pending = [];
    this.pendingCount = 0;
    return count;
  }

  private restartSearch(): void {
    const { query, regex, caseSensitive } = this.searchOptions;
    const compiled = compileSearch(query, { regex, caseSensitive });
    this.searchError = compiled && !compiled.ok ? compiled.error : null;
    this.index = compiled?.ok ? new SearchIndex(compiled.pattern, this.readable().firstOrdinal) : null;
  }

  private moveMatch(step: 1 | -1): void {
    if (!this.index) return;
    this.pause();
    const { first, end } = this.viewRange();
    const count = this.index.countIn(first, end);
    if (count === 0) return;
    const at = this.current ? this.index.indexOf(first, end, this.current) : -1;
    let k: number;
    if (at >= 0) k = (at + step + count) % count;
    else if (step === 1) {
      k = this.index.countBefore(first, this.visible.first);
      if (k >= count) k = 0;
    } else {
      k = this.index.countBefore(first, this.visible.end) - 1;
      if (k < 0) k = count - 1;
    }
    this.current = this.index.at(first, end, k);
    this.publish({ view: true });
  }

  /** The lines the view shows. */
  private viewRange(): { first: number; end: number } {
    const source = this.frozen ?? this.store;
    return { first: source.firstOrdinal, end: source.endOrdinal };
  }

  /** The buffer, and the older lines a frozen view still holds. */
  private readable(): LineSource {
    const { store, frozen } = this;
    if (!frozen || frozen.firstOrdinal >= store.firstOrdinal) return store;
    return {
      firstOrdinal: frozen.firstOrdinal,
      endOrdinal: store.endOrdinal,
      longestLine: Math.max(store.longestLine, frozen.longestLine),
      get: ordinal => store.get(ordinal) ?? frozen.get(ordinal),
    };
  }

  private publish(changed: { view?: boolean; status?: boolean }): void {
    if (changed.view) {
      this.version++;
      this.viewState = this.buildView(this.viewState);
    }
    if (changed.status) {
      const next = this.buildStatus();
      if (!sameStatus(next, this.statusState)) this.statusState = next;
    }
    for (const listener of this.listeners) listener();
  }

  private buildView(previous: ViewState | undefined): ViewState {
    const { first, end } = this.viewRange();
    const index = this.index;
    let current: SearchState['current'] = null;
    if (index && this.current) {
      const at = index.indexOf(first, end, this.current);
      if (at >= 0) current = { ...this.current, index: at };
    }
    const search: SearchState = {
      ...this.searchOptions,
      pattern: index?.pattern ?? null,
      error: this.searchError,
      count: index ? index.countIn(first, end) : 0,
      scanning: index ? index.scanned < this.store.endOrdinal : false,
      current,
    };
    return {
      epoch: this.epoch,
      source: this.frozen ?? this.store,
      version: this.version,
      following: !this.frozen,
      // The same object while nothing in it changed, so the search bar stays still while lines flow.
      search: previous && sameSearch(search, previous.search) ? previous.search : search,
    };
  }

  private buildStatus(): StreamStatus {
    const now = this.now();
    while (this.arrivals.length > 0 && (this.arrivals[0]?.at ?? now) < now - rateWindowMs)
      this.arrivals.shift();
    const rate = this.arrivals.reduce((sum, arrival) => sum + arrival.count, 0) / (rateWindowMs / 1000);
    return {
      request: this.request,
      phase: this.phase,
      error: this.error,
      serverDropped: this.serverDropped,
      evicted: this.store.dropped,
      held: Math.min(this.cap, this.store.length + this.pendingCount),
      cap: this.cap,
      rate,
      newLines: this.frozen ? this.store.endOrdinal + this.pendingCount - this.frozen.endOrdinal : 0,
      connectionLost: this.connectionLost,
      resumedAfterLoss: this.resumedAfterLoss,
    };
  }
}

function sameSearch(a: SearchState, b: SearchState): boolean {
  const { current: currentA, ...restA } = a;
  const { current: currentB, ...restB } = b;
  const sameCurrent =
    currentA === currentB ||
    (currentA !== null &&
      currentB !== null &&
      currentA.ordinal === currentB.ordinal &&
      currentA.occurrence === currentB.occurrence &&
      currentA.index === currentB.index);
  return (
    sameCurrent && (Object.keys(restA) as (keyof typeof restA)[]).every(key => restA[key] === restB[key])
  );
}

function sameStatus(a: StreamStatus, b: StreamStatus): boolean {
  return (Object.keys(a) as (keyof StreamStatus)[]).every(key => a[key] === b[key]);
}

function animationFrame(callback: () => void): () => void {
  if (typeof requestAnimationFrame === 'function') {
    const handle = requestAnimationFrame(() => callback());
    return () => cancelAnimationFrame(handle);
  }
  const timer = setTimeout(callback, 16);
  return () => clearTimeout(timer);
}
