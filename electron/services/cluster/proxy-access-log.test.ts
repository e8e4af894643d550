import { describe, expect, it, vi } from 'vitest';

import { blockedRequestSchema, type BlockedRequest } from '../../../common/proxy-log';
import {
  BlockedRequests,
  accessLogFormat,
  isBlocked,
  parseAccessLog,
  parseAccessLogLine,
  type AccessLogRecord,
} from './proxy-access-log';

// Lines as Squid 5.7 wrote them with the rendered logformat (testing/squid records the same).
const denied = 'clawbar-access 1796359363.732 10.42.0.7 TCP_DENIED/403 GET b.com 80 3357';
const tunnel = 'clawbar-access 1796359363.748 10.42.0.7 TCP_TUNNEL/200 CONNECT a.com 443 68';
const deniedIpv6 = 'clawbar-access 1796359363.753 10.42.0.7 TCP_DENIED/403 CONNECT %5B::1%5D 443 3366';
const probe = 'clawbar-access 1796359363.719 127.0.0.1 NONE_NONE/000 - - - 0';

describe('parseAccessLogLine', () => {
  it('reads every field', () => {
    expect(parseAccessLogLine(denied)).toEqual({
      time: '2026-12-04T04:42:43.732Z',
      clientIp: '10.42.0.7',
      result: 'TCP_DENIED',
      status: 403,
      method: 'GET',
      host: 'b.com',
      port: 80,
      bytes: 3357,
    });
    expect(parseAccessLogLine(tunnel)).toMatchObject({
      result: 'TCP_TUNNEL',
      status: 200,
      method: 'CONNECT',
      port: 443,
    });
  });

  it('decodes the brackets Squid escapes in an IPv6 host', () => {
    expect(parseAccessLogLine(deniedIpv6)).toMatchObject({ host: '[::1]', port: 443 });
  });

  it('reads a connection that sent no request (no host, port or method)', () => {
    expect(parseAccessLogLine(probe)).toEqual({
      time: '2026-12-04T04:42:43.719Z',
      clientIp: '127.0.0.1',
      result: 'NONE_NONE',
      status: 0,
      method: '-',
      host: null,
      port: null,
      bytes: 0,
    });
  });

  it('accepts the timestamp prefix of `kubectl logs --timestamps` and a CRLF ending', () => {
    expect(parseAccessLogLine(`2026-12-04T04:42:43.733114021Z ${denied}\r`)).toMatchObject({ host: 'b.com' });
  });

  it.each([
    '',
    '2026/12/04 04:34:52| Accepting HTTP Socket connections at conn3 local=127.0.0.1:39128',
    '2026/12/04 04:34:52| WARNING: HTTP requires the use of Via',
    'clawbar-access',
    denied.slice(0, -5),
    `${denied} extra`,
    denied.replace('clawbar-access', 'other-access'),
    denied.replace(' 80 ', ' 70000 '),
    denied.replace(' 80 ', ' http '),
    denied.replace('TCP_DENIED/403', 'TCP_DENIED'),
    denied.replace('1796359363.732', 'yesterday'),
    `x ${denied}`,
  ])('skips %j', line => {
    expect(parseAccessLogLine(line)).toBeNull();
  });
});

describe('parseAccessLog', () => {
  it('counts what it skipped', () => {
    const { records, skipped } = parseAccessLog([
      denied,
      'garbage',
      tunnel,
      '2026/12/04 04:34:52| Squid started',
      probe,
    ]);
    expect(records.map(record => record.result)).toEqual(['TCP_DENIED', 'TCP_TUNNEL', 'NONE_NONE']);
    expect(skipped).toBe(2);
  });

  it('reads the format the config renders, field for field', () => {
    expect(accessLogFormat).toBe('clawbar-access %ts.%03tu %>a %Ss/%03>Hs %rm %>rd %>rP %<st');
  });
});

describe('isBlocked', () => {
  const record = (result: string): AccessLogRecord => ({ ...parseRequired(denied), result });
  it.each([
    ['TCP_DENIED', true],
    ['TCP_DENIED_REPLY', true],
    ['TCP_MISS', false],
    ['TCP_TUNNEL', false],
    ['NONE_NONE', false],
  ])('%s → %s', (result, blocked) => {
    expect(isBlocked(record(result))).toBe(blocked);
  });
});

