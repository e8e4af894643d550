import { describe, expect, it } from 'vitest';

import {
  allowlistView,
  allowlistCollisionCodes,
  allowlistEntryMatches,
  allowlistProblemCodes,
  mergeAllowlist,
  validateAllowlist,
  validateAllowlistEntry,
  type AllowlistProblemCode,
} from './allowlist';
import { allowlistPresetIds, allowlistPresets } from './allowlist-presets';
import { messageKeys, messages, placeholders, translate } from './i18n';

const label63 = 'x'.repeat(63);
const name253 = [label63, label63, label63, 'y'.repeat(61)].join('.');

describe('validateAllowlistEntry accepts and normalises', () => {
  it.each([
    ['api.github.com', 'api.github.com'],
    ['  API.GitHub.COM  ', 'api.github.com'],
    ['a.com.', 'a.com'],
    ['.Slack.COM.', '.slack.com'],
    ['.huggingface.co', '.huggingface.co'],
    ['xn--bcher-kva.de', 'xn--bcher-kva.de'],
    ['1password.com', '1password.com'],
    ['a-b.example.co.uk', 'a-b.example.co.uk'],
    ['under_score.example.com', 'under_score.example.com'],
    [`${label63}.com`, `${label63}.com`],
    [name253, name253],
    [`.${name253}`, `.${name253}`],
  ])('%j → %j', (raw, entry) => {
    expect(validateAllowlistEntry(raw)).toEqual({ ok: true, entry });
  });
});

interface Refusal {
  raw: string;
  code: AllowlistProblemCode;
  params?: Record<string, string>;
}

const refusals: Refusal[] = [
  { raw: '', code: 'empty' },
  { raw: '   ', code: 'empty' },
  { raw: 'https://api.github.com/v1/x', code: 'has-scheme', params: { suggestion: 'api.github.com' } },
  { raw: 'http://user@A.com:8080/x', code: 'has-scheme', params: { suggestion: 'a.com' } },
  { raw: 'HTTP://[::1]/', code: 'has-scheme', params: {} },
  { raw: 'ftp://intranet', code: 'has-scheme', params: {} },
  { raw: '*.a.com', code: 'wildcard', params: { suggestion: '.a.com' } },
  { raw: '*.A.com.', code: 'wildcard', params: { suggestion: '.a.com' } },
  { raw: 'a.*.com', code: 'wildcard', params: {} },
  { raw: '*', code: 'wildcard', params: {} },
  { raw: '10.0.0.0/8', code: 'cidr' },
  { raw: '1.2.3.4/32', code: 'cidr' },
  { raw: '::/0', code: 'cidr' },
  { raw: '2001:db8::/32', code: 'cidr' },
  { raw: '1.1.1.1', code: 'ip-address' },
  { raw: '1.1.1.1.', code: 'ip-address' },
  { raw: '127.1', code: 'ip-address' },
  { raw: '0x7f.0.0.1', code: 'ip-address' },
  { raw: '2130706433', code: 'ip-address' },
  { raw: '::1', code: 'ip-address' },
  { raw: '[::1]', code: 'ip-address' },
  { raw: '[::1]:443', code: 'ip-address' },
  { raw: '1.1.1.1:443', code: 'ip-address' },
  { raw: '::ffff:1.2.3.4', code: 'ip-address' },
  { raw: 'fe80::1%eth0', code: 'ip-address' },
  { raw: 'a.com/x', code: 'has-path', params: { suggestion: 'a.com' } },
  { raw: 'a.com?q=1', code: 'has-path', params: { suggestion: 'a.com' } },
  { raw: 'a.com:443/x', code: 'has-path', params: { suggestion: 'a.com' } },
  { raw: 'a.com:443', code: 'has-port', params: { port: '443', suggestion: 'a.com' } },
  { raw: 'A.com.:8080', code: 'has-port', params: { port: '8080', suggestion: 'a.com' } },
  { raw: 'a.com:', code: 'has-port', params: { port: '', suggestion: 'a.com' } },
  { raw: 'bücher.de', code: 'non-ascii', params: { suggestion: 'xn--bcher-kva.de' } },
  { raw: '.Bücher.de', code: 'non-ascii', params: { suggestion: '.xn--bcher-kva.de' } },
  { raw: 'пример.рф', code: 'non-ascii', params: { suggestion: 'xn--e1afmkfd.xn--p1ai' } },
  { raw: 'a .com', code: 'hostname-bad-character', params: { character: ' ' } },
  { raw: 'user@a.com', code: 'hostname-bad-character', params: { character: '@' } },
  { raw: 'a!b.com', code: 'hostname-bad-character', params: { character: '!' } },
  { raw: 'a\tb.com', code: 'hostname-bad-character', params: { character: '\t' } },
  { raw: 'a..com', code: 'hostname-empty-label' },
  { raw: '.', code: 'hostname-empty-label' },
  { raw: '..a.com', code: 'hostname-empty-label' },
  { raw: 'a.com..', code: 'hostname-empty-label' },
  {
    raw: `${'x'.repeat(64)}.com`,
    code: 'hostname-label-too-long',
    params: { label: 'x'.repeat(64), length: '64', max: '63' },
  },
  { raw: `${name253}z`, code: 'hostname-too-long', params: { length: '254', max: '253' } },
  // Squid reads a leading hyphen as an ACL flag: `-a.com` stops it ("Bungled … line").
  { raw: '-a.com', code: 'hostname-hyphen', params: { label: '-a' } },
  { raw: 'a-.com', code: 'hostname-hyphen', params: { label: 'a-' } },
  { raw: 'x.-b.com', code: 'hostname-hyphen', params: { label: '-b' } },
  { raw: 'a.123', code: 'hostname-numeric-tld', params: { label: '123' } },
  { raw: 'localhost', code: 'single-label' },
  { raw: 'Intranet.', code: 'single-label' },
  { raw: '.com', code: 'suffix-too-broad', params: { name: 'com' } },
  { raw: '.COM.', code: 'suffix-too-broad', params: { name: 'com' } },
];

