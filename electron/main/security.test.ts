import { describe, expect, it, vi } from 'vitest';

import {
  appContentSecurityPolicy,
  appContentSecurityPolicyFor,
  hardenSession,
  hardenWebContents,
  isAllowedExternalLink,
  isAllowedRequest,
  isTrustedUrl,
  originOf,
  secureWebPreferences,
} from './security';

const trusted = { origins: ['clawbar://app'] };

type Listener = (...args: unknown[]) => void;

/** Plain fake of the WebContents surface hardenWebContents uses. */
function fakeContents() {
  const listeners = new Map<string, Listener>();
  let windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents = {
    setWindowOpenHandler: (handler: typeof windowOpenHandler) => {
      windowOpenHandler = handler;
    },
    on: (event: string, listener: Listener) => {
      listeners.set(event, listener);
      return contents;
    },
  };
  const fire = (event: string, ...args: unknown[]) => listeners.get(event)?.(...args);
  const navigationEvent = () => ({ preventDefault: vi.fn() });
  return { contents, fire, navigationEvent, open: (url: string) => windowOpenHandler?.({ url }) };
}

function fakeSession() {
  const handlers: Record<string, Listener> = {};
  const session = {
    setPermissionRequestHandler: (handler: Listener) => (handlers.request = handler),
    setPermissionCheckHandler: (handler: Listener) => (handlers.check = handler),
    webRequest: {
      onBeforeRequest: (handler: Listener) => (handlers.beforeRequest = handler),
      onHeadersReceived: (handler: Listener) => (handlers.headers = handler),
    },
  };
  return { session, handlers };
}

describe('secureWebPreferences', () => {
  it('applies every isolation setting of the checklist', () => {
    expect(secureWebPreferences('/app/preload.cjs')).toMatchObject({
      preload: '/app/preload.cjs',
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
    });
  });
});

describe('hardenWebContents', () => {
  it('denies window.open, sending allowlisted links to the browser', () => {
    const { contents, open } = fakeContents();
    const openExternal = vi.fn();
    const onBlocked = vi.fn();
    hardenWebContents(contents as never, { trusted, openExternal, onBlocked });
    expect(open('https://docs.openclaw.ai/install')).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://docs.openclaw.ai/install');
    expect(open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledTimes(1);
    expect(onBlocked).toHaveBeenCalledWith('window.open', 'https://evil.example/');
  });

  it('blocks navigation and redirects away from our origin', () => {
    const { contents, fire, navigationEvent } = fakeContents();
    hardenWebContents(contents as never, { trusted, openExternal: vi.fn() });
    const away = navigationEvent();
    fire('will-navigate', away, 'https://evil.example/');
    expect(away.preventDefault).toHaveBeenCalled();
    const redirect = navigationEvent();
    fire('will-redirect', redirect, 'http://127.0.0.1:1/');
    expect(redirect.preventDefault).toHaveBeenCalled();
    const frame = { ...navigationEvent(), url: 'https://evil.example/frame' };
    fire('will-frame-navigate', frame);
    expect(frame.preventDefault).toHaveBeenCalled();
    const inside = navigationEvent();
    fire('will-navigate', inside, 'clawbar://app/index.html#/settings');
    expect(inside.preventDefault).not.toHaveBeenCalled();
  });

  it('refuses to attach a webview', () => {
    const { contents, fire, navigationEvent } = fakeContents();
    hardenWebContents(contents as never, { trusted, openExternal: vi.fn() });
    const event = navigationEvent();
    fire('will-attach-webview', event);
    expect(event.preventDefault).toHaveBeenCalled();
  });
});

describe('hardenSession', () => {
  it('denies every permission request and check', () => {
    const { session, handlers } = fakeSession();
    hardenSession(session as never, { trusted });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      handlers.request?.({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
    }
    expect(handlers.check?.({}, 'media')).toBe(false);
  });

  it('cancels every request for remote content', () => {
    const { session, handlers } = fakeSession();
    hardenSession(session as never, { trusted });
    const verdict = (url: string) => {
      const callback = vi.fn();
      handlers.beforeRequest?.({ url }, callback);
      return (callback.mock.calls[0]?.[0] as { cancel: boolean }).cancel;
    };
    expect(verdict('clawbar://app/assets/index.js')).toBe(false);
    expect(verdict('devtools://devtools/bundled/inspector.html')).toBe(false);
    expect(verdict('https://cdn.example/lib.js')).toBe(true);
    expect(verdict('http://127.0.0.1:11434/api/tags')).toBe(true);
    expect(verdict('file:///etc/passwd')).toBe(true);
    expect(verdict('clawbar://other/x')).toBe(true);
  });

  it('puts the CSP on dev-server responses', () => {
    const { session, handlers } = fakeSession();
    hardenSession(session as never, { trusted: { origins: ['clawbar://app', 'http://localhost:5173'] } });
    const callback = vi.fn();
    handlers.headers?.({ url: 'http://localhost:5173/', responseHeaders: {} }, callback);
    const headers = (callback.mock.calls[0]?.[0] as { responseHeaders: Record<string, string[]> })
      .responseHeaders;
    expect(headers['Content-Security-Policy']?.[0]).toContain("default-src 'none'");
  });
});

describe('policies and origins', () => {
  it('production CSP allows nothing remote and no inline code', () => {
    expect(appContentSecurityPolicy).toContain("default-src 'none'");
    expect(appContentSecurityPolicy).toContain("connect-src 'none'");
    expect(appContentSecurityPolicy).not.toContain('unsafe');
    expect(appContentSecurityPolicyFor('clawbar://app/index.html')).toBe(appContentSecurityPolicy);
  });

  it('compares custom-scheme origins by scheme and host', () => {
    expect(originOf('clawbar://app/index.html')).toBe('clawbar://app');
    expect(originOf('not a url')).toBeUndefined();
    expect(isTrustedUrl('clawbar://app/x', trusted)).toBe(true);
    expect(isTrustedUrl('clawbar://app.evil/x', trusted)).toBe(false);
    expect(isTrustedUrl('file:///x', trusted)).toBe(false);
  });

  it('allows only listed external links', () => {
    expect(isAllowedExternalLink('http://127.0.0.1:18789/')).toBe(true);
    expect(isAllowedExternalLink('http://127.0.0.1:18789.evil.example/')).toBe(false);
    expect(isAllowedExternalLink('https://docs.openclaw.ai.evil.example/')).toBe(false);
    expect(isAllowedRequest('data:image/png;base64,AAAA', trusted)).toBe(true);
  });
});
