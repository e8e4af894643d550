import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { test as base } from '@playwright/test';

import { initialInstallView } from '../../common/install';

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

/**
 * A home where the user already left the onboarding for the control room, so a page opens on the
 * control room; `firstRun: true` (onboarding.spec.ts) leaves it as a fresh Mac has it.
 */
async function skipOnboarding(home: string): Promise<void> {
  await mkdir(join(home, 'state'), { recursive: true });
  const install = { ...initialInstallView(), onboardingDismissed: true };
  await writeFile(join(home, 'state', 'install.json'), JSON.stringify({ version: 1, install }));
}

export const test = base.extend<{ firstRun: boolean; home: string; devhost: RunningDevhost }>({
  firstRun: [false, { option: true }],
  home: async ({ firstRun }, use) => {
    const home = await mkdtemp(join(tmpdir(), 'clawbar-e2e-'));
    if (!firstRun) await skipOnboarding(home);
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
