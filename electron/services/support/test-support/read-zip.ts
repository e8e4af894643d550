import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Every entry of a zip as text, read by Info-ZIP's unzip (the real tool, not this project's
 * writer): `unzip -tq` must pass, then each entry is extracted with `unzip -p`.
 */
export async function readZip(file: string): Promise<Map<string, string>> {
  await run('unzip', ['-tq', file]);
  const { stdout } = await run('unzip', ['-Z1', file]);
  const entries = new Map<string, string>();
  for (const name of stdout.split('\n').filter(line => line !== '')) {
    // unzip treats its name arguments as wildcards: escape them so each names exactly one entry.
    const pattern = name.replace(/[[\]*?\\]/g, character => `\\${character}`);
    const content = await run('unzip', ['-p', file, pattern], { maxBuffer: 256 * 1024 * 1024 });
    entries.set(name, content.stdout);
  }
  return entries;
}

/** Which planted values occur in which entries (as `entry: label`), for a readable failure. */
export function leaks(entries: Map<string, string>, planted: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [name, text] of entries) {
    for (const [label, value] of Object.entries(planted))
      if (text.includes(value)) found.push(`${name}: ${label}`);
  }
  return found;
}
