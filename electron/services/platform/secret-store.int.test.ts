import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { isClawbarError, type ClawbarError } from '../../../common/errors';
import { gatewayTokenKey } from '../../../common/secrets';
import { standInBinDir } from '../../../testing/demo/world';
import { ensureGatewayToken } from '../secrets/gateway-token';
import { createExecRunner } from './exec';
import { createLogger } from './log';
import { Redactor } from './redact';
import { KeychainSecretStore, keychainService, maxInteractiveLineBytes } from './secret-store';

const temporary: string[] = [];

afterEach(async () => {
  await Promise.all(temporary.splice(0).map(dir => rm(dir, { recursive: true, force: true })));
});

/** A store on the stand-in `security` found on PATH, as in the demo, with its argv and log recorded. */
async function keychain(env: NodeJS.ProcessEnv = {}) {
  const home = await mkdtemp(join(tmpdir(), 'clawbar-keychain-'));
  temporary.push(home);
  const argvLog = join(home, 'security-argv.jsonl');
  const exec = createExecRunner({
    env: {
      PATH: `${standInBinDir}${delimiter}${process.env.PATH ?? ''}`,
      CLAWBAR_HOME: home,
      CLAWBAR_SECURITY_ARGV_LOG: argvLog,
      ...env,
    },
    platform: 'linux',
  });
  const lines: string[] = [];
  const redactor = new Redactor();
  const log = createLogger({
    sinks: [{ write: line => lines.push(line), flush: () => Promise.resolve() }],
    level: 'debug',
    redactor,
  });
  const store = new KeychainSecretStore({ exec, command: 'security', log, redactor, platform: 'darwin' });
  const argvs = async (): Promise<string[][]> =>
    (await readFile(argvLog, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map(line => JSON.parse(line) as string[]);
  return { home, exec, store, lines, redactor, argvs };
}

async function failure(promise: Promise<unknown>): Promise<ClawbarError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!isClawbarError(error)) throw new Error(`expected a ClawbarError, got ${String(error)}`);
  return error;
}

