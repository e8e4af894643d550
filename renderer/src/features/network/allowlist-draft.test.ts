import { describe, expect, it } from 'vitest';

import {
  addDomain,
  appliedStatus,
  checkNewDomain,
  draftOf,
  refusedEntries,
  removeDomain,
  sameDraft,
  togglePreset,
  type AllowlistDraft,
} from './allowlist-draft';

const draft = (overrides: Partial<AllowlistDraft> = {}): AllowlistDraft => ({
  presets: ['openclaw'],
  domains: [],
  ...overrides,
});

describe('checkNewDomain', () => {
  it('says nothing about an empty field', () => {
    expect(checkNewDomain('   ', draft())).toEqual({ status: 'empty' });
  });

  it('refuses what is not a host name, with the fix when there is one', () => {
    expect(checkNewDomain('https://api.example.com/v1', draft())).toEqual({
      status: 'invalid',
      message: {
        code: 'has-scheme',
        params: { entry: 'https://api.example.com/v1', suggestion: 'api.example.com' },
      },
      suggestion: 'api.example.com',
    });
    expect(checkNewDomain('*.slack.com', draft())).toMatchObject({
      status: 'invalid',
      message: { code: 'wildcard' },
      suggestion: '.slack.com',
    });
    expect(checkNewDomain('10.0.0.0/8', draft())).toMatchObject({
      message: { code: 'cidr' },
      suggestion: null,
    });
    expect(checkNewDomain('1.1.1.1', draft())).toMatchObject({ message: { code: 'ip-address' } });
    expect(checkNewDomain('exa mple.com', draft())).toMatchObject({
      message: { code: 'hostname-bad-character', params: { character: ' ' } },
    });
    expect(checkNewDomain('localhost', draft())).toMatchObject({ message: { code: 'single-label' } });
  });

  it('refuses an entry already in the user’s list, or inside one of their .domain entries', () => {
    expect(checkNewDomain('API.example.com', draft({ domains: ['api.example.com'] }))).toMatchObject({
      status: 'invalid',
      message: { code: 'duplicate', params: { entry: 'api.example.com', other: 'api.example.com' } },
    });
    expect(checkNewDomain('api.example.com', draft({ domains: ['.example.com'] }))).toMatchObject({
      status: 'invalid',
      message: { code: 'covered-by-suffix', params: { other: '.example.com' } },
    });
  });

  it('accepts, with a note, what a switched-on preset already allows', () => {
    expect(checkNewDomain('api.github.com', draft({ presets: ['github'] }))).toEqual({
      status: 'ok',
      entry: 'api.github.com',
      notes: [{ kind: 'covered', by: 'api.github.com', preset: 'github' }],
    });
    expect(checkNewDomain('x.openclaw.ai', draft())).toMatchObject({
      status: 'ok',
      notes: [{ kind: 'covered', by: '.openclaw.ai', preset: 'openclaw' }],
    });
  });

  it('notes what a new .domain covers: the user’s entries it replaces, a preset’s it overlaps', () => {
    expect(
      checkNewDomain('.example.com', draft({ domains: ['api.example.com', 'other.org', 'b.example.com'] })),
    ).toEqual({
      status: 'ok',
      entry: '.example.com',
      notes: [{ kind: 'replaces', entries: ['api.example.com', 'b.example.com'], preset: null }],
    });
    expect(checkNewDomain('.github.com', draft({ presets: ['github'] }))).toEqual({
      status: 'ok',
      entry: '.github.com',
      notes: [
        {
          kind: 'replaces',
          entries: ['github.com', 'api.github.com', 'codeload.github.com'],
          preset: 'github',
        },
      ],
    });
  });

  it('has nothing to say about a fresh, valid host', () => {
    expect(checkNewDomain(' Example.ORG. ', draft())).toEqual({
      status: 'ok',
      entry: 'example.org',
      notes: [],
    });
  });
});

describe('editing the draft', () => {
  it('adds an entry once, removing the user’s entries it covers', () => {
    const start = draft({ domains: ['api.example.com', 'other.org'] });
    expect(addDomain(start, '.example.com').domains).toEqual(['other.org', '.example.com']);
    expect(addDomain(start, 'other.org')).toBe(start);
    expect(removeDomain(start, 0).domains).toEqual(['other.org']);
  });

  it('keeps presets in their declared order whatever the click order', () => {
    const next = togglePreset(togglePreset(draft({ presets: [] }), 'github', true), 'anthropic', true);
    expect(next.presets).toEqual(['anthropic', 'github']);
    expect(togglePreset(next, 'github', false).presets).toEqual(['anthropic']);
  });

  it('compares drafts by content, and reads the saved view’s preset ids', () => {
    expect(sameDraft(draft({ presets: ['github', 'npm'] }), draft({ presets: ['npm', 'github'] }))).toBe(
      true,
    );
    expect(sameDraft(draft({ domains: ['a.com'] }), draft({ domains: ['b.com'] }))).toBe(false);
    expect(draftOf({ presets: ['npm', 'openclaw', 'gone'], domains: ['a.com'] })).toEqual({
      presets: ['openclaw', 'npm'],
      domains: ['a.com'],
    });
  });
});

describe('refusedEntries', () => {
  it('names each refused domain, with the sentence from the same validation', () => {
    const sent = ['ok.example.com', '*.foo.com', 'ok.example.com'];
    const refused = refusedEntries(
      {
        code: 'settings-invalid',
        message: 'Invalid settings',
        issues: [
          { path: 'sandbox.allowlist.domains.1', message: '*.foo.com: wildcard' },
          { path: 'sandbox.allowlist.domains.2', message: 'ok.example.com: duplicate' },
          { path: 'vm.cpus', message: 'too many' },
        ],
      },
      sent,
    );
    expect(refused).toEqual([
      {
        index: 1,
        entry: '*.foo.com',
        message: { code: 'wildcard', params: { entry: '*.foo.com', suggestion: '.foo.com' } },
        serverMessage: '*.foo.com: wildcard',
      },
      {
        index: 2,
        entry: 'ok.example.com',
        message: { code: 'duplicate', params: { entry: 'ok.example.com', other: 'ok.example.com' } },
        serverMessage: 'ok.example.com: duplicate',
      },
    ]);
  });

  it('keeps the server’s words when this side finds nothing wrong', () => {
    expect(
      refusedEntries(
        {
          code: 'settings-invalid',
          message: 'x',
          issues: [{ path: 'sandbox.allowlist.domains.0', message: 'a.com: refused' }],
        },
        ['a.com'],
      ),
    ).toEqual([{ index: 0, entry: 'a.com', message: null, serverMessage: 'a.com: refused' }]);
    expect(refusedEntries({ code: 'cluster-busy', message: 'busy' }, ['a.com'])).toEqual([]);
  });
});

describe('appliedStatus', () => {
  it('compares the saved effective list with the proxy’s', () => {
    expect(appliedStatus(['a.com'], null)).toEqual({ status: 'unknown' });
    expect(appliedStatus(['a.com', 'b.com'], ['b.com', 'a.com'])).toEqual({ status: 'applied' });
    expect(appliedStatus(['a.com', 'c.com'], ['a.com', 'b.com'])).toEqual({
      status: 'pending',
      missing: ['c.com'],
      extra: ['b.com'],
    });
  });
});
