import { describe, expect, it } from 'vitest';

import { contentTypeFor, resolveInsideRoot } from './static-files';

describe('resolveInsideRoot', () => {
  it('maps paths inside the root and / to index.html', () => {
    expect(resolveInsideRoot('/srv/app', '/')).toBe('/srv/app/index.html');
    expect(resolveInsideRoot('/srv/app', '/assets/x.js')).toBe('/srv/app/assets/x.js');
  });

  it.each(['/../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2fetc/passwd', '/..'])(
    'keeps %s inside the root or refuses it',
    path => {
      const resolved = resolveInsideRoot('/srv/app', path);
      expect(resolved === undefined || resolved.startsWith('/srv/app/')).toBe(true);
    },
  );

  it.each(['/%00', '/index.html%00.png', '/%E0%A4%A'])('refuses the undecodable or NUL path %s', path => {
    expect(resolveInsideRoot('/srv/app', path)).toBeUndefined();
  });

  it('pins a path that climbs above the root inside it, never in a sibling sharing its prefix', () => {
    expect(resolveInsideRoot('/srv/app', '/../app-secrets/key')).toBe('/srv/app/app-secrets/key');
  });
});

describe('contentTypeFor', () => {
  it('names the types the renderer build produces', () => {
    expect(contentTypeFor('/x/index.html')).toMatch(/^text\/html/);
    expect(contentTypeFor('/x/a.js')).toMatch(/^text\/javascript/);
    expect(contentTypeFor('/x/unknown.bin')).toBe('application/octet-stream');
  });
});
