import { access } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';

import type { OllamaBinary, OllamaBinarySource } from '../../../common/state';
import type { ExecRunner } from '../platform/exec';

/**
 * Where Ollama lives on a Mac (runtime-facts §3.3): the CLI/server binary inside Ollama.app
 * (`/Applications` or `~/Applications`), Homebrew's `/opt/homebrew/bin`, the app's optional link
 * or an Intel Homebrew in `/usr/local/bin`, or anywhere on PATH. `root` moves the whole filesystem
 * (the demo's simulated Mac), `userHome` the user's home.
 */
export interface MacLocations {
  root: string;
  userHome: string;
}

export interface BinaryCandidate {
  path: string;
  source: Exclude<OllamaBinarySource, 'path'>;
}

export const ollamaAppBinary = join('Ollama.app', 'Contents', 'Resources', 'ollama');

export function ollamaCandidates({ root, userHome }: MacLocations): BinaryCandidate[] {
  return [
    { path: join(root, 'Applications', ollamaAppBinary), source: 'app' },
    { path: join(userHome, 'Applications', ollamaAppBinary), source: 'user-app' },
    { path: join(root, 'opt', 'homebrew', 'bin', 'ollama'), source: 'homebrew' },
    { path: join(root, 'usr', 'local', 'bin', 'ollama'), source: 'usr-local' },
  ];
}

export async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/**
 * Finds the binary to run: PATH first (what the user's shell would run; the exec runner adds
 * Homebrew's folders to a GUI app's PATH), then the known install locations.
 */
export async function findOllamaBinary(
  exec: ExecRunner,
  locations: MacLocations,
): Promise<Omit<OllamaBinary, 'version'> | null> {
  const candidates = ollamaCandidates(locations);
  const onPath = await exec.which('ollama');
  if (onPath) {
    const known = candidates.find(candidate => candidate.path === onPath);
    return { path: onPath, source: known?.source ?? 'path' };
  }
  for (const candidate of candidates) {
    if (await isExecutable(candidate.path)) return candidate;
  }
  return null;
}

/**
 * `ollama --version` prints `ollama version is X` (the server's) and, when it differs or no
 * server answers, `Warning: client version is X`; the client's is the binary's own.
 */
export function parseOllamaVersion(output: string): string | null {
  const client = /client version is\s+(\S+)/.exec(output);
  if (client?.[1]) return client[1];
  const server = /ollama version is\s+(\S+)/.exec(output);
  return server?.[1] ?? null;
}

export async function readOllamaVersion(
  exec: ExecRunner,
  binary: string,
  ollamaHost: string,
): Promise<string | null> {
  try {
    // OLLAMA_HOST points the client at our address, never at whatever else listens on 11434.
    const result = await exec.run(binary, ['--version'], {
      timeoutMs: 10_000,
      env: { OLLAMA_HOST: ollamaHost },
    });
    return parseOllamaVersion(`${result.stdout}\n${result.stderr}`);
  } catch {
    return null;
  }
}
