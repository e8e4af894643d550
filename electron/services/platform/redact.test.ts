import { describe, expect, it } from 'vitest';

import { REDACTED, Redactor } from './redact';

describe('Redactor', () => {
  it('removes registered secrets wherever they appear', () => {
    const redactor = new Redactor();
    const token = 'f'.repeat(16) + '0123456789abcdef';
    redactor.register(token);
    expect(redactor.text(`gateway up with ${token} (again: ${token})`)).toBe(
      `gateway up with ${REDACTED} (again: ${REDACTED})`,
    );
  });

  it('ignores values too short to register safely', () => {
    const redactor = new Redactor();
    redactor.register('abc');
    expect(redactor.text('abc')).toBe('abc');
  });

  it.each([
    ['sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345', 'Anthropic'],
    ['sk-proj-abcdefghijklmnopqrstuvwxyz012345', 'OpenAI'],
    ['AIzaSyA1234567890abcdefghijklmnopqrstuv', 'Google'],
    ['ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'GitHub'],
    ['hf_abcdefghijklmnopqrstuvwxyz0123456789', 'Hugging Face'],
    ['123456789:ABCdefGhIJKlmNoPQRsTUVwxyZ012345678', 'Telegram'],
  ])('removes a %s key it was never told about (%s)', value => {
    const text = new Redactor().text(`key is ${value} here`);
    expect(text).not.toContain(value);
    expect(text).toContain(REDACTED);
  });

  it.each([
    ['Authorization: Bearer abcdef123456'],
    ['OPENAI_API_KEY=abcdef123456'],
    ['{"apiKey": "abcdef123456"}'],
    ['curl --token abcdef123456'],
    ['password=hunter2hunter2'],
  ])('removes the value in %s', text => {
    const output = new Redactor().text(text);
    expect(output).not.toContain('abcdef123456');
    expect(output).not.toContain('hunter2hunter2');
  });

  it('leaves ordinary text alone, including token counts', () => {
    const text = 'pulled llama3.2 in 12 s; prompt_tokens: 42, maxTokens=128';
    expect(new Redactor().text(text)).toBe(text);
  });

  it('blanks secret-named fields in objects and redacts strings deeply', () => {
    const redactor = new Redactor();
    redactor.register('s3cr3t-value');
    const input = {
      gatewayToken: 'abc',
      nested: { apiKey: 'zzz', note: 'has s3cr3t-value inside' },
      count: 2,
      maxTokens: 128,
    };
    expect(redactor.value(input)).toEqual({
      gatewayToken: REDACTED,
      nested: { apiKey: REDACTED, note: `has ${REDACTED} inside` },
      count: 2,
      maxTokens: 128,
    });
    expect(input.gatewayToken).toBe('abc');
  });

  it('survives circular structures', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(new Redactor().value(a)).toEqual({ name: 'a', self: '[Circular]' });
  });
});