describe('KeychainSecretStore against the stand-in security tool', () => {
  it('sets, reads, lists, replaces and deletes generic passwords', async () => {
    const { store } = await keychain();
    expect(await store.names()).toEqual([]);
    expect(await store.get('OPENAI_API_KEY')).toBeUndefined();

    await store.set('OPENAI_API_KEY', 'sk-proj-first-value-0123456789');
    await store.set('ANTHROPIC_API_KEY', 'sk-ant-api03-value-0123456789');
    expect(await store.get('OPENAI_API_KEY')).toBe('sk-proj-first-value-0123456789');
    // In secretNames order, whatever order they were set in.
    expect(await store.names()).toEqual(['ANTHROPIC_API_KEY', 'OPENAI_API_KEY']);

    await store.set('OPENAI_API_KEY', 'sk-proj-second-value-987654321');
    expect(await store.get('OPENAI_API_KEY')).toBe('sk-proj-second-value-987654321');
    expect(await store.names()).toEqual(['ANTHROPIC_API_KEY', 'OPENAI_API_KEY']);

    expect(await store.delete('OPENAI_API_KEY')).toBe(true);
    expect(await store.delete('OPENAI_API_KEY')).toBe(false);
    expect(await store.get('OPENAI_API_KEY')).toBeUndefined();
    expect(await store.names()).toEqual(['ANTHROPIC_API_KEY']);
  });

  it('round-trips values with quotes, spaces, backslashes, shell characters and unicode exactly', async () => {
    const { store } = await keychain();
    const values = [
      `a "quoted" 'single' value`,
      'back\\slash \\" and trailing backslash\\',
      '  spaces around  ',
      '$HOME `date` $(id) ; | & > <',
      'clé 🦀 ключ 鍵',
      '"',
      '\\',
      // Printable hex digits stay text, not hex output to decode: the gateway token looks like this.
      'ab'.repeat(32),
      '0xC3A9 ',
    ];
    for (const value of values) {
      await store.set('LM_API_TOKEN', value);
      expect(await store.get('LM_API_TOKEN'), JSON.stringify(value)).toBe(value);
    }
  });

  it('takes the longest value a security -i line holds, and refuses a longer one instead of cutting it', async () => {
    const { store } = await keychain();
    const overhead = Buffer.byteLength(
      '"add-generic-password" "-U" "-s" "ai.openclaw.clawbar" "-a" "LM_API_TOKEN" "-l" "Clawbar: LM_API_TOKEN" "-w" ""',
    );
    const longest = 'k'.repeat(maxInteractiveLineBytes - overhead);
    await store.set('LM_API_TOKEN', longest);
    expect(await store.get('LM_API_TOKEN')).toBe(longest);
    const refused = await failure(store.set('LM_API_TOKEN', `${longest}k`));
    expect(refused.code).toBe('secrets-value-invalid');
    expect(await store.get('LM_API_TOKEN')).toBe(longest);
  });

  it('refuses values the tool cannot store, before running it', async () => {
    const { store, argvs } = await keychain();
    for (const value of ['', 'line\nbreak', 'carriage\rreturn', 'nul\0byte']) {
      expect((await failure(store.set('LM_API_TOKEN', value))).code).toBe('secrets-value-invalid');
    }
    expect(await argvs()).toEqual([]);
  });

  it('never puts a value on a command line, in the log or in an error', async () => {
    const secret = 'sk-proj-NEVER-ON-ARGV-0123456789abcdef';
    const { store, argvs, lines } = await keychain();
    await store.set('OPENAI_API_KEY', secret);
    await store.get('OPENAI_API_KEY');
    await store.names();
    await store.delete('OPENAI_API_KEY');
    const recorded = await argvs();
    expect(recorded.length).toBe(4);
    expect(recorded[0]).toEqual(['-i']);
    expect(recorded[1]).toEqual([
      'find-generic-password',
      '-s',
      keychainService,
      '-a',
      'OPENAI_API_KEY',
      '-g',
    ]);
    expect(JSON.stringify(recorded)).not.toContain('NEVER-ON-ARGV');
    expect(lines.join('\n')).not.toContain('NEVER-ON-ARGV');

    // The user refuses the access prompt: reading and replacing fail, and say nothing of the value.
    const denied = await keychain({ CLAWBAR_SECURITY_FAULT: 'denied' });
    await (await keychain({ CLAWBAR_HOME: denied.home })).store.set('OPENAI_API_KEY', secret);
    const readError = await failure(denied.store.get('OPENAI_API_KEY'));
    expect(readError.code).toBe('secrets-access-denied');
    expect(readError.message).toBe(
      'Could not read OPENAI_API_KEY from the Keychain: access was refused (the macOS prompt was denied or the password was wrong).',
    );
    const writeError = await failure(denied.store.set('OPENAI_API_KEY', `${secret}-replaced`));
    expect(writeError.code).toBe('secrets-write-failed');
    expect(writeError.message).toContain('The user name or passphrase you entered is not correct.');
    for (const error of [readError, writeError]) {
      expect(JSON.stringify({ message: error.message, issues: error.issues })).not.toContain('NEVER-ON-ARGV');
    }
    expect(denied.lines.join('\n')).not.toContain('NEVER-ON-ARGV');
  });

  it('registers every value it reads or writes with the redactor', async () => {
    const { store, redactor } = await keychain();
    await store.set('GROQ_API_KEY', 'written-value-123456');
    expect(redactor.text('x written-value-123456 y')).toBe('x [REDACTED] y');
    const other = await keychain({ CLAWBAR_HOME: (await keychain()).home });
    await other.store.set('GROQ_API_KEY', 'read-back-value-654321');
    const readerRedactor = new Redactor();
    const reader = new KeychainSecretStore({
      exec: other.exec,
      command: 'security',
      log: createLogger({ sinks: [] }),
      redactor: readerRedactor,
    });
    expect(readerRedactor.text('read-back-value-654321')).toBe('read-back-value-654321');
    await reader.get('GROQ_API_KEY');
    expect(readerRedactor.text('read-back-value-654321')).toBe('[REDACTED]');
  });

  it('keeps the simulated keychain in a 0600 file under CLAWBAR_HOME, apart from other services', async () => {
    const { store, home, exec } = await keychain();
    await store.set('BRAVE_API_KEY', 'BSA-simulated-value-000');
    const file = join(home, 'stand-ins', 'keychain.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // An item of another app with the same account name is not Clawbar's.
    await exec.run('security', ['-i'], {
      input: '"add-generic-password" "-s" "com.example.other" "-a" "XAI_API_KEY" "-w" "theirs"\n',
    });
    expect(await store.names()).toEqual(['BRAVE_API_KEY']);
    expect(await store.get('XAI_API_KEY')).toBeUndefined();
  });

  it('says the Keychain is unavailable where there is no security tool', async () => {
    const { exec } = await keychain();
    const store = new KeychainSecretStore({
      exec,
      command: '/nonexistent/usr/bin/security',
      log: createLogger({ sinks: [] }),
      platform: 'linux',
    });
    const error = await failure(store.names());
    expect(error.code).toBe('secrets-unavailable');
    expect(error.message).toBe(
      'The macOS Keychain cannot be reached: /nonexistent/usr/bin/security was not found (this computer runs linux, not macOS). Clawbar keeps the gateway token and provider keys only in the Keychain.',
    );
  });
});

describe('ensureGatewayToken against the stand-in', () => {
  it('generates 32 random bytes as hex once, shares one generation, and never replaces it', async () => {
    const { store, home } = await keychain();
    const [first, second] = await Promise.all([ensureGatewayToken(store), ensureGatewayToken(store)]);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toBe(first);
    expect(await store.names()).toEqual([gatewayTokenKey]);
    // Another process, later: the same token.
    const later = await keychain({ CLAWBAR_HOME: home });
    expect(await ensureGatewayToken(later.store)).toBe(first);
    // Whatever the Keychain holds is kept, even if it is not one Clawbar made.
    await later.store.set(gatewayTokenKey, 'a-token-the-user-put-there');
    expect(await ensureGatewayToken(store)).toBe('a-token-the-user-put-there');
  });
});
