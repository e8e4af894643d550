import { z } from 'zod';

/**
 * The secrets Clawbar keeps for the sandbox: the gateway token it generates, and the provider keys
 * the user may enter (all optional: local models are the default). They live in the macOS
 * Keychain only; what crosses the contract is their names, never their values. The format checks
 * are pure, so the renderer runs them as the user types; they are lenient on purpose (a provider
 * may change its format): only what cannot work is refused, the rest is a warning.
 */

/** The gateway's token (32 random bytes, hex), generated once; never set or removed by the user. */
export const gatewayTokenKey = 'OPENCLAW_GATEWAY_TOKEN';

/** Provider keys OpenClaw reads from its environment (runtime-facts §4.3), as Secret keys. */
export const providerSecretKeys = [
  'ANTHROPIC_API_KEY',
  'OPENAI_API_KEY',
  'GEMINI_API_KEY',
  'GOOGLE_API_KEY',
  'MISTRAL_API_KEY',
  'OPENROUTER_API_KEY',
  'GROQ_API_KEY',
  'XAI_API_KEY',
  'DEEPSEEK_API_KEY',
  'LM_API_TOKEN',
  'BRAVE_API_KEY',
  'TELEGRAM_BOT_TOKEN',
] as const;
export type ProviderSecretKey = (typeof providerSecretKeys)[number];

/** Every secret Clawbar stores, by the name it has in the Keychain and in Secret `openclaw-secrets`. */
export const secretNames = [gatewayTokenKey, ...providerSecretKeys] as const;
export type SecretName = (typeof secretNames)[number];

export function isProviderSecretKey(name: string): name is ProviderSecretKey {
  return (providerSecretKeys as readonly string[]).includes(name);
}

/** What the key is called in the provider's own words: `secrets.kinds.<kind>`. */
export type ProviderKeyKind = 'api-key' | 'token' | 'bot-token';

export interface ProviderKeyInfo {
  name: ProviderSecretKey;
  /** The product's own name, the same in every language. */
  provider: string;
  kind: ProviderKeyKind;
  /** What every key of this provider starts with; empty when there is no published format. */
  prefixes: readonly string[];
  /** Shorter than this is almost surely a partial paste. */
  minLength: number;
  /** The whole key's shape, for a provider that documents one. */
  pattern?: RegExp;
  /** What such a key looks like, shown as a hint (never a real key). */
  example: string;
}

/** A Telegram bot token, as BotFather hands it out: the bot's id, a colon, a 35-character secret. */
const telegramToken = /^\d{5,12}:[A-Za-z0-9_-]{30,}$/;

/** In the order the Settings page lists them. */
export const providerKeys: readonly ProviderKeyInfo[] = [
  {
    name: 'ANTHROPIC_API_KEY',
    provider: 'Anthropic',
    kind: 'api-key',
    prefixes: ['sk-ant-'],
    minLength: 40,
    example: 'sk-ant-api03-…',
  },
  {
    name: 'OPENAI_API_KEY',
    provider: 'OpenAI',
    kind: 'api-key',
    prefixes: ['sk-'],
    minLength: 40,
    example: 'sk-proj-…',
  },
  {
    name: 'GEMINI_API_KEY',
    provider: 'Google Gemini',
    kind: 'api-key',
    prefixes: ['AIza'],
    minLength: 39,
    example: 'AIza…',
  },
  {
    name: 'GOOGLE_API_KEY',
    provider: 'Google',
    kind: 'api-key',
    prefixes: ['AIza'],
    minLength: 39,
    example: 'AIza…',
  },
  { name: 'MISTRAL_API_KEY', provider: 'Mistral', kind: 'api-key', prefixes: [], minLength: 32, example: '' },
  {
    name: 'OPENROUTER_API_KEY',
    provider: 'OpenRouter',
    kind: 'api-key',
    prefixes: ['sk-or-'],
    minLength: 40,
    example: 'sk-or-v1-…',
  },
  {
    name: 'GROQ_API_KEY',
    provider: 'Groq',
    kind: 'api-key',
    prefixes: ['gsk_'],
    minLength: 40,
    example: 'gsk_…',
  },
  {
    name: 'XAI_API_KEY',
    provider: 'xAI',
    kind: 'api-key',
    prefixes: ['xai-'],
    minLength: 40,
    example: 'xai-…',
  },
  {
    name: 'DEEPSEEK_API_KEY',
    provider: 'DeepSeek',
    kind: 'api-key',
    prefixes: ['sk-'],
    minLength: 30,
    example: 'sk-…',
  },
  { name: 'LM_API_TOKEN', provider: 'LM Studio', kind: 'token', prefixes: [], minLength: 8, example: '' },
  {
    name: 'BRAVE_API_KEY',
    provider: 'Brave Search',
    kind: 'api-key',
    prefixes: [],
    minLength: 20,
    example: '',
  },
  {
    name: 'TELEGRAM_BOT_TOKEN',
    provider: 'Telegram',
    kind: 'bot-token',
    prefixes: [],
    minLength: 40,
    pattern: telegramToken,
    example: '123456789:AA…',
  },
];

export function providerKeyInfo(name: ProviderSecretKey): ProviderKeyInfo {
  const info = providerKeys.find(key => key.name === name);
  if (!info) throw new Error(`No provider key named ${name}`);
  return info;
}

