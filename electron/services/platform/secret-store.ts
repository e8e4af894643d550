import { ClawbarError, type ErrorCode } from '../../../common/errors';
import { secretNames, type SecretName } from '../../../common/secrets';
import { ExecError, type ExecRunner } from './exec';
import type { Logger } from './log';
import { redactor as processRedactor, type Redactor } from './redact';

/**
 * Where the gateway token and the provider keys live: the macOS Keychain, as generic passwords
 * (service `ai.openclaw.clawbar`, account = the secret's name), through Apple's `security` tool.
 * A value never goes on a command line, where `ps` would show it: writes go through
 * `security -i`, which reads its commands from stdin. Every value read or written is registered
 * with the log redactor at once, and no error message carries one.
 */
export interface SecretStore {
  /** The value, or undefined when the secret is not set. */
  get(name: SecretName): Promise<string | undefined>;
  /** Creates or replaces the secret. */
  set(name: SecretName, value: string): Promise<void>;
  /** Removes the secret; false when it was not set. */
  delete(name: SecretName): Promise<boolean>;
  /** Which secrets are set, in `secretNames` order; reads no value. */
  names(): Promise<SecretName[]>;
}

export const keychainService = 'ai.openclaw.clawbar';
/** Always the system's own tool on a Mac (never one found first on PATH). */
export const keychainCommand = '/usr/bin/security';

/**
 * `security -i` reads a line into a 4096-byte buffer (security.c MAX_LINE_LEN) and runs a longer
 * line cut in two: the command and its newline must fit in 4095 bytes.
 */
export const maxInteractiveLineBytes = 4094;

/** OSStatus codes `security` reports (SecBase.h); its exit status is the code modulo 256. */
export const keychainStatus = {
  itemNotFound: -25300,
  duplicateItem: -25299,
  authFailed: -25293,
  noSuchKeychain: -25294,
  notAvailable: -25291,
  noDefaultKeychain: -25307,
  interactionNotAllowed: -25308,
  userCanceled: -128,
} as const;

const statusMeaning: Record<number, string> = {
  [keychainStatus.itemNotFound]: 'the item is not in the keychain',
  [keychainStatus.duplicateItem]: 'the item already exists',
  [keychainStatus.authFailed]: 'access was refused (the macOS prompt was denied or the password was wrong)',
  [keychainStatus.noSuchKeychain]: 'the keychain does not exist',
  [keychainStatus.notAvailable]: 'no keychain is available',
  [keychainStatus.noDefaultKeychain]: 'there is no default keychain',
  [keychainStatus.interactionNotAllowed]: 'the keychain is locked and macOS may not ask to unlock it now',
  [keychainStatus.userCanceled]: 'the macOS prompt was cancelled',
};

const deniedStatuses: ReadonlySet<number> = new Set([keychainStatus.authFailed, keychainStatus.userCanceled]);
const unavailableStatuses: ReadonlySet<number> = new Set([
  keychainStatus.noSuchKeychain,
  keychainStatus.notAvailable,
  keychainStatus.noDefaultKeychain,
  keychainStatus.interactionNotAllowed,
]);

/** The OSStatus behind an exit status, when it is one `security` is known to return. */
export function statusFromExitCode(exitCode: number | null): number | undefined {
  if (exitCode === null) return undefined;
  return Object.values(keychainStatus).find(status => (status & 0xff) === exitCode);
}

/** `add-generic-password: returned -25299`: what `security -i` prints after a failed command. */
export function statusesFromInteractive(stderr: string): number[] {
  return [...stderr.matchAll(/^[\w-]+: returned (-?\d+)$/gm)].map(match => Number(match[1]));
}

/**
 * Quotes one argument for `security -i`'s own line splitter (security.c split_line): inside
 * double quotes a backslash makes the next byte literal, so only `\` and `"` need escaping. A line
 * break cannot be quoted (it ends the command), nor NUL (it ends the C string): callers refuse them.
 */
export function quoteInteractiveArg(value: string): string {
  return `"${value.replace(/[\\"]/g, character => `\\${character}`)}"`;
}

/** One `security -i` command line, newline included. */
export function interactiveLine(args: readonly string[]): string {
  return `${args.map(quoteInteractiveArg).join(' ')}\n`;
}

