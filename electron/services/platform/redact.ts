/**
 * Secret redaction for everything that leaves a service as text: logs, error messages, command
 * lines, diagnostics. Two nets: the exact values the app knows are secret (registered when they
 * are read from the Keychain or generated), and patterns for well-known key formats and
 * `key=value` pairs with secret-sounding names, for secrets the app never saw.
 */
export const REDACTED = '[REDACTED]';

// Names that end in one of these hold secrets (`apiKey`, `OPENAI_API_KEY`, `gatewayToken`), while
// `maxTokens` or `prompt_tokens` do not.
const secretNameSource = String.raw`(?:api[-_]?key|secret|passw(?:or)?d|authorization|credentials?|private[-_]?key|token)`;
const secretKeyName = new RegExp(`${secretNameSource}$`, 'i');

const secretPatterns: readonly RegExp[] = [
  /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}/g, // Anthropic / OpenAI
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, // GitHub
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g, // Slack
  /\bhf_[A-Za-z0-9]{30,}\b/g, // Hugging Face
  /\b\d{8,10}:[A-Za-z0-9_-]{35}\b/g, // Telegram bot token
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
];

// `token=abc`, `"apiKey": "abc"`, `OPENAI_API_KEY=abc`
const keyValuePattern = new RegExp(
  String.raw`(["']?[\w.-]*?${secretNameSource}["']?\s*[:=]\s*["']?)([^\s"',;}&]{4,})`,
  'gi',
);
// `--token abc`, `--api-key abc`
const flagPattern = new RegExp(String.raw`(--[\w-]*?${secretNameSource}\s+)([^\s"']{4,})`, 'gi');

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a value that must never appear anywhere. Short values are refused: too many false hits. */
  register(value: string | undefined | null): void {
    if (value && value.length >= 6) this.secrets.add(value);
  }

  unregister(value: string): void {
    this.secrets.delete(value);
  }

  /** Whether a registered value occurs in the text: the diagnostics bundle's last check before writing. */
  containsRegistered(input: string): boolean {
    for (const secret of this.secrets) if (input.includes(secret)) return true;
    return false;
  }

  text(input: string): string {
    let output = input;
    // Longest first, so a secret that contains another is replaced whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      output = output.split(secret).join(REDACTED);
    }
    for (const pattern of secretPatterns) output = output.replace(pattern, REDACTED);
    for (const pattern of [keyValuePattern, flagPattern]) {
      output = output.replace(pattern, (_whole, key: string) => `${key}${REDACTED}`);
    }
    return output;
  }

  /** Deep copy with secret-named keys blanked and every string passed through text(). */
  value<T>(input: T): T {
    return this.redactValue(input, new WeakSet()) as T;
  }

  private redactValue(input: unknown, seen: WeakSet<object>): unknown {
    if (typeof input === 'string') return this.text(input);
    if (typeof input !== 'object' || input === null) return input;
    if (seen.has(input)) return '[Circular]';
    seen.add(input);
    if (Array.isArray(input)) return input.map(item => this.redactValue(item, seen));
    if (input instanceof Error) return this.text(`${input.name}: ${input.message}`);
    const output: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) {
      output[key] =
        secretKeyName.test(key) && (typeof value === 'string' || typeof value === 'number')
          ? REDACTED
          : this.redactValue(value, seen);
    }
    return output;
  }
}

/** The process-wide redactor: every logger, exec error and diagnostic goes through it. */
export const redactor = new Redactor();
