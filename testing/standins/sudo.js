import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';

import { readRules } from './sudoers.js';

/**
 * Stand-in for sudo with NOPASSWD rules only (never a prompt): `sudo -n [-l] command args…`.
 * Rules come from CLAWBAR_SUDOERS_DIR (the demo world's, or a test's). A command allowed with
 * exactly these arguments runs (with SUDO_USER set, as sudo does) and signals are relayed to it;
 * anything else gets "sudo: a password is required" and exit 1, like `sudo -n` without a rule.
 */
const args = process.argv.slice(2);
let list = false;
let index = 0;
for (; index < args.length && args[index].startsWith('-'); index++) {
  if (args[index] === '-l') list = true;
  else if (args[index] !== '-n') {
    process.stderr.write(`sudo: invalid option -- '${args[index].slice(1)}'\n`);
    process.exit(1);
  }
}
const command = args.slice(index);
if (command.length === 0) {
  process.stderr.write('usage: sudo -n [-l] command\n');
  process.exit(1);
}
const user = userInfo().username;
const dir = process.env.CLAWBAR_SUDOERS_DIR;
const allowed =
  dir !== undefined &&
  readRules(dir).some(
    rule =>
      rule.user === user &&
      rule.runAs === 'root' &&
      rule.command.length === command.length &&
      rule.command.every((word, position) => word === command[position]),
  );
if (!allowed) {
  process.stderr.write('sudo: a password is required\n');
  process.exit(1);
}
if (list) {
  process.stdout.write(`${command.join(' ')}\n`);
  process.exit(0);
}
const child = spawn(command[0], command.slice(1), {
  stdio: 'inherit',
  env: { ...process.env, SUDO_USER: user },
});
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('error', error => {
  process.stderr.write(`sudo: ${command[0]}: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