describe('BlockedRequests', () => {
  const pods: Record<string, string> = { '10.42.0.7': 'openclaw-gateway-7d9f-abcde' };
  const podForIp = (ip: string): string | null => pods[ip] ?? null;
  const line = (
    seconds: number,
    host: string,
    port = 443,
    options: { ip?: string; method?: string; result?: string } = {},
  ) =>
    `clawbar-access ${seconds}.000 ${options.ip ?? '10.42.0.7'} ${options.result ?? 'TCP_DENIED/403'} ${options.method ?? 'CONNECT'} ${host} ${port} 3366`;
  const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();

  it('keeps one row per host and port with count, last time, method and pod', () => {
    const blocked = new BlockedRequests({ podForIp });
    blocked.ingest([
      line(100, 'evil.com'),
      line(101, 'evil.com', 80, { method: 'GET' }),
      line(102, 'evil.com'),
      line(103, 'other.org', 443, { ip: '10.42.0.99' }),
      line(104, 'a.com', 443, { result: 'TCP_TUNNEL/200' }),
    ]);
    expect(blocked.list()).toEqual([
      { host: 'other.org', port: 443, method: 'CONNECT', count: 1, lastSeen: iso(103), pod: null },
      {
        host: 'evil.com',
        port: 443,
        method: 'CONNECT',
        count: 2,
        lastSeen: iso(102),
        pod: 'openclaw-gateway-7d9f-abcde',
      },
      {
        host: 'evil.com',
        port: 80,
        method: 'GET',
        count: 1,
        lastSeen: iso(101),
        pod: 'openclaw-gateway-7d9f-abcde',
      },
    ]);
    for (const row of blocked.list()) expect(blockedRequestSchema.parse(row)).toEqual(row);
  });

  it('keeps the latest time, method and pod when an older line arrives late', () => {
    const blocked = new BlockedRequests({ podForIp });
    blocked.ingest([line(200, 'evil.com', 80, { method: 'POST' })]);
    blocked.ingest([line(150, 'evil.com', 80, { method: 'GET', ip: '10.42.0.99' })]);
    expect(blocked.list()).toEqual([
      {
        host: 'evil.com',
        port: 80,
        method: 'POST',
        count: 2,
        lastSeen: iso(200),
        pod: 'openclaw-gateway-7d9f-abcde',
      },
    ]);
  });

  it('keeps the pod seen before when the newest line comes from an IP no pod has any more', () => {
    const blocked = new BlockedRequests({ podForIp });
    blocked.ingest([line(1, 'evil.com'), line(2, 'evil.com', 443, { ip: '10.42.0.50' })]);
    expect(blocked.list()[0]?.pod).toBe('openclaw-gateway-7d9f-abcde');
  });

  it('resolves the pod when the line arrives, not later', () => {
    const owner = new Map([['10.42.0.7', 'old-pod']]);
    const blocked = new BlockedRequests({ podForIp: ip => owner.get(ip) ?? null });
    blocked.ingest([line(1, 'evil.com')]);
    owner.set('10.42.0.7', 'new-pod');
    expect(blocked.list()[0]?.pod).toBe('old-pod');
  });

  it('is bounded: beyond the capacity, the destination blocked longest ago goes', () => {
    const blocked = new BlockedRequests({ podForIp, capacity: 3 });
    blocked.ingest([line(10, 'a.com'), line(30, 'b.com'), line(20, 'c.com'), line(40, 'd.com')]);
    expect(blocked.list().map(row => row.host)).toEqual(['d.com', 'b.com', 'c.com']);
    blocked.ingest([line(50, 'c.com'), line(60, 'e.com')]);
    expect(blocked.list().map(row => row.host)).toEqual(['e.com', 'c.com', 'd.com']);
  });

  it('defaults to 200 destinations', () => {
    const blocked = new BlockedRequests({ podForIp });
    blocked.ingest(Array.from({ length: 250 }, (_, index) => line(index, `host${index}.com`)));
    const rows = blocked.list();
    expect(rows).toHaveLength(200);
    expect(rows.at(-1)?.host).toBe('host50.com');
  });

  it('fires once per batch that changed it, with the list newest first', () => {
    const blocked = new BlockedRequests({ podForIp });
    const seen: BlockedRequest[][] = [];
    blocked.onDidChange(list => seen.push(list));
    blocked.ingest([line(1, 'a.com'), line(2, 'b.com')]);
    blocked.ingest([line(3, 'a.com', 443, { result: 'TCP_TUNNEL/200' }), 'garbage', probe]);
    expect(seen.map(list => list.map(row => row.host))).toEqual([['b.com', 'a.com']]);
    blocked.clear();
    blocked.clear();
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual([]);
  });

  it('counts skipped lines and ignores denied lines without a host', () => {
    const blocked = new BlockedRequests({ podForIp });
    blocked.ingest(['garbage', '', 'clawbar-access 1.000 10.42.0.7 TCP_DENIED/400 NONE - - 3000']);
    expect(blocked.skipped).toBe(2);
    expect(blocked.list()).toEqual([]);
  });

  it('a listener that throws does not stop the others', () => {
    const onListenerError = vi.fn();
    const blocked = new BlockedRequests({ podForIp, onListenerError });
    const other = vi.fn();
    blocked.onDidChange(() => {
      throw new Error('listener bug');
    });
    blocked.onDidChange(other);
    blocked.ingest([line(1, 'a.com')]);
    expect(other).toHaveBeenCalledOnce();
    expect(onListenerError).toHaveBeenCalledOnce();
  });

  it('stops firing once disposed', () => {
    const blocked = new BlockedRequests({ podForIp });
    const listener = vi.fn();
    blocked.onDidChange(listener);
    blocked.dispose();
    blocked.ingest([line(1, 'a.com')]);
    expect(listener).not.toHaveBeenCalled();
  });
});

function parseRequired(line: string): AccessLogRecord {
  const record = parseAccessLogLine(line);
  if (!record) throw new Error(`unparsable: ${line}`);
  return record;
}
