import { describe, expect, it } from 'vitest';

import { en } from './i18n/en';
import { fr } from './i18n/fr';
import { placeholders } from './i18n';
import {
  checkSecretValue,
  gatewayTokenKey,
  maxSecretLength,
  providerKeys,
  providerSecretKeys,
  secretNames,
  secretNamesSchema,
  secretProblemCodes,
  secretsDeleteInputSchema,
  secretsSetInputSchema,
  type ProviderSecretKey,
  type SecretProblemCode,
} from './secrets';

// Shaped like real keys, made up: none of these was ever issued.
const samples: Record<ProviderSecretKey, string> = {
  ANTHROPIC_API_KEY: `sk-ant-api03-${'a1B2'.repeat(23)}-AAAA`,
  OPENAI_API_KEY: `sk-proj-${'Zx9_'.repeat(40)}`,
  GEMINI_API_KEY: `AIza${'Sy0-_abc9'.repeat(3)}12345678`,
  GOOGLE_API_KEY: `AIza${'Sy0-_abc9'.repeat(3)}12345678`,
  MISTRAL_API_KEY: 'Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4f',
  OPENROUTER_API_KEY: `sk-or-v1-${'0123456789abcdef'.repeat(4)}`,
  GROQ_API_KEY: `gsk_${'Wq7e'.repeat(13)}`,
  XAI_API_KEY: `xai-${'Kp4s'.repeat(20)}`,
  DEEPSEEK_API_KEY: `sk-${'0a1b2c3d'.repeat(4)}`,
  LM_API_TOKEN: 'lm-studio-local-token',
  BRAVE_API_KEY: 'BSAq1w2e3r4t5y6u7i8o9p0a1s2d3f4',
  TELEGRAM_BOT_TOKEN: '123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0',
};

const codes = (name: ProviderSecretKey, value: string): SecretProblemCode[] =>
  checkSecretValue(name, value).problems.map(problem => problem.code);

describe('the secret names', () => {
  it('are the gateway token and the provider keys OpenClaw reads, each listed once for the UI', () => {
    expect(secretNames[0]).toBe(gatewayTokenKey);
    expect(new Set(secretNames).size).toBe(secretNames.length);
    expect(providerKeys.map(info => info.name)).toEqual([...providerSecretKeys]);
  });
});

