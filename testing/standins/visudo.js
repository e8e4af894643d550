import { readFileSync, statSync } from 'node:fs';

import { checkSudoers } from './sudoers.js';

/** Stand-in for visudo's check mode: `visudo -cf FILE` (or `-c -f FILE`). Bad mode or syntax: exit 1. */
const args = process.argv.slice(2);
const fileIndex = args.findIndex(arg => arg === '-f' || arg === '-cf');
const file = fileIndex >= 0 ? args[fileIndex + 1] : undefined;
if (!args.some(arg => arg === '-c' || arg === '-cf') || file === undefined) {
  process.stderr.write('usage: visudo -c -f sudoers\n');
  process.exit(1);
}
let text;
let mode;
try {
  text = readFileSync(file, 'utf8');
  mode = statSync(file).mode & 0o777;
} catch (error) {
  process.stderr.write(
    `visudo: unable to open ${file}: ${error.code === 'ENOENT' ? 'No such file or directory' : error.message}\n`,
  );
  process.exit(1);
}
if (mode !== 0o440) {
  process.stderr.write(`visudo: ${file}: bad permissions, should be mode 0440\n`);
  process.exit(1);
}
const problems = checkSudoers(text);
if (problems.length > 0) {
  for (const problem of problems) process.stderr.write(`visudo: >>> ${file}: ${problem} <<<\n`);
  process.stderr.write(`parse error in ${file}\n`);
  process.exit(1);
}
process.stdout.write(`${file}: parsed OK\n`);
