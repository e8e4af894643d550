import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * Test support: the recorded telemetry fixtures live beside the repository, in
 * ../shared/reference/telemetry-fixtures/. Tests fail with this message when they are absent rather
 * than passing on nothing.
 */
export const projectRoot = resolve(import.meta.dirname, '../../..');
export const fixtureSetDir = resolve(projectRoot, '../shared/reference/telemetry-fixtures/m3ultra-256gb');

export function requireFixtures(): string {
  if (!existsSync(join(fixtureSetDir, 'expected.json'))) {
    throw new Error(
      `The telemetry fixtures are missing: expected ${fixtureSetDir} (../shared/reference/telemetry-fixtures/m3ultra-256gb from the repository root).`,
    );
  }
  return fixtureSetDir;
}

export async function fixture(name: string): Promise<string> {
  return readFile(join(requireFixtures(), name), 'utf8');
}

export async function expectedJson(): Promise<Record<string, Record<string, unknown>>> {
  return JSON.parse(await fixture('expected.json')) as Record<string, Record<string, unknown>>;
}

/** An address that never changes, for sources that ask for theirs at every poll. */
export function fixedUrl(url: string): () => URL {
  return () => new URL(url);
}
