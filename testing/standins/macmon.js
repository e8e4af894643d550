import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { recordingDir, stopOnSignals } from './recording.js';

/** Stand-in for macmon: `macmon pipe [-i ms] [-s samples]` prints the recording's JSON lines, one per interval, cycling. */
const args = process.argv.slice(2);
if (args[0] !== 'pipe') {
  process.stderr.write("error: unrecognized subcommand (this stand-in knows 'pipe')\n");
  process.exit(2);
}
let intervalMs = 1000;
let samples = 0;
for (let index = 1; index < args.length; index++) {
  if (args[index] === '-i' || args[index] === '--interval') intervalMs = Number(args[++index]);
  else if (args[index] === '-s' || args[index] === '--samples') samples = Number(args[++index]);
  else {
    process.stderr.write(`error: unexpected argument '${args[index]}'\n`);
    process.exit(2);
  }
}
const lines = readFileSync(join(recordingDir(), 'macmon_pipe.jsonl'), 'utf8')
  .split('\n')
  .filter(line => line.trim() !== '');
let written = 0;
const timer = setInterval(() => {
  process.stdout.write(`${lines[written % lines.length]}\n`);
  written++;
  if (samples > 0 && written >= samples) {
    clearInterval(timer);
    process.stdout.end();
  }
}, intervalMs);
stopOnSignals(() => clearInterval(timer));