/**
 * The password `find-generic-password -g` prints on stderr (keychain_utilities.c print_buffer):
 * `password: "text"` when every byte is printable ASCII other than `\`, otherwise
 * `password: 0xHEX  "escaped"` — the hex is exact, so it is what is decoded. Undefined when no
 * such line is there, null when the bytes are not UTF-8 text.
 */
export function parsePasswordLine(stderr: string): string | undefined | null {
  const line = /^password: (.*)$/m.exec(stderr)?.[1];
  if (line === undefined) return undefined;
  if (line === '') return '';
  const hex = /^0x([0-9A-Fa-f]*) /.exec(line);
  if (hex) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(hex[1] ?? '', 'hex'));
    } catch {
      return null;
    }
  }
  const text = /^"(.*)"$/.exec(line);
  return text ? (text[1] ?? '') : null;
}

/** The accounts in an attribute listing (`    "acct"<blob>="OPENAI_API_KEY"`). */
export function accountsInListing(stdout: string): string[] {
  return [...stdout.matchAll(/^\s*"acct"<blob>="([^"]*)"$/gm)].map(match => match[1] ?? '');
}

export interface KeychainSecretStoreOptions {
  exec: ExecRunner;
  log: Logger;
  /** `/usr/bin/security`; the demo passes `security` so its stand-in is found on PATH. */
  command?: string;
  service?: string;
  platform?: NodeJS.Platform;
  redactor?: Redactor;
  /** How long one call may take: reading can wait on a macOS "allow access" prompt. */
  timeoutMs?: number;
}

type Action = 'read' | 'write' | 'delete' | 'list';

const failureCodes: Record<Action, ErrorCode> = {
  read: 'secrets-read-failed',
  list: 'secrets-read-failed',
  write: 'secrets-write-failed',
  delete: 'secrets-delete-failed',
};

type Outcome =
  { ok: true; stdout: string; stderr: string } | { ok: false; exitCode: number | null; stderr: string };

export class KeychainSecretStore implements SecretStore {
  private readonly command: string;
  private readonly service: string;
  private readonly platform: NodeJS.Platform;
  private readonly redactor: Redactor;
  private readonly timeoutMs: number;

