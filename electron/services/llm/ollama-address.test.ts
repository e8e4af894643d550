import { describe, expect, it } from 'vitest';

import { defaultSettings } from '../../../common/settings';
import { displayAddress, ollamaBaseUrl, ollamaBindHost, parseOllamaHost } from './ollama-address';

describe('parseOllamaHost', () => {
  it.each([
    ['127.0.0.1:11434', 'http://127.0.0.1:11434'],
    [':11500', 'http://127.0.0.1:11500'],
    ['localhost', 'http://localhost:11434'],
    ['0.0.0.0', 'http://127.0.0.1:11434'],
    ['0.0.0.0:8080', 'http://127.0.0.1:8080'],
    ['http://example.local', 'http://example.local'],
    ['https://ollama.example.internal', 'https://ollama.example.internal'],
    ['http://10.0.0.5:11434/', 'http://10.0.0.5:11434'],
    ['  192.168.1.2:9000  ', 'http://192.168.1.2:9000'],
  ])('%s → %s', (input, expected) => {
    expect(parseOllamaHost(input).origin).toBe(expected);
  });

  it.each([
    ['', /empty/],
    ['ftp://host', /http or https/],
    ['http://user:pw@host', /credentials/],
    ['http://host:11434/api', /without a path/],
    ['http://[bad', /not an address/],
    ['host:99999', /not an address/],
  ])('refuses %j with a reason', (input, reason) => {
    expect(() => parseOllamaHost(input)).toThrow(reason);
    try {
      parseOllamaHost(input);
    } catch (error) {
      expect((error as { code: string }).code).toBe('invalid-input');
    }
  });
});

describe('addresses from settings', () => {
  it('uses loopback and the configured port, or the override', () => {
    const settings = { ...defaultSettings().ollama, port: 11500, bindAddress: '0.0.0.0' as const };
    expect(ollamaBaseUrl(settings).origin).toBe('http://127.0.0.1:11500');
    expect(ollamaBaseUrl(settings, '127.0.0.1:40000').origin).toBe('http://127.0.0.1:40000');
    expect(ollamaBindHost(settings, ollamaBaseUrl(settings, ':40000'))).toBe('0.0.0.0:40000');
    expect(displayAddress(ollamaBaseUrl(settings))).toBe('127.0.0.1:11500');
  });
});
