import { describe, expect, it } from 'vitest';

import type { InvokeOutput } from '../../../../common/contract';
import type { LogLine } from '../../../../common/logs';
import type { Result } from '../../../../common/result';
import { fakeBridge, type FakeBridge } from '../../test-support/fake-bridge';
import { LogSession, type StreamRequest } from './log-session';

type OpenResult = Result<InvokeOutput<'logs:open'>>;

/** A session on a fake bridge whose `logs:open` answers when the test says, and a manual frame clock. */
function setup(options: { cap?: number; autoOpen?: boolean } = {}) {
  let streams = 0;
  const opens: ((result: OpenResult) => void)[] = [];
  const bridge: FakeBridge = fakeBridge({
    'logs:open': input =>
      new Promise<OpenResult>(resolve => {
        const streamId = `stream-${++streams}`;
        const answer: OpenResult = {
          ok: true,
          value: { streamId, pod: input.pod, container: input.container ?? 'x' },
        };
        if (options.autoOpen === false) opens.push(resolve);
        else resolve(answer);
      }),
    'logs:close': () => ({ ok: true, value: true }),
  });
  const frames: (() => void)[] = [];
  const session = new LogSession({
    api: bridge.api,
    cap: options.cap ?? 1000,
    scheduleFrame: callback => {
      frames.push(callback);
      return () => frames.splice(frames.indexOf(callback), 1);
    },
    now: () => performance.now(),
  });
  const detach = session.attach();
  const runFrames = (): number => {
    let ran = 0;
    while (frames.length > 0 && ran < 1000) {
      frames.shift()?.();
      ran++;
    }
    return ran;
  };
  return { bridge, session, detach, frames, runFrames, opens };
}

const gateway: StreamRequest = {
  pod: 'openclaw-gateway-7d9f',
  container: 'gateway',
  previous: false,
  tailLines: 1000,
};

const lines = (from: number, count: number, text = (seq: number) => `line ${seq}`): LogLine[] =>
  Array.from({ length: count }, (_, index) => ({ seq: from + index, text: text(from + index), time: null }));