describe('validateAllowlistEntry refuses', () => {
  it.each(refusals)('$raw → $code', ({ raw, code, params }) => {
    const result = validateAllowlistEntry(raw);
    expect(result).toMatchObject({ ok: false, code, params: { entry: raw.trim() } });
    if (params && !result.ok) {
      // Exactly these extra params: a missing suggestion must not turn into a wrong one.
      const { entry: _entry, ...extra } = result.params;
      expect(extra).toEqual(params);
    }
  });

  it('has a case for every problem code', () => {
    expect(new Set(refusals.map(refusal => refusal.code))).toEqual(new Set(allowlistProblemCodes));
  });
});

describe('validateAllowlist', () => {
  it('accepts a clean list and returns it normalised', () => {
    expect(validateAllowlist(['A.com.', '.b.com', 'evil-a.com', 'xa.com', '.a.org'])).toEqual({
      ok: true,
      entries: ['a.com', '.b.com', 'evil-a.com', 'xa.com', '.a.org'],
      issues: [],
    });
  });

  it('accepts an empty list', () => {
    expect(validateAllowlist([])).toEqual({ ok: true, entries: [], issues: [] });
  });

  it.each([
    [['.a.com', 'b.a.com'], 1, 0],
    [['b.a.com', '.a.com'], 0, 1],
    [['.a.com', 'a.com'], 1, 0],
    [['a.com', '.a.com'], 0, 1],
    [['.b.a.com', '.a.com'], 0, 1],
  ])('%j: the covered entry is reported, whatever the order', (entries, covered, by) => {
    const result = validateAllowlist(entries);
    expect(result.ok).toBe(false);
    expect(result.entries).toEqual([entries[by]]);
    expect(result.issues).toEqual([
      {
        index: covered,
        entry: entries[covered],
        code: 'covered-by-suffix',
        params: { entry: entries[covered], other: entries[by] },
        collidesWith: { index: by, entry: entries[by] },
      },
    ]);
  });

  it('reports an entry under nested suffixes against the broadest one', () => {
    const result = validateAllowlist(['.c.b.a.com', '.a.com', 'd.c.b.a.com', '.b.a.com']);
    expect(result.entries).toEqual(['.a.com']);
    expect(result.issues.map(issue => [issue.index, issue.collidesWith])).toEqual([
      [0, { index: 1, entry: '.a.com' }],
      [2, { index: 1, entry: '.a.com' }],
      [3, { index: 1, entry: '.a.com' }],
    ]);
  });

  it('reports the later of two duplicates, after normalising', () => {
    const result = validateAllowlist(['a.com', '.x.org', 'A.COM.', '.X.org']);
    expect(result.entries).toEqual(['a.com', '.x.org']);
    expect(result.issues).toEqual([
      {
        index: 2,
        entry: 'A.COM.',
        code: 'duplicate',
        params: { entry: 'A.COM.', other: 'a.com' },
        collidesWith: { index: 0, entry: 'a.com' },
      },
      {
        index: 3,
        entry: '.X.org',
        code: 'duplicate',
        params: { entry: '.X.org', other: '.x.org' },
        collidesWith: { index: 1, entry: '.x.org' },
      },
    ]);
  });

  it('reports invalid entries and collisions together, in list order', () => {
    const result = validateAllowlist([' 1.1.1.1 ', '.a.com', 'x.a.com', '*.b.com', 'b.com']);
    expect(result.entries).toEqual(['.a.com', 'b.com']);
    expect(result.issues.map(issue => [issue.index, issue.entry, issue.code])).toEqual([
      [0, '1.1.1.1', 'ip-address'],
      [2, 'x.a.com', 'covered-by-suffix'],
      [3, '*.b.com', 'wildcard'],
    ]);
  });
});

