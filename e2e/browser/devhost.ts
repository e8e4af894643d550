import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { test as base } from '@playwright/test';

export const projectRoot = join(import.meta.dirname, '../..');
export const screenshotDir = join(projectRoot, 'test-results', 'screenshots');

export interface RunningDevhost {
  url: string;
  origin: string;
  port: number;
  token: string;
  home: string;
  stop(): Promise<void>;
}

/** Starts `electron/devhost/main.ts --demo` as its own process, as `npm run demo` does. */
export async function startDevhostProcess(home: string): Promise<RunningDevhost> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'electron/devhost/main.ts', '--demo'],
    {
      cwd: projectRoot,
      env: { ...process.env, CLAWBAR_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', chunk => (stderr += String(chunk)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`devhost did not start in time:\n${stderr}`)), 30_000);
    child.once('exit', code => reject(new Error(`devhost exited with ${code}:\n${stderr}`)));
    if (!child.stdout) throw new Error('no stdout');
    createInterface({ input: child.stdout }).on('line', line => {
      const match = /^Clawbar devhost: (\S+)$/.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    port: Number(parsed.port),
    token: /token=([0-9a-f]+)/.exec(parsed.hash)?.[1] ?? '',
    home,
    stop: () =>
      new Promise(resolve => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export const test = base.extend<{ home: string; devhost: RunningDevhost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as the first argument
  home: async ({}, use) => {
    const home = await mkdtemp(join(tmpdir(), 'clawbar-e2e-'));
    await use(home);
    // Also ends any stand-in VM a test left running: its host agent exits with its directory.
    await rm(home, { recursive: true, force: true });
  },
  devhost: async ({ home }, use) => {
    const devhost = await startDevhostProcess(home);
    await use(devhost);
    await devhost.stop();
  },
});

export { expect } from '@playwright/test';
