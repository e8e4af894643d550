import { describe, expect, it } from 'vitest';

import { mergeAllowlist, validateAllowlist } from '../../common/allowlist';
import { allowlistPresetIds } from '../../common/allowlist-presets';
import { renderSquidConfig, type SquidConfigOptions } from '../../electron/services/cluster/squid-config';
import { expectedSquidWarnings, findSquid, parseSquidConfig, squidMissingMessage } from './squid';

/**
 * Real Squid judges the rendered config (`squid -k parse`), and the list validation matches
 * Squid's own idea of a bad allowlist: what validation refuses as overlapping, Squid refuses or
 * warns about, naming the same entry to remove.
 */
const squid = findSquid();
const localModels = { host: 'host.lima.internal', ip: '192.168.5.2', ports: [11434, 1234] };

/** The rendered config with its allowlist lines replaced by hand-written ones: what the renderer refuses to write. */
function withHandWrittenAllowlist(entries: readonly string[]): string {
  const config = renderSquidConfig({ allowlist: ['placeholder.example.com'], localModels: null });
  const line = 'acl allowlist dstdomain -n placeholder.example.com';
  if (!config.includes(line)) throw new Error('The rendered allowlist line moved: update this test');
  return config.replace(line, entries.map(entry => `acl allowlist dstdomain -n ${entry}`).join('\n'));
}

describe.skipIf(!squid)(squid ? 'squid -k parse' : `squid -k parse: ${squidMissingMessage}`, () => {
  const run = (config: string) => parseSquidConfig(squid ?? 'squid', config);

  it.each<[string, SquidConfigOptions]>([
    ['an empty allowlist', { allowlist: [], localModels: null }],
    ['an empty allowlist with local models', { allowlist: [], localModels }],
    ['one host', { allowlist: ['api.anthropic.com'], localModels: null }],
    ['hosts and suffixes with local models', { allowlist: ['a.com', '.b.org', 'x.c.net'], localModels }],
    [
      'every preset, with local models',
      { allowlist: mergeAllowlist(allowlistPresetIds, []).entries, localModels },
    ],
    ['another port', { allowlist: ['a.com'], localModels: null, port: 8080 }],
  ])('accepts the rendered config for %s', async (_name, options) => {
    const result = await run(renderSquidConfig(options));
    expect(result.code, result.output).toBe(0);
    expect(result.problems).toEqual(expectedSquidWarnings);
  });

  describe('overlapping entries: validation and Squid agree on which pair collides', () => {
    // Squid names the entry it would drop. For a host under a suffix that is the host, as ours;
    // for `a.com` beside `.a.com` it names the suffix, which would lose every subdomain, so
    // validation asks to remove `a.com` instead (the suffix already allows it).
    it.each([
      [['.a.com', 'b.a.com'], 'warns', 'b.a.com', 'b.a.com'],
      [['b.a.com', '.a.com'], 'refuses', 'b.a.com', 'b.a.com'],
      [['.a.com', '.b.a.com'], 'warns', '.b.a.com', '.b.a.com'],
      [['.b.a.com', '.a.com'], 'refuses', '.b.a.com', '.b.a.com'],
      [['.a.com', 'a.com'], 'refuses', '.a.com', 'a.com'],
      [['a.com', '.a.com'], 'refuses', '.a.com', 'a.com'],
    ] as const)(
      '%j: Squid %s and names %s; validation flags %s',
      async (entries, verdict, squidNames, flagged) => {
        const result = await run(withHandWrittenAllowlist(entries));
        expect(result.code !== 0, result.output).toBe(verdict === 'refuses');
        expect(
          result.problems.some(line => line.includes('is a subdomain of')),
          result.output,
        ).toBe(true);
        const named = result.problems
          .map(line => /remove '([^']+)' from the ACL named 'allowlist'/.exec(line)?.[1])
          .filter(entry => entry !== undefined);
        expect(named).toEqual([squidNames]);
        const issues = validateAllowlist(entries).issues;
        expect(issues.map(issue => [issue.code, issue.entry])).toEqual([['covered-by-suffix', flagged]]);
        expect(new Set([issues[0]?.entry, issues[0]?.collidesWith?.entry])).toEqual(new Set(entries));
      },
    );
  });

  it('reads a leading hyphen as a flag and stops: validation refuses it first', async () => {
    const result = await run(withHandWrittenAllowlist(['-a.com']));
    expect(result.code).not.toBe(0);
    expect(
      result.problems.some(line => /^FATAL: Bungled .*acl allowlist dstdomain -n -a\.com/.test(line)),
    ).toBe(true);
    expect(validateAllowlist(['-a.com']).issues.map(issue => issue.code)).toEqual(['hostname-hyphen']);
  });

  it.each([['*.a.com'], ['1.1.1.1'], ['10.0.0.0/8'], ['a.com:443'], ['bücher.de'], ['a.com', 'a.com']])(
    '%j: Squid says nothing, so only validation can catch it',
    async (...entries) => {
      const result = await run(withHandWrittenAllowlist(entries));
      expect(result.code).toBe(0);
      expect(result.problems).toEqual(expectedSquidWarnings);
      expect(validateAllowlist(entries).ok).toBe(false);
    },
  );
});
