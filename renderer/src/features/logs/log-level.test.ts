import { describe, expect, it } from 'vitest';

import { detectLevel } from './log-level';

describe('detectLevel', () => {
  it.each([
    ['{"level":"error","msg":"boom"}', 'error'],
    ['{"level":"warning","msg":"slow"}', 'warn'],
    ['{"lvl":"info","msg":"ok"}', 'info'],
    ['{"severity":"DEBUG","message":"x"}', 'debug'],
    ['{"level":50,"msg":"pino error"}', 'error'],
    ['{"level":40,"msg":"pino warn"}', 'warn'],
    ['{"level":30,"msg":"pino info"}', 'info'],
    ['{"level":10,"msg":"pino trace"}', 'debug'],
    ['{"log":{"level":"warn"},"message":"ecs"}', 'warn'],
    ['time="2026-12-03T10:00:00Z" level=warn msg="disk almost full"', 'warn'],
    ['ts=1 level="error" msg=x', 'error'],
    ['[ERROR] could not reach api.anthropic.com', 'error'],
    ['2026-12-03 10:00:00 [warn] retrying', 'warn'],
    ['[gateway] [INFO] listening', 'info'],
    ['E1203 10:00:00.000000       1 reflector.go:123] failed to list', 'error'],
    ['W1203 10:00:00.000000       1 warnings.go:70] deprecated', 'warn'],
    ['I1203 10:00:00.000000       1 server.go:42] started', 'info'],
    ['clawbar-access 1733220000.123 10.42.0.7 TCP_DENIED/403 CONNECT evil.example 443 0', 'warn'],
    [
      '1733220000.123    12 10.42.0.7 TCP_DENIED/403 3920 CONNECT evil.example:443 - HIER_NONE/- text/html',
      'warn',
    ],
    ['2026/12/03 10:00:00| WARNING: Squid is running out of file descriptors', 'warn'],
    ['2026/12/03 10:00:00| ERROR: cannot open /etc/squid/allowlist.txt', 'error'],
    ['2026/12/03 10:00:00| FATAL: Bungled squid.conf line 12', 'error'],
    ['error: EACCES: permission denied, open /home/node/.openclaw/openclaw.json', 'error'],
    ['2026-12-03T10:00:00.000Z info: gateway ready', 'info'],
    ['[openclaw] debug: loaded 3 plugins', 'debug'],
  ])('%s → %s', (line, level) => {
    expect(detectLevel(line)).toBe(level);
  });

  it.each([
    'gateway listening on 0.0.0.0:18789',
    'an error occurred while the user typed',
    'clawbar-access 1733220000.123 10.42.0.7 TCP_TUNNEL/200 CONNECT api.anthropic.com 443 5120',
    '{"msg":"no level here"}',
    '{"level":"constructor"}',
    '{not json at all',
    '',
  ])('leaves %j without a level', line => {
    expect(detectLevel(line)).toBeNull();
  });

  it('only reads the start of a very long line', () => {
    expect(detectLevel(`${'x'.repeat(10_000)} ERROR`)).toBeNull();
    expect(detectLevel(`[WARN] ${'x'.repeat(100_000)}`)).toBe('warn');
  });
});