describe('allowlistEntryMatches (Squid dstdomain semantics)', () => {
  it.each([
    ['a.com', 'a.com', true],
    ['a.com', 'A.COM.', true],
    ['a.com', 'www.a.com', false],
    ['a.com', 'evil-a.com', false],
    ['.a.com', 'a.com', true],
    ['.a.com', 'x.y.a.com', true],
    ['.a.com', 'xa.com', false],
    ['.a.com', 'a.com.evil.net', false],
  ])('%s vs %s → %s', (entry, host, matches) => {
    expect(allowlistEntryMatches(entry, host)).toBe(matches);
  });
});

describe('presets', () => {
  it.each(allowlistPresetIds)('%s: every domain is valid, normalised and collision-free', id => {
    const domains = [...allowlistPresets[id].domains];
    expect(validateAllowlist(domains)).toEqual({ ok: true, entries: domains, issues: [] });
  });

  it('all presets together make a valid list', () => {
    const merged = mergeAllowlist(allowlistPresetIds, []);
    expect(merged.issues).toEqual([]);
    expect(validateAllowlist(merged.entries).ok).toBe(true);
    const everyDomain = allowlistPresetIds.flatMap(id => allowlistPresets[id].domains);
    expect(merged.entries.length + merged.notes.length).toBe(everyDomain.length);
  });
});

