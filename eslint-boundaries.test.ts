import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

/**
 * Proves the import boundaries of DESIGN.md are enforced by lint: each snippet is linted with the
 * project's real eslint.config.js as if it lived at the given path, and must be refused. Type
 * information is switched off for these virtual files only; the boundary rules are untouched.
 */
const eslint = new ESLint({
  cwd: import.meta.dirname,
  overrideConfig: [{ files: ['**/*.{ts,tsx}'], ...tseslint.configs.disableTypeChecked }],
});

async function boundaryErrors(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter(
      message => message.ruleId === 'no-restricted-imports' || message.ruleId === 'no-restricted-globals',
    )
    .map(message => message.message);
}

describe('import boundaries', () => {
  it.each([
    ["import { app } from 'electron';", 'electron/services/platform/bad.ts'],
    ["import { ipcMain } from 'electron/main';", 'electron/services/vm/bad.ts'],
    ["import { startApp } from '../main/app';", 'electron/services/bad.ts'],
    ["import { openDemoWorld } from '../../testing/demo/world';", 'electron/services/vm/bad.ts'],
    [
      "import { startFakeOllama } from '../../../testing/fake-ollama/server';",
      'electron/services/llm/bad.test.ts',
    ],
    ["import { app } from 'electron';", 'electron/services/llm/bad.int.test.ts'],
    ["import { app } from 'electron';", 'common/bad.ts'],
    ["import { readFile } from 'node:fs/promises';", 'common/bad.ts'],
    ["import { readFile } from 'fs';", 'common/bad.ts'],
    ["import { useState } from 'react';", 'common/bad.ts'],
    ["import { createServices } from '../electron/services/services';", 'common/bad.ts'],
    ["import { ipcRenderer } from 'electron';", 'renderer/src/bad.ts'],
    ["import { readFileSync } from 'node:fs';", 'renderer/src/bad.ts'],
    ["import { spawn } from 'child_process';", 'renderer/src/bad.tsx'],
    ["import { createServices } from '../../electron/services/services';", 'renderer/src/bad.ts'],
    ["import { openDemoWorld } from '../../testing/demo/world';", 'electron/main/bad.ts'],
  ])('refuses %s in %s', async (code, filePath) => {
    expect(await boundaryErrors(code, filePath)).not.toEqual([]);
  });

  it('refuses Node and DOM globals in common/', async () => {
    expect(await boundaryErrors('export const home = process.env.HOME;', 'common/bad.ts')).not.toEqual([]);
    expect(await boundaryErrors('export const title = document.title;', 'common/bad.ts')).not.toEqual([]);
  });

  it.each([
    ["import { z } from 'zod';", 'common/good.ts'],
    ["import { contract } from './contract';", 'common/good.ts'],
    ["import { app } from 'electron';", 'electron/main/good.ts'],
    ["import { readFile } from 'node:fs/promises';", 'electron/services/platform/good.ts'],
    ["import { contract } from '../../../common/contract';", 'electron/services/platform/good.ts'],
    ["import { contract } from '../../common/contract';", 'renderer/src/good.ts'],
    [
      "import { startFakeOllama } from '../../../testing/fake-ollama/server';",
      'electron/services/llm/good.int.test.ts',
    ],
  ])('allows %s in %s', async (code, filePath) => {
    expect(await boundaryErrors(code, filePath)).toEqual([]);
  });
});
