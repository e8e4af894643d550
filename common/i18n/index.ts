import { en, type Messages } from './en';
import { fr } from './fr';

export type { Messages } from './en';

export const languages = ['en', 'fr'] as const;
export type Language = (typeof languages)[number];

export const messages: Record<Language, Messages> = { en, fr };

/** Picks the UI language: an explicit choice wins, otherwise the first system locale we support. */
export function resolveLanguage(choice: Language | 'system', systemLocales: readonly string[]): Language {
  if (choice !== 'system') return choice;
  for (const locale of systemLocales) {
    const base = locale.toLowerCase().split(/[-_]/)[0];
    const match = languages.find(language => language === base);
    if (match) return match;
  }
  return 'en';
}

/** Every dotted key of a message tree, for the completeness check and for lookups outside React. */
export function messageKeys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : messageKeys(value as object, `${prefix}${key}.`),
  );
}

/** `{{name}}` placeholders in a message, so both languages can be checked to use the same ones. */
export function placeholders(message: string): string[] {
  return [...message.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map(match => match[1] ?? '').sort();
}

/**
 * A minimal translator for main and the CLI (tray, notifications), which do not load i18next:
 * looks a dotted key up and fills `{{placeholders}}`. Falls back to English, then to the key.
 */
export function translate(
  language: Language,
  key: string,
  values: Record<string, string | number> = {},
): string {
  const template = lookup(messages[language], key) ?? lookup(messages.en, key) ?? key;
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

function lookup(tree: object, key: string): string | undefined {
  let node: unknown = tree;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

export { en, fr };
