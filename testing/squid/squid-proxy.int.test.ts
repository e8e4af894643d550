import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { allowlistEntryMatches } from '../../common/allowlist';
import { blockedRequestSchema } from '../../common/proxy-log';
import { BlockedRequests, isBlocked, parseAccessLog } from '../../electron/services/cluster/proxy-access-log';
import { renderSquidConfig, type LocalModelsAccess } from '../../electron/services/cluster/squid-config';
import { fakeInternetBanner } from './fake-internet';
import { connectThroughProxy, getThroughProxy, type ProxyAnswer } from './proxy-client';
import { findSquid, parseSquidConfig, squidMissingMessage, startSquid, type RunningSquid } from './squid';

/**
 * Real Squid running the rendered config (adapted only in ports and paths, testing/squid/
 * adapt-config.ts) in front of a fake internet: what the allowlist allows is forwarded, everything
 * else gets TCP_DENIED/403, for the tricky inputs too. The same table run against the manual
 * guide's ordering (`allow localnet` before the allowlist deny) lets every unlisted destination
 * through, and the access log Squid wrote parses into the blocked-request records.
 */
const squid = findSquid();
const allowlist = ['a.com', '.suffix.org', 'api.example.net'];
const localModels: LocalModelsAccess = {
  host: 'host.lima.internal',
  ip: '192.168.5.2',
  ports: [11434, 1234],
};
const gatewayPod = 'openclaw-gateway-5f7c9-x2x8k';
/** Another loopback address: a client outside the (test's) pod network 127.0.0.1/32. */
const outsider = '127.0.0.2';

type Why = 'listed' | 'local-models' | 'not-listed' | 'port' | 'connect-port' | 'outside-pod-network';

interface Case {
  /** `GET <url>` or `CONNECT <authority>`, exactly as sent. */
  request: string;
  why: Why;
  /** The destination as Squid sees it (lower case, no trailing dot), in the log and at the internet. */
  host: string;
  port: number;
  from?: string;
}

const allowedReasons: readonly Why[] = ['listed', 'local-models'];
const isAllowed = (testCase: Case): boolean => allowedReasons.includes(testCase.why);
const label = (testCase: Case): string =>
  `${testCase.request}${testCase.from ? ` from ${testCase.from}` : ''} (${testCase.why})`;

const allowlistCases: Case[] = [
  { request: 'GET http://a.com/', why: 'listed', host: 'a.com', port: 80 },
  { request: 'GET http://A.COM/', why: 'listed', host: 'a.com', port: 80 },
  { request: 'GET http://a.com./', why: 'listed', host: 'a.com', port: 80 },
  { request: 'GET http://suffix.org/', why: 'listed', host: 'suffix.org', port: 80 },
  { request: 'GET http://deep.sub.suffix.org/x', why: 'listed', host: 'deep.sub.suffix.org', port: 80 },
  { request: 'GET http://API.Example.NET./v1/models', why: 'listed', host: 'api.example.net', port: 80 },
  { request: 'CONNECT a.com:443', why: 'listed', host: 'a.com', port: 443 },
  { request: 'CONNECT A.COM.:443', why: 'listed', host: 'a.com', port: 443 },
  { request: 'CONNECT x.suffix.org:443', why: 'listed', host: 'x.suffix.org', port: 443 },
  { request: 'CONNECT X.Suffix.ORG.:443', why: 'listed', host: 'x.suffix.org', port: 443 },
  { request: 'GET http://b.com/', why: 'not-listed', host: 'b.com', port: 80 },
  { request: 'GET http://www.a.com/', why: 'not-listed', host: 'www.a.com', port: 80 },
  { request: 'GET http://evil-a.com/', why: 'not-listed', host: 'evil-a.com', port: 80 },
  { request: 'GET http://a.com.evil.net/', why: 'not-listed', host: 'a.com.evil.net', port: 80 },
  { request: 'GET http://notsuffix.org/', why: 'not-listed', host: 'notsuffix.org', port: 80 },
  { request: 'GET http://suffix.org.evil.net/', why: 'not-listed', host: 'suffix.org.evil.net', port: 80 },
  { request: 'GET http://example.net/', why: 'not-listed', host: 'example.net', port: 80 },
  { request: 'GET http://www.example.net/', why: 'not-listed', host: 'www.example.net', port: 80 },
  { request: 'GET http://1.2.3.4/', why: 'not-listed', host: '1.2.3.4', port: 80 },
  { request: 'GET http://127.0.0.1/', why: 'not-listed', host: '127.0.0.1', port: 80 },
  { request: 'GET http://2130706433/', why: 'not-listed', host: '127.0.0.1', port: 80 },
  { request: 'GET http://[::1]/', why: 'not-listed', host: '[::1]', port: 80 },
  { request: 'CONNECT b.com:443', why: 'not-listed', host: 'b.com', port: 443 },
  { request: 'CONNECT evil-a.com:443', why: 'not-listed', host: 'evil-a.com', port: 443 },
  { request: 'CONNECT 1.2.3.4:443', why: 'not-listed', host: '1.2.3.4', port: 443 },
  { request: 'CONNECT [2606:4700::1111]:443', why: 'not-listed', host: '[2606:4700::1111]', port: 443 },
  { request: 'GET http://a.com:8080/', why: 'port', host: 'a.com', port: 8080 },
  { request: 'GET http://suffix.org:22/', why: 'port', host: 'suffix.org', port: 22 },
  { request: 'CONNECT a.com:8443', why: 'connect-port', host: 'a.com', port: 8443 },
  { request: 'CONNECT a.com:80', why: 'connect-port', host: 'a.com', port: 80 },
  { request: 'CONNECT x.suffix.org:22', why: 'connect-port', host: 'x.suffix.org', port: 22 },
  { request: 'GET http://a.com/', from: outsider, why: 'outside-pod-network', host: 'a.com', port: 80 },
  { request: 'CONNECT a.com:443', from: outsider, why: 'outside-pod-network', host: 'a.com', port: 443 },
];