  constructor(private readonly options: KeychainSecretStoreOptions) {
    this.command = options.command ?? keychainCommand;
    this.service = options.service ?? keychainService;
    this.platform = options.platform ?? process.platform;
    this.redactor = options.redactor ?? processRedactor;
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  async get(name: SecretName): Promise<string | undefined> {
    const outcome = await this.run('read', name, [
      'find-generic-password',
      '-s',
      this.service,
      '-a',
      name,
      '-g',
    ]);
    if (!outcome.ok) {
      const status = statusFromExitCode(outcome.exitCode);
      if (status === keychainStatus.itemNotFound) return undefined;
      throw this.failure('read', name, status, outcome.stderr);
    }
    const value = parsePasswordLine(outcome.stderr);
    if (value === undefined || value === null) {
      throw new ClawbarError(
        'secrets-read-failed',
        value === null
          ? `The Keychain item ${name} does not hold text; remove it and enter the key again.`
          : `${this.command} did not print the password of ${name}.`,
      );
    }
    this.redactor.register(value);
    return value;
  }

  async set(name: SecretName, value: string): Promise<void> {
    if (value === '') {
      throw new ClawbarError('secrets-value-invalid', `${name} is empty: remove the key instead.`);
    }
    if (/[\r\n\0]/.test(value)) {
      throw new ClawbarError(
        'secrets-value-invalid',
        `${name} contains a line break or a NUL character, which the Keychain tool cannot store.`,
      );
    }
    // Registered before anything runs, so not even a failure can print it.
    this.redactor.register(value);
    const line = interactiveLine([
      'add-generic-password',
      '-U',
      '-s',
      this.service,
      '-a',
      name,
      '-l',
      `Clawbar: ${name}`,
      '-w',
      value,
    ]);
    if (Buffer.byteLength(line, 'utf8') > maxInteractiveLineBytes + 1) {
      throw new ClawbarError('secrets-value-invalid', `${name} is too long for the Keychain tool.`);
    }
    const outcome = await this.run('write', name, ['-i'], line);
    if (!outcome.ok) {
      const status = statusesFromInteractive(outcome.stderr).at(-1) ?? statusFromExitCode(outcome.exitCode);
      throw this.failure('write', name, status, outcome.stderr, value);
    }
    this.options.log.debug('Saved a Keychain item', { name });
  }

  async delete(name: SecretName): Promise<boolean> {
    const outcome = await this.run('delete', name, [
      'delete-generic-password',
      '-s',
      this.service,
      '-a',
      name,
    ]);
    if (outcome.ok) {
      this.options.log.debug('Removed a Keychain item', { name });
      return true;
    }
    const status = statusFromExitCode(outcome.exitCode);
    if (status === keychainStatus.itemNotFound) return false;
    throw this.failure('delete', name, status, outcome.stderr);
  }

  async names(): Promise<SecretName[]> {
    // One process for all the names. `security -i` exits with the status of its last command, and
    // an empty line is a command that succeeds: so the exit is 0 and every listing arrives whole;
    // the per-command statuses are in the `returned` lines.
    const script =
      secretNames
        .map(name => interactiveLine(['find-generic-password', '-s', this.service, '-a', name]))
        .join('') + '\n';
    const outcome = await this.run('list', undefined, ['-i'], script);
    if (!outcome.ok) {
      throw this.failure('list', undefined, statusFromExitCode(outcome.exitCode), outcome.stderr);
    }
    const failed = statusesFromInteractive(outcome.stderr).find(
      status => status !== keychainStatus.itemNotFound,
    );
    if (failed !== undefined) throw this.failure('list', undefined, failed, outcome.stderr);
    const found = new Set(accountsInListing(outcome.stdout));
    return secretNames.filter(name => found.has(name));
  }

  private async run(
    action: Action,
    name: SecretName | undefined,
    args: string[],
    input?: string,
  ): Promise<Outcome> {
    try {
      const result = await this.options.exec.run(this.command, args, {
        timeoutMs: this.timeoutMs,
        ...(input === undefined ? {} : { input }),
      });
      return { ok: true, stdout: result.stdout, stderr: result.stderr };
    } catch (error) {
      if (!(error instanceof ExecError)) throw error;
      if (error.code === 'exec-failed' && error.exitCode !== null) {
        return { ok: false, exitCode: error.exitCode, stderr: error.stderrTail };
      }
      if (error.code === 'exec-not-found') {
        const where = this.platform === 'darwin' ? '' : ` (this computer runs ${this.platform}, not macOS)`;
        throw new ClawbarError(
          'secrets-unavailable',
          `The macOS Keychain cannot be reached: ${this.command} was not found${where}. Clawbar keeps the gateway token and provider keys only in the Keychain.`,
        );
      }
      const subject = name ?? 'the keys';
      const how =
        error.code === 'exec-timeout'
          ? `did not answer within ${Math.round(this.timeoutMs / 1000)} s (is a macOS prompt waiting for you?)`
          : error.code === 'exec-cancelled'
            ? 'was cancelled'
            : 'could not be started';
      throw new ClawbarError(failureCodes[action], `The Keychain tool ${how} while handling ${subject}.`);
    }
  }

  private failure(
    action: Action,
    name: SecretName | undefined,
    status: number | undefined,
    stderr: string,
    value?: string,
  ): ClawbarError {
    const code =
      status !== undefined && deniedStatuses.has(status)
        ? 'secrets-access-denied'
        : status !== undefined && unavailableStatuses.has(status)
          ? 'secrets-unavailable'
          : failureCodes[action];
    const subject = name ?? 'the key';
    const what = {
      read: `read ${subject} from the Keychain`,
      list: 'list the keys in the Keychain',
      write: `save ${subject} in the Keychain`,
      delete: `remove ${subject} from the Keychain`,
    }[action];
    // With -U, "already exists" only comes after the update failed: the tool's own lines say why.
    const meaning =
      status === undefined
        ? undefined
        : action === 'write' && status === keychainStatus.duplicateItem
          ? 'the existing item could not be updated'
          : (statusMeaning[status] ?? `OSStatus ${status}`);
    return new ClawbarError(
      code,
      `Could not ${what}${meaning ? `: ${meaning}` : ''}.${this.detail(stderr, value)}`,
    );
  }

  /** The tool's own error lines (`security: …`), unless one could hold the value. */
  private detail(stderr: string, value?: string): string {
    const lines = stderr
      .split('\n')
      .filter(line => line.startsWith('security: '))
      .map(line => this.redactor.text(line));
    if (lines.length === 0 || (value !== undefined && lines.some(line => line.includes(value)))) return '';
    return ` (${lines.join(' ')})`;
  }
}
