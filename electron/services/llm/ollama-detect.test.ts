import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { createExecRunner } from '../platform/exec';
import { findOllamaBinary, ollamaAppBinary, parseOllamaVersion } from './ollama-detect';

async function executable(path: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, '#!/bin/sh\necho ok\n');
  await chmod(path, 0o755);
}

describe('finding Ollama', () => {
  it('prefers PATH, then Ollama.app, ~/Applications, Homebrew and /usr/local', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mac-'));
    const userHome = join(root, 'Users', 'me');
    const exec = createExecRunner({ env: { PATH: join(root, 'empty') }, platform: 'linux' });
    const locations = { root, userHome };
    expect(await findOllamaBinary(exec, locations)).toBeNull();

    await executable(join(root, 'usr', 'local', 'bin', 'ollama'));
    expect(await findOllamaBinary(exec, locations)).toMatchObject({ source: 'usr-local' });
    await executable(join(root, 'opt', 'homebrew', 'bin', 'ollama'));
    expect(await findOllamaBinary(exec, locations)).toMatchObject({ source: 'homebrew' });
    await executable(join(userHome, 'Applications', ollamaAppBinary));
    expect(await findOllamaBinary(exec, locations)).toMatchObject({ source: 'user-app' });
    await executable(join(root, 'Applications', ollamaAppBinary));
    expect(await findOllamaBinary(exec, locations)).toEqual({
      path: join(root, 'Applications', ollamaAppBinary),
      source: 'app',
    });

    const bin = join(root, 'bin');
    await executable(join(bin, 'ollama'));
    const withPath = createExecRunner({ env: { PATH: bin }, platform: 'linux' });
    expect(await findOllamaBinary(withPath, locations)).toEqual({
      path: join(bin, 'ollama'),
      source: 'path',
    });
  });

  it('labels a PATH hit by where it is (Homebrew on a GUI PATH)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mac-'));
    const brew = join(root, 'opt', 'homebrew', 'bin');
    await executable(join(brew, 'ollama'));
    const exec = createExecRunner({ env: { PATH: brew }, platform: 'linux' });
    expect(await findOllamaBinary(exec, { root, userHome: root })).toMatchObject({ source: 'homebrew' });
  });

  it('ignores a file that is not executable', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mac-'));
    await mkdir(join(root, 'usr', 'local', 'bin'), { recursive: true });
    await writeFile(join(root, 'usr', 'local', 'bin', 'ollama'), 'not a program');
    const exec = createExecRunner({ env: { PATH: '' }, platform: 'linux' });
    expect(await findOllamaBinary(exec, { root, userHome: root })).toBeNull();
  });
});

describe('parseOllamaVersion', () => {
  it.each([
    ['ollama version is 0.12.6\n', '0.12.6'],
    [
      'Warning: could not connect to a running Ollama instance\nWarning: client version is 0.12.6\n',
      '0.12.6',
    ],
    ['ollama version is 0.11.0\nWarning: client version is 0.12.6\n', '0.12.6'],
    ['something else', null],
  ])('%j → %s', (output, version) => {
    expect(parseOllamaVersion(output)).toBe(version);
  });
});