/** With local models off, the Mac's model servers are just another non-web port. */
const localModelsOffCases: Case[] = [
  {
    request: 'GET http://host.lima.internal:11434/api/version',
    why: 'port',
    host: 'host.lima.internal',
    port: 11434,
  },
  { request: 'GET http://192.168.5.2:11434/api/tags', why: 'port', host: '192.168.5.2', port: 11434 },
  { request: 'GET http://192.168.5.2:1234/v1/models', why: 'port', host: '192.168.5.2', port: 1234 },
];

const localModelsOnCases: Case[] = [
  {
    request: 'GET http://host.lima.internal:11434/api/version',
    why: 'local-models',
    host: 'host.lima.internal',
    port: 11434,
  },
  {
    request: 'GET http://HOST.LIMA.INTERNAL.:11434/api/tags',
    why: 'local-models',
    host: 'host.lima.internal',
    port: 11434,
  },
  {
    request: 'GET http://192.168.5.2:11434/api/version',
    why: 'local-models',
    host: '192.168.5.2',
    port: 11434,
  },
  { request: 'GET http://192.168.5.2:1234/v1/models', why: 'local-models', host: '192.168.5.2', port: 1234 },
  {
    request: 'GET http://host.lima.internal:1234/v1/models',
    why: 'local-models',
    host: 'host.lima.internal',
    port: 1234,
  },
  { request: 'GET http://a.com/', why: 'listed', host: 'a.com', port: 80 },
  { request: 'CONNECT a.com:443', why: 'listed', host: 'a.com', port: 443 },
  { request: 'GET http://b.com/', why: 'not-listed', host: 'b.com', port: 80 },
  { request: 'GET http://host.lima.internal/', why: 'not-listed', host: 'host.lima.internal', port: 80 },
  { request: 'CONNECT 192.168.5.2:443', why: 'not-listed', host: '192.168.5.2', port: 443 },
  { request: 'GET http://host.lima.internal:22/', why: 'port', host: 'host.lima.internal', port: 22 },
  { request: 'GET http://192.168.5.2:22/', why: 'port', host: '192.168.5.2', port: 22 },
  { request: 'GET http://192.168.5.3:11434/', why: 'port', host: '192.168.5.3', port: 11434 },
  { request: 'GET http://a.com:11434/', why: 'port', host: 'a.com', port: 11434 },
  {
    request: 'GET http://host.lima.internal.evil.net:11434/',
    why: 'port',
    host: 'host.lima.internal.evil.net',
    port: 11434,
  },
  {
    request: 'CONNECT host.lima.internal:11434',
    why: 'connect-port',
    host: 'host.lima.internal',
    port: 11434,
  },
  {
    request: 'GET http://host.lima.internal:11434/api/version',
    from: outsider,
    why: 'outside-pod-network',
    host: 'host.lima.internal',
    port: 11434,
  },
];

