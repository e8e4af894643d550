import {
  appendFileSync,
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Stand-in for macOS's /usr/bin/security, for the generic-password items Clawbar keeps in the
 * login keychain: `find-generic-password -s -a [-g]`, `add-generic-password -U -s -a -l -w`,
 * `delete-generic-password -s -a`, each as a command line or as lines on stdin after `-i`. It
 * follows Apple's sources (SecurityTool/macOS: security.c, readline.c, keychain_find.c,
 * keychain_add.c, keychain_utilities.c): the interactive line reader (4095 bytes at most, a last
 * line without a newline is dropped), its quoting, BSD getopt, the attribute listing on stdout,
 * `password: …` on stderr, the messages and the exit status (the OSStatus modulo 256: 44 for an
 * item that is not there). Other commands and flags are refused rather than guessed.
 *
 * The keychain is a JSON file, `$CLAWBAR_HOME/stand-ins/keychain.json` (mode 0600). Test hooks:
 * CLAWBAR_SECURITY_ARGV_LOG (a file each invocation appends its argv to, one JSON array a line)
 * and CLAWBAR_SECURITY_FAULT=denied (the user refuses the access prompt: reading a password or
 * changing an item fails with errSecAuthFailed).
 */

const status = {
  ok: 0,
  authFailed: -25293,
  duplicateItem: -25299,
  itemNotFound: -25300,
  noDefaultKeychain: -25307,
};
const statusText = {
  [status.authFailed]: 'The user name or passphrase you entered is not correct.',
  [status.duplicateItem]: 'The specified item already exists in the keychain.',
  [status.itemNotFound]: 'The specified item could not be found in the keychain.',
  [status.noDefaultKeychain]: 'A default keychain could not be found.',
};
const showUsage = 2;
const maxLineLength = 4096;
const maxArgs = 32;

const commands = [
  {
    name: 'add-generic-password',
    optstring: ':a:c:C:D:G:j:l:s:p:w:X:UAT:h',
    supported: 'aslwU',
    usage:
      '[-a account] [-s service] [-w password] [options...] [-A|-T appPath] [keychain]\n' +
      '    -a  Specify account name (required)\n' +
      '    -l  Specify label (if omitted, service name is used as default label)\n' +
      '    -s  Specify service name (required)\n' +
      '    -w  Specify password to be added\n' +
      '    -U  Update item if it already exists (if omitted, the item cannot already exist)',
    help: 'Add a generic password item.',
    run: addGenericPassword,
  },
  {
    name: 'find-generic-password',
    optstring: 'ha:c:C:D:G:j:l:s:wg',
    supported: 'asg',
    usage:
      '[-a account] [-s service] [options...] [-g] [keychain...]\n' +
      '    -a  Match "account" string\n' +
      '    -s  Match "service" string\n' +
      '    -g  Display the password for the item found',
    help: 'Find a generic password item.',
    run: findGenericPassword,
  },
  {
    name: 'delete-generic-password',
    optstring: 'ha:c:C:D:G:j:l:s:g',
    supported: 'as',
    usage:
      '[-a account] [-s service] [options...] [keychain...]\n' +
      '    -a  Match "account" string\n' +
      '    -s  Match "service" string',
    help: 'Delete a generic password item.',
    run: deleteGenericPassword,
  },
];

function secError(message) {
  process.stderr.write(`security: ${message}\n`);
}

function secPerror(what, code) {
  secError(`${what}: ${statusText[code] ?? `OSStatus ${code}`}`);
}

/** BSD getopt(3) over one command's arguments (Buffers): no permutation, `--` ends the options. */
function getopt(args, optstring) {
  const colonMode = optstring.startsWith(':');
  const spec = colonMode ? optstring.slice(1) : optstring;
  const options = [];
  let index = 0;
  while (index < args.length) {
    const arg = args[index];
    if (arg.length < 2 || arg[0] !== 0x2d) break;
    if (arg.length === 2 && arg[1] === 0x2d) {
      index++;
      break;
    }
    index++;
    for (let at = 1; at < arg.length; at++) {
      const letter = String.fromCharCode(arg[at]);
      const position = spec.indexOf(letter);
      if (position === -1 || letter === ':') {
        if (!colonMode) process.stderr.write(`security: illegal option -- ${letter}\n`);
        return { error: '?', optopt: letter };
      }
      if (spec[position + 1] !== ':') {
        options.push({ letter, value: undefined });
        continue;
      }
      if (at + 1 < arg.length) {
        options.push({ letter, value: arg.subarray(at + 1) });
      } else if (index < args.length) {
        options.push({ letter, value: args[index++] });
      } else {
        if (!colonMode) process.stderr.write(`security: option requires an argument -- ${letter}\n`);
        return { error: colonMode ? ':' : '?', optopt: letter };
      }
      break;
    }
  }
  return { options, rest: args.slice(index) };
}

