import { ClawbarError } from '../../../common/errors';
import type { Settings } from '../../../common/settings';

export const defaultOllamaPort = 11434;

/**
 * Reads an Ollama address the way OLLAMA_HOST does: `host:port`, `:port`, `http(s)://host[:port]`
 * or a bare host. A missing port is 11434 for a bare host, 80 for `http://` and 443 for `https://`.
 * Answers the base URL to send requests to; a wildcard bind (0.0.0.0) is reached on loopback.
 */
export function parseOllamaHost(value: string): URL {
  const text = value.trim();
  if (text === '') throw invalidHost(value, 'it is empty');
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `http://${text.startsWith(':') ? `127.0.0.1${text}` : text}`);
  } catch {
    throw invalidHost(value, 'it is not an address');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidHost(value, 'use http or https');
  if (url.username || url.password) throw invalidHost(value, 'credentials do not belong in it');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw invalidHost(value, 'give the server address only, without a path');
  }
  if (!hasScheme && url.port === '') url.port = String(defaultOllamaPort);
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  if (url.hostname === '[::]') url.hostname = '[::1]';
  return new URL(url.origin);
}

function invalidHost(value: string, why: string): ClawbarError {
  return new ClawbarError('invalid-input', `"${value.slice(0, 200)}" is not an Ollama address: ${why}.`);
}

/** Where Clawbar talks to Ollama: an explicit override (the demo, `--host`), else from settings. */
export function ollamaBaseUrl(settings: Settings['ollama'], override?: string): URL {
  if (override !== undefined) return parseOllamaHost(override);
  return parseOllamaHost(`127.0.0.1:${settings.port}`);
}

/** The `OLLAMA_HOST` value for a server Clawbar runs: the configured bind address on the port in use. */
export function ollamaBindHost(settings: Settings['ollama'], baseUrl: URL): string {
  return `${settings.bindAddress}:${baseUrl.port || defaultOllamaPort}`;
}

/** `127.0.0.1:11434`: how an address is shown to people and in reason params. */
export function displayAddress(url: URL): string {
  return url.host;
}
