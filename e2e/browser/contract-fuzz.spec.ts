import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { WebSocket } from 'ws';

import { contract, invokeChannels } from '../../common/contract';
import { errorCodes, ipcErrorSchema } from '../../common/errors';
import { wsServerFrameSchema, type WsServerFrame } from '../../common/ws-protocol';
import { expect, test } from './devhost';

/** Small deterministic PRNG (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function garbage(next: () => number, depth = 0): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 7 : 10));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return next() > 0.5;
    case 2:
      return Math.floor(next() * 2 ** 40) - 2 ** 39;
    case 3:
      return next() * 1e308;
    case 4:
      return 'x'.repeat(Math.floor(next() * 5000));
    case 5:
      return ['en', 'fr', 'system', 'dark', '', '../../etc/passwd', '\u0000', '💥'][Math.floor(next() * 8)];
    case 6:
      return -0;
    case 7:
      return Array.from({ length: Math.floor(next() * 4) }, () => garbage(next, depth + 1));
    default: {
      const keys = [
        'vm',
        'cpus',
        'language',
        'metrics',
        '__proto__',
        'constructor',
        'appearance',
        'memoryGiB',
        'x',
      ];
      const object: Record<string, unknown> = {};
      for (let index = 0; index < Math.floor(next() * 4); index++) {
        object[keys[Math.floor(next() * keys.length)] ?? 'x'] = garbage(next, depth + 1);
      }
      return object;
    }
  }
}

test('malformed payloads on every channel get typed errors and the devhost keeps serving', async ({
  devhost,
}) => {
  const settingsBefore = await readFile(join(devhost.home, 'settings.json'), 'utf8').catch(() => null);
  const socket = new WebSocket(`ws://127.0.0.1:${devhost.port}/api?token=${devhost.token}`, {
    headers: { Origin: devhost.origin },
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const waiting = new Map<number, (frame: WsServerFrame) => void>();
  socket.on('message', data => {
    const frame = wsServerFrameSchema.parse(JSON.parse((data as Buffer).toString('utf8')));
    if (frame.type === 'result') waiting.get(frame.id)?.(frame);
  });
  let nextId = 1;
  const invoke = (channel: string, input: unknown) => {
    const id = nextId++;
    const answer = new Promise<WsServerFrame>(resolve => waiting.set(id, resolve));
    socket.send(JSON.stringify({ type: 'invoke', id, channel, input }));
    return answer;
  };

  const next = random(20261203);
  let refused = 0;
  let updatesAccepted = 0;
  // Judged in plain code and asserted once: thousands of expect() calls would each be a traced step.
  const wrong: string[] = [];
  for (const channel of invokeChannels) {
    for (let round = 0; round < 60; round++) {
      const input = garbage(next);
      // JSON is what travels: judge validity on what the devhost actually receives.
      const sent: unknown = input === undefined ? undefined : JSON.parse(JSON.stringify(input));
      const valid = contract.invoke[channel].input.safeParse(sent).success;
      const frame = await invoke(channel, input);
      const shown = (JSON.stringify(sent) as string | undefined)?.slice(0, 200) ?? 'undefined';
      if (frame.type !== 'result') throw new Error(`expected a result frame, got ${frame.type}`);
      const { result } = frame;
      if (valid) {
        if (!result.ok) wrong.push(`${channel} ${shown}: a valid input was refused (${result.error.code})`);
        else if (channel === 'settings:update') updatesAccepted++;
        continue;
      }
      refused++;
      if (result.ok) wrong.push(`${channel} ${shown}: an invalid input was accepted`);
      else if (!ipcErrorSchema.safeParse(result.error).success || !errorCodes.includes(result.error.code)) {
        wrong.push(`${channel} ${shown}: not a typed error: ${JSON.stringify(result.error).slice(0, 200)}`);
      } else if (result.error.code !== 'invalid-input') {
        wrong.push(`${channel} ${shown}: refused with ${result.error.code}, not invalid-input`);
      }
    }
  }
  expect(wrong).toEqual([]);
  expect(refused).toBeGreaterThan(invokeChannels.length * 40);

  // Unknown channels and broken frames, too.
  expect(await invoke('settings:delete-everything', {})).toMatchObject({
    result: { ok: false, error: { code: 'unknown-channel' } },
  });

  // Still serving, with a valid AppState, and the settings file changed only by accepted updates.
  const state = await invoke('app:get-state', undefined);
  expect(state).toMatchObject({ type: 'result', result: { ok: true } });
  const settingsAfter = await readFile(join(devhost.home, 'settings.json'), 'utf8').catch(() => null);
  if (updatesAccepted === 0) expect(settingsAfter).toBe(settingsBefore);
  else expect(() => JSON.parse(settingsAfter ?? '') as unknown).not.toThrow();
  socket.close();
});