/** Parses a command's options; refuses what the stand-in does not simulate. */
function parseCommand(command, args) {
  const parsed = getopt(args, command.optstring);
  if (parsed.error) return { result: showUsage, optopt: parsed.optopt };
  for (const { letter } of parsed.options) {
    if (!command.supported.includes(letter)) {
      process.stderr.write(`security (stand-in): ${command.name} -${letter} is not simulated\n`);
      return { result: showUsage };
    }
  }
  if (parsed.rest.length > 0) {
    process.stderr.write(`security (stand-in): ${command.name} with a keychain argument is not simulated\n`);
    return { result: showUsage };
  }
  const values = {};
  for (const { letter, value } of parsed.options) values[letter] = value ?? true;
  return { values };
}

// --- The simulated keychain -------------------------------------------------------------------

function keychainFile() {
  const home = process.env.CLAWBAR_HOME;
  return home ? join(home, 'stand-ins', 'keychain.json') : undefined;
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** securityd serialises changes; concurrent stand-ins take a lock file instead. */
function withLock(file, work) {
  const lock = `${file}.lock`;
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 10_000) rmSync(lock, { force: true });
      } catch {
        // Released meanwhile.
      }
      if (Date.now() > deadline) throw new Error(`keychain lock ${lock} is held`, { cause: error });
      sleep(20);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lock, { force: true });
  }
}

function loadItems(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8')).items;
  } catch (error) {
    if (error.code === 'ENOENT') return [];
    throw error;
  }
}

function saveItems(file, items) {
  mkdirSync(dirname(file), { recursive: true });
  const staging = `${file}.${process.pid}.tmp`;
  writeFileSync(staging, `${JSON.stringify({ items }, null, 2)}\n`, { mode: 0o600 });
  renameSync(staging, file);
}

/** The search by primary key (service and account) that keychain_find.c does. */
function findItem(items, service, account) {
  return items.find(
    item =>
      (service === undefined || item.service === service.toString('utf8')) &&
      (account === undefined || item.account === account.toString('utf8')),
  );
}

// --- Output, as keychain_utilities.c prints it ---------------------------------------------------

function printBuffer(bytes) {
  let hex = false;
  let ascii = false;
  for (const byte of bytes) {
    if (byte >= 0x20 && byte <= 0x7e && byte !== 0x5c) ascii = true;
    else hex = true;
  }
  let out = '';
  if (hex) {
    out += `0x${Buffer.from(bytes).toString('hex').toUpperCase()}`;
    if (ascii) out += ' ';
    out += ' ';
  }
  if (ascii) {
    out += '"';
    for (const byte of bytes) {
      out +=
        byte >= 0x20 && byte <= 0x7e && byte !== 0x5c
          ? String.fromCharCode(byte)
          : `\\${((byte >> 6) & 7).toString()}${((byte >> 3) & 7).toString()}${(byte & 7).toString()}`;
    }
    out += '"';
  }
  return out;
}

function tag(name) {
  return printBuffer(typeof name === 'number' ? Buffer.from([0, 0, 0, name]) : Buffer.from(name, 'latin1'));
}

function timeDate(iso) {
  const compact = `${iso.slice(0, 19).replace(/[-:T]/g, '')}Z`;
  return printBuffer(Buffer.concat([Buffer.from(compact, 'latin1'), Buffer.from([0])]));
}