describe('mergeAllowlist', () => {
  it('is the presets plus the user domains, sorted by name', () => {
    expect(mergeAllowlist(['telegram', 'anthropic'], ['Example.org.', '.cdn.example.net'])).toEqual({
      entries: ['api.anthropic.com', 'api.telegram.org', '.cdn.example.net', 'example.org'],
      notes: [],
      issues: [],
    });
  });

  it('drops a user domain that a preset suffix already allows, with a note', () => {
    expect(mergeAllowlist(['slack'], ['hooks.slack.com', 'slack.com', 'other.com'])).toEqual({
      entries: ['other.com', '.slack.com'],
      notes: [
        {
          entry: 'hooks.slack.com',
          source: { kind: 'user', index: 0 },
          code: 'covered-by-suffix',
          coveredBy: '.slack.com',
          coveredBySource: { kind: 'preset', preset: 'slack' },
        },
        {
          entry: 'slack.com',
          source: { kind: 'user', index: 1 },
          code: 'covered-by-suffix',
          coveredBy: '.slack.com',
          coveredBySource: { kind: 'preset', preset: 'slack' },
        },
      ],
      issues: [],
    });
  });

  it('drops preset entries that a user suffix already allows', () => {
    const merged = mergeAllowlist(['github', 'npm'], ['.GitHub.com']);
    expect(merged.entries).toEqual(['.github.com', 'objects.githubusercontent.com', 'registry.npmjs.org']);
    expect(merged.notes.map(note => [note.entry, note.source, note.coveredBy])).toEqual([
      ['github.com', { kind: 'preset', preset: 'github' }, '.github.com'],
      ['api.github.com', { kind: 'preset', preset: 'github' }, '.github.com'],
      ['codeload.github.com', { kind: 'preset', preset: 'github' }, '.github.com'],
    ]);
    expect(merged.issues).toEqual([]);
  });

  it('notes a user domain a preset already has', () => {
    const merged = mergeAllowlist(['anthropic', 'anthropic'], ['API.anthropic.com']);
    expect(merged.entries).toEqual(['api.anthropic.com']);
    expect(merged.notes).toEqual([
      {
        entry: 'api.anthropic.com',
        source: { kind: 'user', index: 0 },
        code: 'duplicate',
        coveredBy: 'api.anthropic.com',
        coveredBySource: { kind: 'preset', preset: 'anthropic' },
      },
    ]);
  });

  it("reports the user's invalid and colliding entries as issues and leaves them out", () => {
    const merged = mergeAllowlist(
      ['openai'],
      ['https://x.example.com/', '.example.com', 'a.example.com', 'ok.org'],
    );
    expect(merged.entries).toEqual(['api.openai.com', '.example.com', 'ok.org']);
    expect(merged.issues.map(issue => [issue.index, issue.code])).toEqual([
      [0, 'has-scheme'],
      [2, 'covered-by-suffix'],
    ]);
    expect(merged.notes).toEqual([]);
  });

  it('with nothing switched on is empty', () => {
    expect(mergeAllowlist([], [])).toEqual({ entries: [], notes: [], issues: [] });
  });
});

describe('allowlist sentences', () => {
  const languages = ['en', 'fr'] as const;

  it('every problem and collision code has a sentence in both languages', () => {
    for (const language of languages) {
      const keys = new Set(messageKeys(messages[language]));
      for (const code of [...allowlistProblemCodes, ...allowlistCollisionCodes]) {
        expect(keys.has(`allowlist.problems.${code}`), `${language}: ${code}`).toBe(true);
      }
      for (const code of allowlistCollisionCodes) {
        expect(keys.has(`allowlist.notes.${code}`), `${language}: note ${code}`).toBe(true);
      }
    }
  });

  it('every placeholder of a sentence is filled by the params the validation gives', () => {
    const results = [
      ...refusals.map(refusal => validateAllowlistEntry(refusal.raw)),
      ...validateAllowlist(['a.com', 'a.com', '.b.com', 'x.b.com']).issues.map(issue => ({
        ok: false as const,
        ...issue,
      })),
    ];
    for (const result of results) {
      if (result.ok) throw new Error('expected a refusal');
      for (const language of languages) {
        const sentence = translate(language, `allowlist.problems.${result.code}`, result.params);
        expect(placeholders(sentence), `${language}: ${result.code}`).toEqual([]);
      }
    }
    expect(placeholders(translate('fr', 'allowlist.suggestion', { suggestion: '.a.com' }))).toEqual([]);
  });
});

describe('allowlistView', () => {
  it('reports the saved choices, the effective list, the covered user domains and what the proxy runs', () => {
    const view = allowlistView(['huggingface'], ['cdn.huggingface.co', 'Example.org'], ['example.org']);
    expect(view).toEqual({
      presets: ['huggingface'],
      domains: ['cdn.huggingface.co', 'Example.org'],
      effective: mergeAllowlist(['huggingface'], ['cdn.huggingface.co', 'Example.org']).entries,
      covered: [{ domain: 'cdn.huggingface.co', by: '.huggingface.co' }],
      applied: ['example.org'],
    });
    expect(view.effective).toContain('example.org');
    expect(view.effective).not.toContain('cdn.huggingface.co');
  });
});