describe('LogSession', () => {
  it('opens a follow stream with times, and shows its batches once per frame', async () => {
    const { bridge, session, frames, runFrames } = setup();
    await session.open(gateway);
    expect(bridge.calls.find(call => call.channel === 'logs:open')?.input).toEqual({
      pod: 'openclaw-gateway-7d9f',
      container: 'gateway',
      previous: false,
      follow: true,
      timestamps: true,
      tailLines: 1000,
    });
    expect(session.getStatus().phase).toBe('streaming');
    const before = session.getView();
    bridge.emit('logs:lines', { streamId: 'stream-1', lines: lines(0, 3) });
    bridge.emit('logs:lines', { streamId: 'stream-1', lines: lines(3, 3) });
    bridge.emit('logs:lines', { streamId: 'stream-1', lines: lines(6, 3) });
    // Nothing shown until the frame; then all three batches at once.
    expect(session.getView()).toBe(before);
    expect(frames).toHaveLength(1);
    runFrames();
    const view = session.getView();
    expect(view.version).toBe(before.version + 1);
    expect(view.source.endOrdinal - view.source.firstOrdinal).toBe(9);
    expect(view.source.get(8)?.plain).toBe('line 8');
    expect(session.getStatus().held).toBe(9);
  });

  it('keeps what arrives before logs:open answers, for the stream it opens only', async () => {
    const { bridge, session, runFrames, opens } = setup({ autoOpen: false });
    const opening = session.open(gateway);
    expect(session.getStatus().phase).toBe('opening');
    bridge.emit('logs:status', { streamId: 'stream-1', state: 'streaming', dropped: 0, error: null });
    bridge.emit('logs:lines', { streamId: 'stream-1', lines: lines(0, 2) });
    bridge.emit('logs:lines', { streamId: 'someone-else', lines: lines(0, 5) });
    opens[0]?.({ ok: true, value: { streamId: 'stream-1', pod: gateway.pod, container: gateway.container } });
    await opening;
    runFrames();
    expect(session.getStatus()).toMatchObject({ phase: 'streaming', held: 2 });
  });

  it('closes the stream it replaces, ignores its late lines, and a stale open is closed on arrival', async () => {
    const { bridge, session, runFrames, opens } = setup({ autoOpen: false });
    const first = session.open(gateway);
    const second = session.open({ ...gateway, pod: 'egress-proxy-5c4b', container: 'squid' });
    opens[0]?.({ ok: true, value: { streamId: 'stream-1', pod: gateway.pod, container: 'gateway' } });
    await first;
    expect(bridge.calls.filter(call => call.channel === 'logs:close').map(call => call.input)).toEqual([
      { streamId: 'stream-1' },
    ]);
    opens[1]?.({ ok: true, value: { streamId: 'stream-2', pod: 'egress-proxy-5c4b', container: 'squid' } });
    await second;
    bridge.emit('logs:lines', { streamId: 'stream-1', lines: lines(0, 4) });
    bridge.emit('logs:lines', { streamId: 'stream-2', lines: lines(0, 1, () => 'squid line') });
    runFrames();
    expect(session.getStatus().held).toBe(1);
    expect(session.getView().source.get(0)?.plain).toBe('squid line');
    const third = session.open(gateway);
    expect(bridge.calls.filter(call => call.channel === 'logs:close').at(-1)?.input).toEqual({
      streamId: 'stream-2',
    });
    opens[2]?.({ ok: true, value: { streamId: 'stream-3', pod: gateway.pod, container: 'gateway' } });
    await third;
    expect(session.getStatus().held).toBe(0);
  });

  it('stays within its cap and counts what it dropped', async () => {
    const { bridge, session, runFrames } = setup({ cap: 100 });
    await session.open(gateway);
    for (let batch = 0; batch < 10; batch++)
      bridge.emit('logs:lines', { streamId: 'stream-1', lines: lines(batch * 100, 100) });
    runFrames();
    const { source } = session.getView();
    expect(session.getStatus()).toMatchObject({ held: 100, evicted: 900, cap: 100 });
    expect(source.get(source.firstOrdinal)?.seq).toBe(900);
  });

  it('pausing freezes the view while lines keep arriving; following shows them again', async () => {
    const { bridge, session, runFrames } = setup();
    await session.open(gateway);
    bridge.emit('logs:lines', { streamId: 'stream-1', lines: lines(0, 10) });
    runFrames();
    session.pause();
    const paused = session.getView();
    expect(paused.following).toBe(false);
    bridge.emit('logs:lines', { streamId: 'stream-1', lines: lines(10, 25) });
    runFrames();
    expect(session.getView()).toBe(paused);
    expect(paused.source.endOrdinal).toBe(10);
    expect(session.getStatus().newLines).toBe(25);
    session.follow();
    const live = session.getView();
    expect(live.following).toBe(true);
    expect(live.source.endOrdinal).toBe(35);
    expect(session.getStatus().newLines).toBe(0);
  });

  it('reports the stream’s states, errors and the lines the server dropped', async () => {
    const { bridge, session, runFrames } = setup();
    await session.open(gateway);
    bridge.emit('logs:status', { streamId: 'stream-1', state: 'reconnecting', dropped: 0, error: null });
    expect(session.getStatus().phase).toBe('reconnecting');
    bridge.emit('logs:status', { streamId: 'stream-1', state: 'streaming', dropped: 1200, error: null });
    expect(session.getStatus()).toMatchObject({ phase: 'streaming', serverDropped: 1200 });
    const error = { code: 'cluster-unreachable' as const, message: 'The log stream could not reconnect.' };
    bridge.emit('logs:status', { streamId: 'stream-1', state: 'failed', dropped: 1200, error });
    runFrames();
    expect(session.getStatus()).toMatchObject({ phase: 'failed', error });
    // The stream is over: nothing more is taken from it.
    bridge.emit('logs:lines', { streamId: 'stream-1', lines: lines(0, 3) });
    runFrames();
    expect(session.getStatus().held).toBe(0);
  });

  it('shows why logs:open failed, and tries again on request', async () => {
    let fail = true;
    const bridge = fakeBridge({
      'logs:open': () =>
        fail
          ? {
              ok: false,
              error: {
                code: 'cluster-bad-request',
                message: 'container "gateway" is waiting to start: ContainerCreating',
              },
            }
          : { ok: true, value: { streamId: 's', pod: gateway.pod, container: gateway.container } },
      'logs:close': () => ({ ok: true, value: true }),
    });
    const session = new LogSession({ api: bridge.api, scheduleFrame: () => () => undefined });
    session.attach();
    await session.open(gateway);
    expect(session.getStatus()).toMatchObject({ phase: 'failed', error: { code: 'cluster-bad-request' } });
    fail = false;
    await session.retry();
    expect(session.getStatus()).toMatchObject({ phase: 'streaming', error: null });
  });

  it('asks for the previous container without following, and the whole log when no tail is set', async () => {
    const { bridge, session } = setup();
    await session.open({ ...gateway, previous: true, tailLines: null });
    expect(bridge.calls.find(call => call.channel === 'logs:open')?.input).toEqual({
      pod: gateway.pod,
      container: gateway.container,
      previous: true,
      follow: false,
      timestamps: true,
    });
  });

  it('searches the buffer, moves between matches (pausing the view), and says when a regex is invalid', async () => {
    const { bridge, session, runFrames } = setup();
    await session.open(gateway);
    bridge.emit('logs:lines', {
      streamId: 'stream-1',
      lines: lines(0, 6, seq =>
        seq % 2 === 0 ? `request ${seq} ok` : `[ERROR] request ${seq} failed: error`,
      ),
    });
    runFrames();
    session.setSearch('error', { regex: false, caseSensitive: false });
    runFrames();
    expect(session.getView().search).toMatchObject({ count: 6, scanning: false, error: null, current: null });
    session.setVisibleRange(0, 6);
    session.nextMatch();
    let view = session.getView();
    expect(view.following).toBe(false);
    expect(view.search.current).toEqual({ ordinal: 1, occurrence: 0, index: 0 });
    session.nextMatch();
    expect(session.getView().search.current).toEqual({ ordinal: 1, occurrence: 1, index: 1 });
    session.previousMatch();
    session.previousMatch();
    expect(session.getView().search.current).toEqual({ ordinal: 5, occurrence: 1, index: 5 });
    session.setSearch('ERROR', { regex: false, caseSensitive: true });
    runFrames();
    expect(session.getView().search.count).toBe(3);
    session.setSearch('request (\\d+', { regex: true, caseSensitive: false });
    view = session.getView();
    expect(view.search.pattern).toBeNull();
    expect(view.search.error).toMatch(/Invalid regular expression/);
    session.setSearch('request [13] ', { regex: true, caseSensitive: false });
    runFrames();
    expect(session.getView().search.count).toBe(2);
  });

  it('counts matches in lines arriving while it follows', async () => {
    const { bridge, session, runFrames } = setup();
    await session.open(gateway);
    session.setSearch('TCP_DENIED', { regex: false, caseSensitive: true });
    bridge.emit('logs:lines', {
      streamId: 'stream-1',
      lines: lines(0, 4, seq => (seq === 2 ? 'x TCP_DENIED/403' : 'x TCP_TUNNEL/200')),
    });
    runFrames();
    expect(session.getView().search.count).toBe(1);
    bridge.emit('logs:lines', { streamId: 'stream-1', lines: lines(4, 2, () => 'x TCP_DENIED/403') });
    runFrames();
    expect(session.getView().search.count).toBe(3);
  });

  it('reopens after the connection to Clawbar comes back, keeping what it has', async () => {
    const { bridge, session, runFrames } = setup();
    await session.open(gateway);
    bridge.emit('logs:lines', { streamId: 'stream-1', lines: lines(0, 5) });
    runFrames();
    session.setConnection('reconnecting');
    expect(session.getStatus()).toMatchObject({ phase: 'reconnecting', connectionLost: true });
    session.setConnection('open');
    await Promise.resolve();
    await Promise.resolve();
    const reopen = bridge.calls.filter(call => call.channel === 'logs:open').at(-1);
    expect(reopen?.input).toMatchObject({ pod: gateway.pod, tailLines: 0 });
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(session.getStatus()).toMatchObject({
      phase: 'streaming',
      connectionLost: false,
      resumedAfterLoss: true,
      held: 5,
    });
  });

  it('closes its stream when detached', async () => {
    const { bridge, session, detach } = setup();
    await session.open(gateway);
    detach();
    expect(bridge.calls.filter(call => call.channel === 'logs:close').map(call => call.input)).toEqual([
      { streamId: 'stream-1' },
    ]);
  });
});
