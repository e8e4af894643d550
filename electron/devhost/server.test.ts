import { describe, expect, it } from 'vitest';

import { checkHandshake, contentSecurityPolicy, tokensMatch } from './server';

const token = 'a'.repeat(64);
const port = 4321;
const good = {
  url: `/api?token=${token}`,
  headers: { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` },
};

describe('checkHandshake', () => {
  it('accepts our own origin with the right token', () => {
    expect(checkHandshake(good, port, token)).toEqual({ ok: true });
    expect(
      checkHandshake(
        { ...good, headers: { host: `localhost:${port}`, origin: `http://localhost:${port}` } },
        port,
        token,
      ),
    ).toEqual({
      ok: true,
    });
  });

  it.each([
    ['a wrong token', { ...good, url: `/api?token=${'b'.repeat(64)}` }, 401],
    ['no token', { ...good, url: '/api' }, 401],
    ['a token of another length', { ...good, url: `/api?token=${token}0` }, 401],
    ['a foreign Origin', { ...good, headers: { ...good.headers, origin: 'https://evil.example' } }, 403],
    [
      'an Origin on another local port',
      { ...good, headers: { ...good.headers, origin: 'http://127.0.0.1:1' } },
      403,
    ],
    ['the null Origin of a sandboxed page', { ...good, headers: { ...good.headers, origin: 'null' } }, 403],
    ['no Origin (a non-browser client)', { ...good, headers: { host: good.headers.host } }, 403],
    [
      'an https Origin spoofing our host',
      { ...good, headers: { ...good.headers, origin: `https://127.0.0.1:${port}` } },
      403,
    ],
    ['a rebound Host name', { ...good, headers: { ...good.headers, host: `evil.example:${port}` } }, 403],
    ['another path', { ...good, url: `/other?token=${token}` }, 404],
  ])('refuses %s', (_label, request, status) => {
    expect(checkHandshake(request, port, token)).toMatchObject({ ok: false, status });
  });
});

describe('tokensMatch', () => {
  it('compares whole tokens', () => {
    expect(tokensMatch(token, token)).toBe(true);
    expect(tokensMatch(token, token.slice(0, 10))).toBe(false);
    expect(tokensMatch(token, null)).toBe(false);
  });
});

describe('contentSecurityPolicy', () => {
  it('allows scripts from self only and the socket of this origin', () => {
    const csp = contentSecurityPolicy('http://127.0.0.1:4321');
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain('connect-src ws://127.0.0.1:4321');
    expect(csp).not.toContain('unsafe');
  });
});
