import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * Test support: the recorded telemetry fixtures. The repository carries its own copy of
 * ../shared/reference/telemetry-fixtures/m3ultra-256gb in testing/recordings (the demo's
 * simulated Mac plays it too), so the tests run from any clone;
 * testing/demo/telemetry.int.test.ts checks the copy against the reference where both exist.
 */
export const projectRoot = resolve(import.meta.dirname, '../../..');
export const fixtureSetRelative = 'testing/recordings/m3ultra-256gb';
export const fixtureSetDir = resolve(projectRoot, fixtureSetRelative);
/** The reference the copy comes from, beside the repository (absent on a bare clone). */
export const referenceFixtureSetDir = resolve(
  projectRoot,
  '../shared/reference/telemetry-fixtures/m3ultra-256gb',
);

export function requireFixtures(): string {
  if (!existsSync(join(fixtureSetDir, 'expected.json'))) {
    throw new Error(`The telemetry fixtures are missing: expected ${fixtureSetDir}.`);
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
