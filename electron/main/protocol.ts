import { readFile } from 'node:fs/promises';

import { contentTypeFor, resolveInsideRoot } from '../services/platform/static-files';
import { appContentSecurityPolicy, appHost, appScheme } from './security';

/**
 * Serves the built renderer on `clawbar://app/…` with a strict CSP, instead of file: URLs (which
 * would give the page every file on disk as its origin).
 */
/** Maps a clawbar://app URL to a file under root; undefined for other hosts or escapes from root. */
export function resolveAppFile(root: string, url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${appScheme}:` || parsed.host !== appHost) return undefined;
  return resolveInsideRoot(root, parsed.pathname);
}

export async function appProtocolResponse(root: string, url: string): Promise<Response> {
  const file = resolveAppFile(root, url);
  if (!file) return new Response('Not found', { status: 404 });
  try {
    const body = await readFile(file);
    return new Response(body, {
      status: 200,
      headers: {
        'Content-Type': contentTypeFor(file),
        'Content-Security-Policy': appContentSecurityPolicy,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}
