import { spawnSync } from 'node:child_process';

/**
 * Stand-in for osascript, for the one thing Clawbar asks of it:
 * `osascript -e 'do shell script "…" with administrator privileges'`. The password dialog is
 * played as accepted, or as cancelled when CLAWBAR_OSASCRIPT=cancel (error -128, as macOS reports
 * the Cancel button). The script runs as the current user (a stand-in cannot become root), so
 * tests point it at folders they own. Failures print osascript's "execution error" line.
 */
const args = process.argv.slice(2);
if (args[0] !== '-e' || args.length !== 2) {
  process.stderr.write('usage: osascript -e statement\n');
  process.exit(1);
}
const statement = args[1];
const match = /^do shell script "((?:[^"\\]|\\.)*)" with administrator privileges$/s.exec(statement);
if (!match) {
  process.stderr.write(
    `0:${statement.length}: execution error: this stand-in only runs "do shell script … with administrator privileges" (-2700)\n`,
  );
  process.exit(1);
}
if (process.env.CLAWBAR_OSASCRIPT === 'cancel') {
  process.stderr.write(`0:${statement.length}: execution error: User canceled. (-128)\n`);
  process.exit(1);
}
// AppleScript string escapes: \n \t \r are control characters, any other escaped character is itself.
const controls = { n: '\n', t: '\t', r: '\r' };
const script = match[1].replace(/\\(.)/gs, (_whole, char) => controls[char] ?? char);
const result = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
if (result.status === 0) {
  process.stdout.write(result.stdout.replace(/\n$/, ''));
  process.exit(0);
}
process.stderr.write(
  `0:${statement.length}: execution error: ${(result.stderr || result.stdout).trim()} (${result.status ?? 1})\n`,
);
process.exit(1);
