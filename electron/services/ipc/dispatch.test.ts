import { describe, expect, it } from 'vitest';

import { invokeChannels } from '../../../common/contract';
import { ClawbarError } from '../../../common/errors';
import { defaultSettings } from '../../../common/settings';
import { createLogger, MemorySink } from '../platform/log';
import { localClient } from './clients';
import { dispatch, type Handlers } from './dispatch';

const view = { settings: defaultSettings(), recovery: null };

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const unused = () => {
    throw new Error('not used in this test');
  };
  // Every channel refuses to be called, except the few a test gives (and the settings ones).
  const all = Object.fromEntries(invokeChannels.map(channel => [channel, unused])) as unknown as Handlers;
  return {
    ...all,
    'settings:get': () => view,
    'settings:update': () => view,
    'settings:dismiss-recovery': () => view,
    ...overrides,
  };
}

const context = { client: localClient('test') };

describe('dispatch', () => {
  it('answers ok with the handler output', async () => {
    const log = createLogger({ sinks: [] });
    expect(await dispatch(handlers(), 'settings:get', undefined, context, log)).toEqual({
      ok: true,
      value: view,
    });
  });

  it.each([['nope:never'], [42], [null], ['__proto__'], ['constructor'], ['toString']])(
    'refuses the unknown channel %j',
    async channel => {
      const result = await dispatch(handlers(), channel, undefined, context, createLogger({ sinks: [] }));
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    },
  );

  it('refuses invalid input before the handler runs, with issues', async () => {
    let called = false;
    const result = await dispatch(
      handlers({
        'settings:update': () => {
          called = true;
          return view;
        },
      }),
      'settings:update',
      { vm: { cpus: 'many' } },
      context,
      createLogger({ sinks: [] }),
    );
    expect(called).toBe(false);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', issues: [{ path: 'vm.cpus' }] },
    });
  });

  it('refuses input on channels that take none', async () => {
    for (const channel of ['app:get-state', 'settings:get'] as const) {
      const result = await dispatch(handlers(), channel, { extra: 1 }, context, createLogger({ sinks: [] }));
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
  });

  it('passes a ClawbarError through with its code, redacted', async () => {
    const secret = 'sk-ant-api03-zzzzzzzzzzzzzzzzzzzzzz';
    const result = await dispatch(
      handlers({
        'settings:get': () => {
          throw new ClawbarError('exec-failed', `limactl failed with ${secret}`);
        },
      }),
      'settings:get',
      undefined,
      context,
      createLogger({ sinks: [] }),
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'exec-failed' } });
    expect(JSON.stringify(result)).not.toContain(secret);
  });

  it('hides unexpected errors behind `internal`, logging the detail', async () => {
    const sink = new MemorySink();
    const result = await dispatch(
      handlers({
        'settings:get': () => {
          throw new TypeError('cannot read x of undefined');
        },
      }),
      'settings:get',
      undefined,
      context,
      createLogger({ sinks: [sink] }),
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('cannot read x');
    expect(sink.text).toContain('cannot read x of undefined');
  });

  it('refuses an output that breaks the contract', async () => {
    const result = await dispatch(
      handlers({ 'settings:get': () => ({ settings: 'wrong' }) as never }),
      'settings:get',
      undefined,
      context,
      createLogger({ sinks: [] }),
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-output' } });
  });

  it('covers every channel of the contract', () => {
    expect(Object.keys(handlers()).sort()).toEqual([...invokeChannels].sort());
  });
});