describe('checkSecretValue', () => {
  it('accepts a well-formed key of every provider without a word', () => {
    for (const name of providerSecretKeys) {
      expect(checkSecretValue(name, samples[name]), name).toEqual({
        value: samples[name],
        ok: true,
        problems: [],
      });
    }
  });

  it('removes the whitespace around a paste (a trailing newline) and checks what is left', () => {
    const check = checkSecretValue('OPENAI_API_KEY', `  ${samples.OPENAI_API_KEY}\r\n`);
    expect(check).toEqual({ value: samples.OPENAI_API_KEY, ok: true, problems: [] });
  });

  it('refuses what cannot work: empty, a line break inside, control characters, too long', () => {
    expect(checkSecretValue('MISTRAL_API_KEY', ' \n ')).toMatchObject({
      ok: false,
      problems: [{ code: 'empty' }],
    });
    expect(codes('MISTRAL_API_KEY', `${samples.MISTRAL_API_KEY}\n${samples.MISTRAL_API_KEY}`)).toContain(
      'line-break',
    );
    expect(codes('MISTRAL_API_KEY', `${samples.MISTRAL_API_KEY}\u0000x`)).toContain('control-character');
    expect(codes('MISTRAL_API_KEY', `${samples.MISTRAL_API_KEY}\u001bx`)).toContain('control-character');
    const long = checkSecretValue('LM_API_TOKEN', 'x'.repeat(maxSecretLength + 1));
    expect(long.ok).toBe(false);
    expect(long.problems).toContainEqual({ code: 'too-long', severity: 'error', params: { max: '1024' } });
  });

  it('only warns about what is merely unusual, so a new key format can still be saved', () => {
    const spaced = checkSecretValue('MISTRAL_API_KEY', 'Ab3dEf6hIj9lMn2p Qr5tUv8xYz1bCd4f');
    expect(spaced.ok).toBe(true);
    expect(spaced.problems).toEqual([{ code: 'whitespace', severity: 'warning', params: {} }]);
    expect(checkSecretValue('MISTRAL_API_KEY', `“${samples.MISTRAL_API_KEY}”`)).toMatchObject({
      ok: true,
      problems: [{ code: 'non-ascii', severity: 'warning' }],
    });
    expect(checkSecretValue('ANTHROPIC_API_KEY', 'sk-ant-api03-short')).toMatchObject({
      ok: true,
      problems: [
        {
          code: 'too-short',
          severity: 'warning',
          params: { provider: 'Anthropic', length: '18', min: '40' },
        },
      ],
    });
  });

  it('says when a key is clearly another provider’s, most specific prefix first', () => {
    expect(checkSecretValue('OPENAI_API_KEY', samples.ANTHROPIC_API_KEY).problems).toEqual([
      { code: 'other-provider', severity: 'warning', params: { provider: 'OpenAI', other: 'Anthropic' } },
    ]);
    expect(checkSecretValue('DEEPSEEK_API_KEY', samples.OPENROUTER_API_KEY).problems[0]?.params).toEqual({
      provider: 'DeepSeek',
      other: 'OpenRouter',
    });
    expect(checkSecretValue('ANTHROPIC_API_KEY', samples.OPENAI_API_KEY).problems[0]?.params.other).toBe(
      'OpenAI',
    );
    expect(checkSecretValue('MISTRAL_API_KEY', samples.TELEGRAM_BOT_TOKEN).problems[0]?.params.other).toBe(
      'Telegram',
    );
    expect(checkSecretValue('BRAVE_API_KEY', `ghp_${'a'.repeat(36)}`).problems[0]?.params.other).toBe(
      'GitHub',
    );
    // Either Google field takes a Google key.
    expect(codes('GOOGLE_API_KEY', samples.GEMINI_API_KEY)).toEqual([]);
  });

  it('warns about a missing prefix, and a token that does not have the documented shape', () => {
    expect(checkSecretValue('ANTHROPIC_API_KEY', `sk-${'a'.repeat(60)}`).problems).toEqual([
      {
        code: 'unexpected-prefix',
        severity: 'warning',
        params: { provider: 'Anthropic', prefix: 'sk-ant-' },
      },
    ]);
    expect(
      checkSecretValue('TELEGRAM_BOT_TOKEN', `AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0${'x'.repeat(10)}`).problems,
    ).toEqual([
      {
        code: 'unexpected-format',
        severity: 'warning',
        params: { provider: 'Telegram', example: '123456789:AA…' },
      },
    ]);
  });

  it('never puts any part of the value in a problem’s parameters', () => {
    const values = ['sk-ant-SECRETPART', `“SECRETPART” x`, `SECRET\nPART`, 'SECRETPART'.repeat(200)];
    for (const name of providerSecretKeys) {
      for (const value of values) {
        for (const problem of checkSecretValue(name, value).problems) {
          expect(Object.values(problem.params).join(' ')).not.toMatch(/SECRET|PART/);
        }
      }
    }
  });

  it('has a sentence for every problem in both languages, with the same placeholders', () => {
    for (const code of secretProblemCodes) {
      expect(en.secrets.problems[code], code).toBeTypeOf('string');
      expect(placeholders(fr.secrets.problems[code]), code).toEqual(placeholders(en.secrets.problems[code]));
    }
  });
});

describe('the secrets channels’ schemas', () => {
  it('answer names only: a value cannot pass, nor an unknown name', () => {
    expect(secretNamesSchema.parse(['OPENCLAW_GATEWAY_TOKEN', 'OPENAI_API_KEY'])).toEqual([
      'OPENCLAW_GATEWAY_TOKEN',
      'OPENAI_API_KEY',
    ]);
    expect(secretNamesSchema.safeParse([samples.OPENAI_API_KEY]).success).toBe(false);
    expect(
      secretNamesSchema.safeParse([{ name: 'OPENAI_API_KEY', value: samples.OPENAI_API_KEY }]).success,
    ).toBe(false);
  });

  it('refuse to set or remove the gateway token, and anything but a name and a value', () => {
    expect(secretsSetInputSchema.safeParse({ name: gatewayTokenKey, value: 'abcdefgh' }).success).toBe(false);
    expect(secretsDeleteInputSchema.safeParse({ name: gatewayTokenKey }).success).toBe(false);
    expect(secretsSetInputSchema.safeParse({ name: 'OPENAI_API_KEY', value: '' }).success).toBe(false);
    expect(secretsSetInputSchema.safeParse({ name: 'OPENAI_API_KEY', value: 'x', extra: 1 }).success).toBe(
      false,
    );
    expect(secretsSetInputSchema.parse({ name: 'OPENAI_API_KEY', value: ' x ' })).toEqual({
      name: 'OPENAI_API_KEY',
      value: ' x ',
    });
  });

  it('do not repeat a refused value in their messages', () => {
    const value = `SECRETPART${'y'.repeat(5000)}`;
    const result = secretsSetInputSchema.safeParse({ name: 'NOT_A_KEY', value });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).not.toContain('SECRETPART');
  });
});
