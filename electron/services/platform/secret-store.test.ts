import { describe, expect, it } from 'vitest';

import {
  accountsInListing,
  interactiveLine,
  keychainStatus,
  parsePasswordLine,
  quoteInteractiveArg,
  statusesFromInteractive,
  statusFromExitCode,
} from './secret-store';

describe('quoting for security -i', () => {
  it('wraps every argument in double quotes and escapes only backslash and double quote', () => {
    expect(quoteInteractiveArg('plain')).toBe('"plain"');
    expect(quoteInteractiveArg('')).toBe('""');
    expect(quoteInteractiveArg('two words')).toBe('"two words"');
    expect(quoteInteractiveArg('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteInteractiveArg('back\\slash')).toBe('"back\\\\slash"');
    expect(quoteInteractiveArg("it's $HOME `x`")).toBe('"it\'s $HOME `x`"');
    expect(quoteInteractiveArg('clé 🦀')).toBe('"clé 🦀"');
  });

  it('builds one command line ending in a newline (a line without one is never run)', () => {
    expect(interactiveLine(['add-generic-password', '-a', 'A B', '-w', 'x"y'])).toBe(
      '"add-generic-password" "-a" "A B" "-w" "x\\"y"\n',
    );
  });
});

describe('reading what security prints', () => {
  it('maps exit statuses back to the OSStatus (the code modulo 256)', () => {
    expect(statusFromExitCode(44)).toBe(keychainStatus.itemNotFound);
    expect(statusFromExitCode(45)).toBe(keychainStatus.duplicateItem);
    expect(statusFromExitCode(51)).toBe(keychainStatus.authFailed);
    expect(statusFromExitCode(128)).toBe(keychainStatus.userCanceled);
    expect(statusFromExitCode(36)).toBe(keychainStatus.interactionNotAllowed);
    expect(statusFromExitCode(1)).toBeUndefined();
    expect(statusFromExitCode(null)).toBeUndefined();
  });

  it('finds the statuses of failed interactive commands', () => {
    const stderr = [
      'security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain.',
      'find-generic-password: returned -25300',
      'security: SecKeychainItemCreateFromContent (<default>): The specified item already exists in the keychain.',
      'add-generic-password: returned -25299',
    ].join('\n');
    expect(statusesFromInteractive(stderr)).toEqual([-25300, -25299]);
    expect(statusesFromInteractive('')).toEqual([]);
  });

  it('reads the password line of find-generic-password -g, printable or hex', () => {
    expect(parsePasswordLine('password: "sk-abc"\n')).toBe('sk-abc');
    // Quotes inside a printable password are printed as they are.
    expect(parsePasswordLine('password: "a "q" b"\n')).toBe('a "q" b');
    // A backslash or any non-ASCII byte makes it print hex, then the escaped text.
    expect(parsePasswordLine('password: 0x6120227122205C20C3A9  "a "q" \\134 \\303\\251"\n')).toBe(
      'a "q" \\ é',
    );
    expect(parsePasswordLine('password: 0xC3A9 \n')).toBe('é');
    expect(parsePasswordLine('password: \n')).toBe('');
    // Hex digits are a value like any other when they are printable: the gateway token.
    expect(parsePasswordLine(`password: "${'ab'.repeat(32)}"\n`)).toBe('ab'.repeat(32));
    expect(parsePasswordLine('security: something else\n')).toBeUndefined();
    expect(parsePasswordLine('password: 0xFF \n')).toBeNull();
  });

  it('lists the accounts of an attribute listing', () => {
    const listing = [
      'keychain: "/Users/me/Library/Keychains/login.keychain-db"',
      'class: "genp"',
      'attributes:',
      '    0x00000007 <blob>="Clawbar: OPENAI_API_KEY"',
      '    "acct"<blob>="OPENAI_API_KEY"',
      '    "svce"<blob>="ai.openclaw.clawbar"',
      'keychain: "/Users/me/Library/Keychains/login.keychain-db"',
      '    "acct"<blob>="OPENCLAW_GATEWAY_TOKEN"',
    ].join('\n');
    expect(accountsInListing(listing)).toEqual(['OPENAI_API_KEY', 'OPENCLAW_GATEWAY_TOKEN']);
  });
});
