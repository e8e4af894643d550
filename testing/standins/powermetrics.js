import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { recordingDir, stopOnSignals } from './recording.js';

/**
 * Stand-in for macOS powermetrics. Like the real one it refuses to run unless started as root
 * (here: through the stand-in sudo, which sets SUDO_USER), then prints one sample every `-i` ms:
 * `-f plist` documents separated by a NUL at the start of each following document, or the text
 * format. Samples cycle through the recording; `-n` stops after that many.
 */
const args = process.argv.slice(2);
let intervalMs = 5000;
let count = -1;
let format = 'text';
for (let index = 0; index < args.length; index++) {
  const arg = args[index];
  const value = () => {
    const next = args[++index];
    if (next === undefined) fail(`option requires an argument -- ${arg}`);
    return next;
  };
  if (arg === '-i' || arg === '--sample-rate') intervalMs = Number(value());
  else if (arg === '-n' || arg === '--sample-count') count = Number(value());
  else if (arg === '-f' || arg === '--format') format = value();
  else if (arg === '-s' || arg === '--samplers') value();
  else fail(`unrecognized option '${arg}'`);
}
if (!['plist', 'text'].includes(format)) fail(`unknown format ${format}`);
if (!Number.isFinite(intervalMs) || intervalMs <= 0) fail('invalid sample rate');

if (!process.env.SUDO_USER) {
  process.stderr.write('powermetrics must be invoked as the superuser\n');
  process.exit(1);
}

const dir = recordingDir();
const samples =
  format === 'plist'
    ? readFileSync(join(dir, 'powermetrics_cpu_gpu_thermal.plist.nul'), 'utf8')
        .split('\0')
        .map(document => document.replace(/^\s+/, ''))
        .filter(document => document !== '')
    : (() => {
        const text = readFileSync(join(dir, 'powermetrics_cpu_gpu_thermal.txt'), 'utf8');
        const start = text.indexOf('*** Sampled system activity');
        process.stdout.write(text.slice(0, start));
        return [text.slice(start)];
      })();

let written = 0;
const timer = setInterval(() => {
  const sample = samples[written % samples.length];
  process.stdout.write(format === 'plist' && written > 0 ? `\0${sample}` : sample);
  written++;
  if (count > 0 && written >= count) {
    clearInterval(timer);
    process.stdout.end();
  }
}, intervalMs);
stopOnSignals(() => clearInterval(timer));

function fail(message) {
  process.stderr.write(`powermetrics: ${message}\n`);
  process.exit(1);
}
