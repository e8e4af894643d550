import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { appProtocolResponse, resolveAppFile } from './protocol';
import { appContentSecurityPolicy } from './security';

describe('resolveAppFile', () => {
  it('maps clawbar://app paths into the renderer folder', () => {
    expect(resolveAppFile('/app/renderer', 'clawbar://app/')).toBe('/app/renderer/index.html');
    expect(resolveAppFile('/app/renderer', 'clawbar://app/assets/index.js')).toBe(
      '/app/renderer/assets/index.js',
    );
  });

  it.each([
    'clawbar://app/../main/index.js',
    'clawbar://app/%2e%2e/%2e%2e/etc/passwd',
    'clawbar://other/index.html',
    'file:///etc/passwd',
    'clawbar://app/%00',
    'not a url',
  ])('refuses %s', url => {
    const file = resolveAppFile('/app/renderer', url);
    expect(file === undefined || file.startsWith('/app/renderer/')).toBe(true);
    if (!url.startsWith('clawbar://app/..') && !url.includes('%2e')) expect(file).toBeUndefined();
  });
});

describe('appProtocolResponse', () => {
  it('serves files with the strict CSP and 404s the rest', async () => {
    const root = await mkdtemp(join(tmpdir(), 'clawbar-protocol-'));
    await writeFile(join(root, 'index.html'), '<!doctype html>');
    const ok = await appProtocolResponse(root, 'clawbar://app/index.html');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toBe(appContentSecurityPolicy);
    expect(ok.headers.get('content-type')).toMatch(/text\/html/);
    expect((await appProtocolResponse(root, 'clawbar://app/missing.js')).status).toBe(404);
    expect((await appProtocolResponse(root, 'clawbar://app/../../etc/passwd')).status).toBe(404);
  });
});