/**
 * Prefixes that say which provider a key is from, most specific first: `sk-ant-` pasted where
 * OpenAI's `sk-` is expected is an Anthropic key, whatever else it looks like. `names` are the
 * fields where the prefix belongs (none: a token of a service Clawbar does not configure).
 */
const telltalePrefixes: readonly { prefix: string; provider: string; names: readonly ProviderSecretKey[] }[] =
  [
    { prefix: 'sk-svcacct-', provider: 'OpenAI', names: ['OPENAI_API_KEY'] },
    { prefix: 'sk-proj-', provider: 'OpenAI', names: ['OPENAI_API_KEY'] },
    { prefix: 'sk-ant-', provider: 'Anthropic', names: ['ANTHROPIC_API_KEY'] },
    { prefix: 'sk-or-', provider: 'OpenRouter', names: ['OPENROUTER_API_KEY'] },
    { prefix: 'github_pat_', provider: 'GitHub', names: [] },
    { prefix: 'ghp_', provider: 'GitHub', names: [] },
    { prefix: 'gsk_', provider: 'Groq', names: ['GROQ_API_KEY'] },
    { prefix: 'xai-', provider: 'xAI', names: ['XAI_API_KEY'] },
    { prefix: 'AIza', provider: 'Google', names: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'] },
    { prefix: 'hf_', provider: 'Hugging Face', names: [] },
  ];

/** The longest value Clawbar stores (provider keys are a few hundred characters at most). */
export const maxSecretLength = 1024;
/** What the contract lets through before trimming; the check below decides. */
export const maxSecretInputLength = 4096;

/** Why a value is refused (`error`) or looks wrong (`warning`). Sentences: `secrets.problems.<code>`. */
export const secretProblemCodes = [
  'empty',
  'line-break',
  'control-character',
  'too-long',
  'whitespace',
  'non-ascii',
  'too-short',
  'other-provider',
  'unexpected-prefix',
  'unexpected-format',
] as const;
export type SecretProblemCode = (typeof secretProblemCodes)[number];

export interface SecretProblem {
  code: SecretProblemCode;
  severity: 'error' | 'warning';
  /** Values for the sentence's placeholders: provider names, prefixes, lengths; never the value. */
  params: Record<string, string>;
}

export interface SecretCheck {
  /** The value as it will be stored: surrounding whitespace (a pasted newline) removed. */
  value: string;
  /** False when an error makes the value unusable; warnings do not block. */
  ok: boolean;
  problems: SecretProblem[];
}

const errorCodes: ReadonlySet<SecretProblemCode> = new Set([
  'empty',
  'line-break',
  'control-character',
  'too-long',
]);
// C0 controls except tab, line feed and carriage return (reported on their own), and DEL.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const controlCharacter = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- the ASCII range, spelled out
const nonAscii = /[^\u0000-\u007f]/;

export function checkSecretValue(name: ProviderSecretKey, raw: string): SecretCheck {
  const value = raw.trim();
  const info = providerKeyInfo(name);
  const problems: SecretProblem[] = [];
  const add = (code: SecretProblemCode, params: Record<string, string> = {}): void => {
    problems.push({ code, severity: errorCodes.has(code) ? 'error' : 'warning', params });
  };
  if (value === '') {
    add('empty');
    return { value, ok: false, problems };
  }
  if (/[\r\n]/.test(value)) add('line-break');
  if (controlCharacter.test(value)) add('control-character');
  if (value.length > maxSecretLength) add('too-long', { max: String(maxSecretLength) });
  if (/\s/.test(value)) add('whitespace');
  if (nonAscii.test(value)) add('non-ascii');
  const other = otherProvider(name, value);
  if (other) {
    add('other-provider', { provider: info.provider, other });
  } else if (info.prefixes.length > 0 && !info.prefixes.some(prefix => value.startsWith(prefix))) {
    add('unexpected-prefix', { provider: info.provider, prefix: info.prefixes.join(', ') });
  } else if (info.pattern && !info.pattern.test(value)) {
    add('unexpected-format', { provider: info.provider, example: info.example });
  }
  if (value.length < info.minLength && !problems.some(problem => problem.code === 'unexpected-format')) {
    add('too-short', { provider: info.provider, length: String(value.length), min: String(info.minLength) });
  }
  return { value, ok: !problems.some(problem => problem.severity === 'error'), problems };
}

/** The provider a value clearly belongs to, when that is not the field's own. */
function otherProvider(name: ProviderSecretKey, value: string): string | undefined {
  const telltale = telltalePrefixes.find(candidate => value.startsWith(candidate.prefix));
  if (telltale) return telltale.names.includes(name) ? undefined : telltale.provider;
  if (name !== 'TELEGRAM_BOT_TOKEN' && telegramToken.test(value)) return 'Telegram';
  return undefined;
}

export const secretNameSchema = z.enum(secretNames);
export const providerSecretKeySchema = z.enum(providerSecretKeys);

/** What the secrets channels answer: which secrets are set. An enum of names cannot carry a value. */
export const secretNamesSchema = z.array(secretNameSchema).max(secretNames.length);
export type SecretNames = z.infer<typeof secretNamesSchema>;

/** Only provider keys: the gateway token is generated, so the contract refuses to set or remove it. */
export const secretsSetInputSchema = z.strictObject({
  name: providerSecretKeySchema,
  value: z.string().min(1).max(maxSecretInputLength),
});
export const secretsDeleteInputSchema = z.strictObject({ name: providerSecretKeySchema });
