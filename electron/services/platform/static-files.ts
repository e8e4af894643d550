import { extname, normalize, resolve, sep } from 'node:path';

/**
 * Serving the built renderer from a folder, shared by the app's `clawbar://app` protocol and the
 * devhost: map a URL path to a file that is guaranteed to be inside the folder, and name its type.
 */
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export function contentTypeFor(file: string): string {
  return contentTypes[extname(file)] ?? 'application/octet-stream';
}

/** `/` is index.html; anything that decodes badly or would leave the root is refused (undefined). */
export function resolveInsideRoot(root: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const relative = normalize(decoded === '/' || decoded === '' ? '/index.html' : decoded).replace(
    /^[/\\]+/,
    '',
  );
  const base = resolve(root);
  const file = resolve(base, relative);
  return file.startsWith(base + sep) ? file : undefined;
}