type Outcome = 'forwarded' | 'denied' | 'other';

async function send(proxy: RunningSquid, testCase: Case): Promise<{ outcome: Outcome; answer: ProxyAnswer }> {
  const before = proxy.internet.forwarded.length;
  const client = { proxyPort: proxy.port, ...(testCase.from ? { localAddress: testCase.from } : {}) };
  const [method = '', target = ''] = testCase.request.split(' ');
  const answer =
    method === 'CONNECT' ? await connectThroughProxy(client, target) : await getThroughProxy(client, target);
  const forwarded = proxy.internet.forwarded.slice(before);
  const reached =
    forwarded.length === 1 &&
    forwarded[0]?.method === method &&
    forwarded[0].host === testCase.host &&
    forwarded[0].port === testCase.port;
  if (answer.status === 200 && reached && answer.body.includes(fakeInternetBanner))
    return { outcome: 'forwarded', answer };
  if (answer.status === 403 && answer.squidError === 'ERR_ACCESS_DENIED 0' && forwarded.length === 0) {
    return { outcome: 'denied', answer };
  }
  return { outcome: 'other', answer };
}

async function outcomes(proxy: RunningSquid, cases: readonly Case[]): Promise<Map<Case, Outcome>> {
  const results = new Map<Case, Outcome>();
  for (const testCase of cases) results.set(testCase, (await send(proxy, testCase)).outcome);
  return results;
}

/** The manual guide's ordering: `allow localnet` before the allowlist deny. */
function guideOrdering(config: string): string {
  const deny = 'http_access deny !allowed_destinations';
  if (!config.includes(`\n${deny}\n`)) throw new Error('The rendered allowlist rule moved: update this test');
  return config.replace(`\n${deny}\n`, `\nhttp_access allow localnet\n${deny}\n`);
}

describe('the test table', () => {
  it('agrees with the allowlist semantics for every name case', () => {
    for (const testCase of [...allowlistCases, ...localModelsOnCases]) {
      if (testCase.why !== 'listed' && testCase.why !== 'not-listed') continue;
      const listed = allowlist.some(entry => allowlistEntryMatches(entry, testCase.host));
      expect(listed, label(testCase)).toBe(testCase.why === 'listed');
    }
  });
});

