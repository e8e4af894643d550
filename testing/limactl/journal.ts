import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The guest's systemd journal for k3s, in journalctl's default short format. */
export function journalLine(host: string, unit: string, message: string, date = new Date()): string {
  const month = date.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const day = String(date.getUTCDate()).padStart(2, '0');
  const time = date.toISOString().slice(11, 19);
  return `${month} ${day} ${time} ${host} ${unit}: ${message}`;
}

export function appendJournal(file: string, lines: string[]): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, lines.map(line => `${line}\n`).join(''));
}

export function readJournal(file: string): string[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(line => line !== '');
  } catch {
    return [];
  }
}

/** `-o cat`: only the message, without time, host and unit. */
export function messageOnly(line: string): string {
  const match = /^\w{3} \d{2} \d{2}:\d{2}:\d{2} \S+ [^:]+: (.*)$/.exec(line);
  return match?.[1] ?? line;
}
