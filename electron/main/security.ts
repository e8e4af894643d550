import type { Session, WebContents, WebPreferences } from 'electron';

/**
 * Electron's security checklist, applied in one place and unit-tested with plain fakes:
 * https://www.electronjs.org/docs/latest/tutorial/security
 *
 * - the UI is served from our own `clawbar://app` scheme with a strict CSP, never from file: or
 *   the network; no remote content is ever loaded (every other request is cancelled);
 * - contextIsolation, sandbox, no Node integration, webSecurity, no webview, no insecure content;
 * - window.open is denied (a short allowlist of https/loopback links goes to the user's browser);
 * - navigation and redirects outside our origin are blocked;
 * - every permission request and check is denied;
 * - fuses (electron-builder.yml) disable RunAsNode, NODE_OPTIONS, --inspect and enforce asar integrity.
 */
export const appScheme = 'clawbar';
export const appHost = 'app';
export const appOrigin = `${appScheme}://${appHost}`;

export const appContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools: true,
  };
}

/** Origins our windows may show: the app scheme, plus the Vite dev server in development. */
export interface TrustedOrigins {
  /** e.g. `clawbar://app` and, in development only, `http://localhost:5173`. */
  readonly origins: readonly string[];
}

/** `new URL('clawbar://app/x').origin` is "null" for custom schemes, so compare scheme and host. */
export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.host === '') return undefined;
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return undefined;
  }
}

export function isTrustedUrl(url: string, trusted: TrustedOrigins): boolean {
  const origin = originOf(url);
  return origin !== undefined && trusted.origins.includes(origin);
}

/**
 * Links the UI may open in the user's browser (docs, and the OpenClaw Control UI on loopback).
 * Everything else is refused: a compromised renderer must not be able to launch arbitrary URLs.
 */
export const externalLinkAllowlist: readonly RegExp[] = [
  /^https:\/\/docs\.openclaw\.ai(\/|$)/,
  /^https:\/\/github\.com\/openclaw(\/|$)/,
  /^http:\/\/127\.0\.0\.1:18789(\/|$)/,
];

export function isAllowedExternalLink(url: string): boolean {
  return externalLinkAllowlist.some(pattern => pattern.test(url));
}

type ContentsLike = Pick<WebContents, 'setWindowOpenHandler' | 'on'>;

export interface HardenOptions {
  trusted: TrustedOrigins;
  openExternal: (url: string) => void;
  onBlocked?: (what: string, url: string) => void;
}

export function hardenWebContents(
  contents: ContentsLike,
  { trusted, openExternal, onBlocked }: HardenOptions,
): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalLink(url)) openExternal(url);
    else onBlocked?.('window.open', url);
    return { action: 'deny' };
  });
  const guardNavigation = (what: string) => (event: { preventDefault(): void }, url: string) => {
    if (isTrustedUrl(url, trusted)) return;
    event.preventDefault();
    onBlocked?.(what, url);
  };
  contents.on('will-navigate', guardNavigation('navigation'));
  contents.on('will-frame-navigate', (event: { preventDefault(): void; url: string }) => {
    guardNavigation('frame navigation')(event, event.url);
  });
  contents.on('will-redirect', guardNavigation('redirect'));
  contents.on('will-attach-webview', (event: { preventDefault(): void }) => {
    event.preventDefault();
    onBlocked?.('webview', '');
  });
}

type SessionLike = {
  setPermissionRequestHandler: Session['setPermissionRequestHandler'];
  setPermissionCheckHandler: Session['setPermissionCheckHandler'];
  webRequest: Pick<Session['webRequest'], 'onBeforeRequest' | 'onHeadersReceived'>;
};

/** Schemes that never leave the machine: our UI, devtools, inline data. */
const localSchemes = new Set([`${appScheme}:`, 'devtools:', 'data:', 'blob:']);

export function isAllowedRequest(url: string, trusted: TrustedOrigins): boolean {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return false;
  }
  if (localSchemes.has(protocol)) return protocol !== `${appScheme}:` || isTrustedUrl(url, trusted);
  return isTrustedUrl(url, trusted);
}

export function hardenSession(
  session: SessionLike,
  { trusted, onBlocked }: Omit<HardenOptions, 'openExternal'>,
): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    onBlocked?.('permission', permission);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequest(details.url, trusted);
    if (!allowed) onBlocked?.('request', details.url);
    callback({ cancel: !allowed });
  });
  // The dev server sends its own headers; make sure the CSP applies there too.
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    if (isTrustedUrl(details.url, trusted) && !details.url.startsWith(`${appScheme}:`)) {
      headers['Content-Security-Policy'] = [appContentSecurityPolicyFor(details.url)];
    }
    callback({ responseHeaders: headers });
  });
}

/** The dev server needs its websocket (HMR) and inline preamble; production gets the strict policy. */
export function appContentSecurityPolicyFor(url: string): string {
  if (url.startsWith(`${appScheme}:`)) return appContentSecurityPolicy;
  const origin = originOf(url) ?? '';
  return appContentSecurityPolicy
    .replace("script-src 'self'", `script-src 'self' 'unsafe-inline'`)
    .replace("style-src 'self'", `style-src 'self' 'unsafe-inline'`)
    .replace("connect-src 'none'", `connect-src ${origin} ${origin.replace(/^http/, 'ws')}`);
}