function printAttributes(file, item) {
  const text = value => printBuffer(Buffer.from(value, 'utf8'));
  const lines = [
    `keychain: ${printBuffer(Buffer.from(file, 'utf8'))}`,
    'version: 512',
    `class: ${printBuffer(Buffer.from('genp', 'latin1'))}`,
    'attributes:',
    `    ${tag(7)}<blob>=${text(item.label)}`,
    `    ${tag(8)}<blob>=<NULL>`,
    `    ${tag('acct')}<blob>=${text(item.account)}`,
    `    ${tag('cdat')}<timedate>=${timeDate(item.created)}`,
    `    ${tag('crtr')}<uint32>=<NULL>`,
    `    ${tag('cusi')}<sint32>=<NULL>`,
    `    ${tag('desc')}<blob>=<NULL>`,
    `    ${tag('gena')}<blob>=<NULL>`,
    `    ${tag('icmt')}<blob>=<NULL>`,
    `    ${tag('invi')}<sint32>=<NULL>`,
    `    ${tag('mdat')}<timedate>=${timeDate(item.modified)}`,
    `    ${tag('nega')}<sint32>=<NULL>`,
    `    ${tag('prot')}<blob>=<NULL>`,
    `    ${tag('scrp')}<sint32>=<NULL>`,
    `    ${tag('svce')}<blob>=${text(item.service)}`,
    `    ${tag('type')}<uint32>=<NULL>`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

// --- Commands --------------------------------------------------------------------------------------

function findGenericPassword(command, args) {
  const parsed = parseCommand(command, args);
  if (parsed.result !== undefined) return parsed.result;
  const { a: account, s: service, g: getPassword } = parsed.values;
  const file = keychainFile();
  if (!file) {
    secPerror('SecKeychainCopyDefault', status.noDefaultKeychain);
    return status.noDefaultKeychain;
  }
  const item = findItem(loadItems(file), service, account);
  if (!item) {
    secPerror('SecKeychainSearchCopyNext', status.itemNotFound);
    return status.itemNotFound;
  }
  // SecKeychainItemCopyContent fails before anything is printed, and nothing says why.
  if (getPassword && process.env.CLAWBAR_SECURITY_FAULT === 'denied') return status.authFailed;
  printAttributes(file, item);
  if (getPassword) process.stderr.write(`password: ${printBuffer(Buffer.from(item.data, 'base64'))}\n`);
  return status.ok;
}

function addGenericPassword(command, args) {
  const parsed = parseCommand(command, args);
  if (parsed.result !== undefined) {
    // `-w` as the last option asks for the password on the terminal; there is none here.
    if (parsed.optopt === 'w') {
      process.stderr.write('security (stand-in): prompting for the password is not simulated\n');
      return 1;
    }
    return parsed.result;
  }
  const { a: account, s: service, l: label, w: password, U: update } = parsed.values;
  if (!account || !service) return showUsage;
  const file = keychainFile();
  if (!file) {
    secError(`SecKeychainItemCreateFromContent (<default>): ${statusText[status.noDefaultKeychain]}`);
    return status.noDefaultKeychain;
  }
  const data = Buffer.from(password ?? Buffer.alloc(0)).toString('base64');
  return withLock(file, () => {
    const items = loadItems(file);
    const existing = findItem(items, service, account);
    const now = new Date().toISOString();
    if (update && existing) {
      if (process.env.CLAWBAR_SECURITY_FAULT === 'denied') {
        secError(`SecKeychainItemModifyContent: ${statusText[status.authFailed]}`);
      } else {
        existing.data = data;
        existing.label = (label ?? service).toString('utf8');
        existing.modified = now;
        saveItems(file, items);
        return status.ok;
      }
    }
    // keychain_add.c falls through to creating the item whenever the update did not succeed.
    if (existing) {
      secError(`SecKeychainItemCreateFromContent (<default>): ${statusText[status.duplicateItem]}`);
      return status.duplicateItem;
    }
    items.push({
      service: service.toString('utf8'),
      account: account.toString('utf8'),
      label: (label ?? service).toString('utf8'),
      created: now,
      modified: now,
      data,
    });
    saveItems(file, items);
    return status.ok;
  });
}

function deleteGenericPassword(command, args) {
  const parsed = parseCommand(command, args);
  if (parsed.result !== undefined) return parsed.result;
  const { a: account, s: service } = parsed.values;
  if (!account && !service) return showUsage;
  const file = keychainFile();
  if (!file) {
    secPerror('SecKeychainSearchCopyNext', status.noDefaultKeychain);
    return status.noDefaultKeychain;
  }
  return withLock(file, () => {
    const items = loadItems(file);
    const item = findItem(items, service, account);
    if (!item) {
      secPerror('SecKeychainSearchCopyNext', status.itemNotFound);
      return status.itemNotFound;
    }
    printAttributes(file, item);
    saveItems(
      file,
      items.filter(other => other !== item),
    );
    process.stderr.write('password has been deleted.\n');
    return status.ok;
  });
}

// --- security.c -------------------------------------------------------------------------------

/** Runs one command; the name may be abbreviated (the first command it begins wins). */
function executeCommand(args) {
  if (args.length === 0) return 0;
  const typed = args[0].toString('utf8');
  const command = commands.find(candidate => candidate.name.startsWith(typed));
  if (!command) {
    secError(`unknown command "${typed}"`);
    return 1;
  }
  const result = command.run(command, args.slice(1));
  if (result === showUsage) {
    process.stderr.write(`Usage: ${command.name} ${command.usage}\n        ${command.help}\n`);
  }
  return result;
}

/** readline.c with security.c's buffer: a line longer than 4095 bytes is cut there. */
function* inputLines(buffer) {
  let position = 0;
  for (;;) {
    const start = position;
    let length = 0;
    for (;;) {
      if (length === maxLineLength - 1) {
        yield buffer.subarray(start, position);
        break;
      }
      if (position >= buffer.length) return; // EOF: a line without its newline is not run
      const byte = buffer[position++];
      if (byte === 0x0a) {
        yield buffer.subarray(start, position - 1);
        break;
      }
      length++;
    }
  }
}

const isSpace = byte => byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);

/** security.c's split_line: whitespace separates, '…' and "…" quote, a backslash escapes. */
function splitLine(line) {
  const end = line.indexOf(0);
  const bytes = end === -1 ? line : line.subarray(0, end);
  const args = [];
  let current = null;
  let state = 'skip';
  let quote = 0;
  const finish = () => {
    args.push(Buffer.from(current));
    current = null;
    state = 'skip';
  };
  for (const byte of bytes) {
    if (args.length >= maxArgs) break;
    if (state === 'skip') {
      if (isSpace(byte)) continue;
      current = [];
      if (byte === 0x22 || byte === 0x27) {
        quote = byte;
        state = 'quoted';
        continue;
      }
      state = 'arg';
    }
    if (state === 'arg') {
      if (byte === 0x5c) state = 'arg-escaped';
      else if (isSpace(byte)) finish();
      else current.push(byte);
    } else if (state === 'quoted') {
      if (byte === 0x5c) state = 'quoted-escaped';
      else if (byte === quote) finish();
      else current.push(byte);
    } else if (state === 'arg-escaped') {
      current.push(byte);
      state = 'arg';
    } else if (state === 'quoted-escaped') {
      current.push(byte);
      state = 'quoted';
    }
  }
  if (state !== 'skip' && args.length < maxArgs) finish();
  return args;
}

function usage() {
  process.stdout.write(
    'Usage: security [-h] [-i] [-l] [-p prompt] [-q] [-v] [command] [opt ...]\n' +
      '    -i    Run in interactive mode.\n' +
      '    -q    Be less verbose.\n' +
      'security commands are:\n' +
      commands.map(command => `    ${command.name.padEnd(36)} ${command.help}\n`).join(''),
  );
  return showUsage;
}

function main(argv) {
  if (process.env.CLAWBAR_SECURITY_ARGV_LOG) {
    appendFileSync(process.env.CLAWBAR_SECURITY_ARGV_LOG, `${JSON.stringify(argv)}\n`);
  }
  const args = argv.map(arg => Buffer.from(arg, 'utf8'));
  const parsed = getopt(args, 'hilp:qvR');
  if (parsed.error) return usage();
  let interactive = false;
  let quiet = false;
  for (const { letter } of parsed.options) {
    if (letter === 'i') interactive = true;
    else if (letter === 'q') quiet = true;
    else {
      process.stderr.write(`security (stand-in): the global option -${letter} is not simulated\n`);
      return showUsage;
    }
  }
  if (parsed.rest.length > 0) return executeCommand(parsed.rest);
  if (!interactive) return usage();
  // stdin is not a terminal here, so no prompt is shown.
  let result = 0;
  for (const line of inputLines(readFileSync(0))) {
    const lineArgs = splitLine(line);
    result = executeCommand(lineArgs);
    if (result === -1) {
      result = 0;
      break;
    }
    if (result !== 0 && !quiet)
      process.stderr.write(`${lineArgs[0]?.toString('utf8') ?? ''}: returned ${result}\n`);
  }
  return result;
}

process.exitCode = main(process.argv.slice(2)) & 0xff;
