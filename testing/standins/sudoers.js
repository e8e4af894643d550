import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The little of sudoers the stand-ins need: `user ALL=(root) NOPASSWD: /abs/command args…`, with
 * `\,` `\:` `\=` `\\` escapes in arguments and an unescaped comma meaning a second command.
 */
const rulePattern = /^([A-Za-z_][\w.-]*)\s+ALL\s*=\s*\(([A-Za-z_]\w*)\)\s+NOPASSWD:\s+(.+)$/;

/** Splits a command on unescaped spaces and unescapes; returns undefined on an unescaped comma. */
export function parseCommand(text) {
  const words = [];
  let word = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '\\' && index + 1 < text.length) {
      word += text[++index];
    } else if (char === ',') {
      return undefined;
    } else if (/\s/.test(char)) {
      if (word !== '') words.push(word);
      word = '';
    } else {
      word += char;
    }
  }
  if (word !== '') words.push(word);
  return words;
}

/** Each problem as "line N: why"; an empty list means the text is valid. */
export function checkSudoers(text) {
  const problems = [];
  text.split('\n').forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = rulePattern.exec(trimmed);
    const command = match ? parseCommand(match[3]) : undefined;
    if (!match || !command || command.length === 0 || !command[0].startsWith('/'))
      problems.push(`line ${index + 1}: syntax error`);
  });
  return problems;
}

/** Rules from the files sudo would include: names without a dot or a trailing ~, not group/world writable. */
export function readRules(dir) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter(name => !name.includes('.') && !name.endsWith('~'))
    .flatMap(name => {
      const file = join(dir, name);
      if ((statSync(file).mode & 0o022) !== 0) {
        process.stderr.write(`sudo: ${file} is world writable\n`);
        return [];
      }
      return readFileSync(file, 'utf8')
        .split('\n')
        .map(line => rulePattern.exec(line.trim()))
        .filter(Boolean)
        .map(match => ({ user: match[1], runAs: match[2], command: parseCommand(match[3]) }))
        .filter(rule => rule.command);
    });
}
