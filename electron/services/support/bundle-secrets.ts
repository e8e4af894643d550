import { parse } from 'yaml';

import { ClawbarError } from '../../../common/errors';
import { REDACTED, Redactor } from '../platform/redact';

/**
 * The secrets a diagnostics bundle must never hold, and the two nets that keep them out: every
 * entry is redacted (the process redactor's registered values and patterns, private-key blocks,
 * and the exact values this bundle knows: the Keychain's secrets and the kubeconfig's credentials,
 * also in the base64 form a Kubernetes object would carry them in); then, independently, every
 * finished entry is scanned for those values, and one hit stops the bundle from being written.
 */

// PEM private keys of any kind (RSA, EC, PKCS#8), whether or not their value is known.
const privateKeyBlock = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g;

/** A secret found by the last scan: where, and which kind (never the value). */
export interface SecretHit {
  entry: string;
  secret: string;
}

export class BundleSecrets {
  /** Value → what it is ("the gateway token", "OPENAI_API_KEY (base64)"), for the refusal message. */
  private readonly known = new Map<string, string>();
  private readonly local = new Redactor();

  constructor(private readonly processRedactor: Redactor) {}

  /** Adds a value and its base64 form (as a Secret's `data` or a kubeconfig would carry it). */
  add(value: string | undefined, label: string): void {
    if (!value || value.length < 6) return;
    const forms: [string, string][] = [
      [value, label],
      [Buffer.from(value, 'utf8').toString('base64'), `${label} (base64)`],
    ];
    for (const [form, what] of forms) {
      if (this.known.has(form)) continue;
      this.known.set(form, what);
      this.local.register(form);
    }
  }

  /**
   * The credentials in a kubeconfig: each user's client key and token (as written and decoded).
   * Unreadable YAML adds nothing: the bundle never includes a kubeconfig anyway.
   */
  addKubeconfig(text: string | undefined, label: string): void {
    if (!text) return;
    let document: unknown;
    try {
      document = parse(text);
    } catch {
      return;
    }
    const users = (document as { users?: unknown } | null)?.users;
    if (!Array.isArray(users)) return;
    for (const entry of users) {
      const user = (entry as { user?: Record<string, unknown> } | null)?.user;
      if (!user) continue;
      const keyData = user['client-key-data'];
      if (typeof keyData === 'string') {
        this.add(keyData, `${label} client-key-data`);
        const pem = Buffer.from(keyData, 'base64').toString('utf8').trim();
        this.add(pem, `${label} client key`);
        // A log that wraps or cuts the key still shows its lines: each one gives part of it away.
        for (const line of pem.split('\n')) {
          if (!line.startsWith('-----') && line.trim().length >= 16)
            this.add(line.trim(), `${label} client key (a line)`);
        }
      }
      for (const field of ['token', 'password'] as const) {
        const value = user[field];
        if (typeof value === 'string') this.add(value, `${label} ${field}`);
      }
    }
  }

  get size(): number {
    return this.known.size;
  }

  /** Everything an entry says, minus every secret either redactor knows and every private key. */
  redact(text: string): string {
    return this.local.text(this.processRedactor.text(text.replace(privateKeyBlock, REDACTED)));
  }

  /** A JSON-able value redacted (secret-named fields blanked), then its text. */
  redactJson(value: unknown): string {
    return this.redact(`${JSON.stringify(this.processRedactor.value(value), null, 2)}\n`);
  }

  /** Every known secret that occurs in the entries, by kind; none is ever part of the answer. */
  scan(entries: readonly { name: string; text: string }[]): SecretHit[] {
    const hits: SecretHit[] = [];
    for (const entry of entries) {
      for (const [value, what] of this.known) {
        if (entry.text.includes(value)) hits.push({ entry: entry.name, secret: what });
      }
      if (this.processRedactor.containsRegistered(entry.text)) {
        hits.push({ entry: entry.name, secret: 'a value registered with the redactor' });
      }
      privateKeyBlock.lastIndex = 0;
      if (privateKeyBlock.test(entry.text)) hits.push({ entry: entry.name, secret: 'a private key' });
    }
    return hits;
  }

  /** Throws `diagnostics-secret-found` naming the entries (and kinds) when the scan finds any. */
  assertClean(entries: readonly { name: string; text: string }[]): void {
    const hits = this.scan(entries);
    if (hits.length === 0) return;
    const where = hits
      .slice(0, 10)
      .map(hit => `${hit.entry} (${hit.secret})`)
      .join(', ');
    throw new ClawbarError(
      'diagnostics-secret-found',
      `The diagnostics bundle was not written: ${hits.length} secret${hits.length === 1 ? '' : 's'} would have been in it: ${where}.`,
    );
  }
}