describe.skipIf(!squid)(
  squid ? 'real Squid with the rendered config' : `real Squid: ${squidMissingMessage}`,
  () => {
    const binary = squid ?? 'squid';
    const rendered = renderSquidConfig({ allowlist, localModels: null });
    const renderedWithLocalModels = renderSquidConfig({ allowlist, localModels });
    let proxy: RunningSquid;
    let proxyWithLocalModels: RunningSquid;
    let guideProxy: RunningSquid;
    let wildcardProxy: RunningSquid;
    const started: RunningSquid[] = [];

    beforeAll(async () => {
      const starts = await Promise.allSettled([
        startSquid(binary, rendered),
        startSquid(binary, renderedWithLocalModels),
        startSquid(binary, guideOrdering(rendered)),
        startSquid(
          binary,
          rendered.replace('acl allowlist dstdomain -n a.com\n', 'acl allowlist dstdomain -n *.wild.org\n'),
        ),
      ]);
      for (const start of starts) if (start.status === 'fulfilled') started.push(start.value);
      for (const start of starts) if (start.status === 'rejected') throw start.reason;
      [proxy, proxyWithLocalModels, guideProxy, wildcardProxy] = started as [
        RunningSquid,
        RunningSquid,
        RunningSquid,
        RunningSquid,
      ];
    });

    afterAll(async () => {
      await Promise.all(started.map(running => running.stop()));
    });

    describe('local models off', () => {
      it.each(
        [...allowlistCases, ...localModelsOffCases].map(testCase => [label(testCase), testCase] as const),
      )('%s', async (_label, testCase) => {
        const { outcome, answer } = await send(proxy, testCase);
        expect(outcome, JSON.stringify(answer).slice(0, 300)).toBe(
          isAllowed(testCase) ? 'forwarded' : 'denied',
        );
      });

      it('logged every request, and the blocked ones parse into the blocked-request records', async () => {
        const cases = [...allowlistCases, ...localModelsOffCases];
        const { records, skipped } = parseAccessLog(await proxy.accessLog());
        expect(skipped).toBe(0);
        // The harness's readiness probe connects without a request: Squid logs it as NONE_NONE.
        const requests = records.filter(record => record.method !== '-');
        expect(requests.map(record => [record.method, record.host, record.port, isBlocked(record)])).toEqual(
          cases.map(testCase => [
            testCase.request.split(' ')[0],
            testCase.host,
            testCase.port,
            !isAllowed(testCase),
          ]),
        );
        expect(
          requests.filter(isBlocked).every(record => record.result === 'TCP_DENIED' && record.status === 403),
        ).toBe(true);
        expect(requests.map(record => record.clientIp)).toEqual(
          cases.map(testCase => testCase.from ?? '127.0.0.1'),
        );

        const blocked = new BlockedRequests({ podForIp: ip => (ip === '127.0.0.1' ? gatewayPod : null) });
        blocked.add(records);
        const expected = new Map<
          string,
          { host: string; port: number; method: string; count: number; pod: string | null }
        >();
        for (const testCase of cases.filter(candidate => !isAllowed(candidate))) {
          const key = `${testCase.host} ${testCase.port}`;
          const method = testCase.request.split(' ')[0] ?? '';
          const row = expected.get(key);
          // A row keeps the pod it knew when the latest client is no pod (BlockedRequests).
          const pod = testCase.from ? (row?.pod ?? null) : gatewayPod;
          expected.set(key, {
            host: testCase.host,
            port: testCase.port,
            method,
            count: (row?.count ?? 0) + 1,
            pod,
          });
        }
        const rows = blocked.list();
        for (const row of rows) expect(blockedRequestSchema.parse(row)).toEqual(row);
        expect(
          rows
            .map(({ host, port, method, count, pod }) => ({ host, port, method, count, pod }))
            .sort((a, b) => `${a.host} ${a.port}`.localeCompare(`${b.host} ${b.port}`)),
        ).toEqual(
          [...expected.values()].sort((a, b) => `${a.host} ${a.port}`.localeCompare(`${b.host} ${b.port}`)),
        );
      });
    });

    describe('local models on', () => {
      it.each(localModelsOnCases.map(testCase => [label(testCase), testCase] as const))(
        '%s',
        async (_label, testCase) => {
          const { outcome, answer } = await send(proxyWithLocalModels, testCase);
          expect(outcome, JSON.stringify(answer).slice(0, 300)).toBe(
            isAllowed(testCase) ? 'forwarded' : 'denied',
          );
        },
      );
    });

    describe("the manual guide's ordering (allow localnet before the allowlist deny)", () => {
      it('is a config Squid accepts without a word', async () => {
        const result = await parseSquidConfig(binary, guideOrdering(rendered));
        expect(result.code).toBe(0);
      });

      it('fails the same table: every unlisted destination gets through', async () => {
        const cases = [...allowlistCases, ...localModelsOffCases];
        const results = await outcomes(guideProxy, cases);
        const failures = cases.filter(
          testCase => results.get(testCase) !== (isAllowed(testCase) ? 'forwarded' : 'denied'),
        );
        expect(failures.map(label)).toEqual(
          cases.filter(testCase => testCase.why === 'not-listed').map(label),
        );
        expect(failures.every(testCase => results.get(testCase) === 'forwarded')).toBe(true);
      });
    });

    describe('a hand-written wildcard, which validation refuses', () => {
      it('Squid reads `*.wild.org` literally: the subdomains it seems to allow are denied', async () => {
        for (const request of ['GET http://x.wild.org/', 'CONNECT x.wild.org:443', 'GET http://wild.org/']) {
          const [, target = ''] = request.split(' ');
          const host = target.replace(/^http:\/\//, '').replace(/[:/].*$/, '');
          const testCase: Case = {
            request,
            why: 'not-listed',
            host,
            port: request.startsWith('GET') ? 80 : 443,
          };
          expect((await send(wildcardProxy, testCase)).outcome, request).toBe('denied');
        }
      });
    });
  },
);
