import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';

import type { E2EHook } from '../../electron/main/e2e-hook';
import type { TrayItemId, TrayMenuModel } from '../../electron/main/tray-menu';
import { electronBinary } from '../../scripts/electron-binary';

export const projectRoot = join(import.meta.dirname, '../..');
const binary = electronBinary(projectRoot);

export const skipReason =
  'No Electron binary on this machine (its download is not possible here): the Electron e2e specs run where one exists (macOS CI). The browser project covers the renderer and the services through the devhost.';

/** Skips the calling test, saying why, where no Electron binary could be installed. */
export function requireElectron(): string {
  if (!binary) console.warn(`Skipped: ${skipReason}`);
  test.skip(!binary, skipReason);
  return binary ?? '';
}

export interface LaunchOptions {
  /** Settings written before the first start (a fresh home otherwise: a first run). */
  settings?: Record<string, unknown>;
}

/**
 * The built app (`npm run build` → out/) in a fresh CLAWBAR_HOME, with the e2e hook on. Ollama is
 * never started by these runs: the machine's own models are none of the test's business.
 */
export async function launchClawbar(options: LaunchOptions = {}): Promise<ElectronApplication> {
  const executablePath = requireElectron();
  const home = await mkdtemp(join(tmpdir(), 'clawbar-electron-e2e-'));
  await writeFile(
    join(home, 'settings.json'),
    JSON.stringify({ language: 'en', ...options.settings, ollama: { autoStart: false } }, null, 2),
  );
  return electron.launch({
    executablePath,
    args: [join(projectRoot, 'out/main/index.js')],
    env: { ...process.env, CLAWBAR_HOME: home, CLAWBAR_E2E: '1' },
  });
}

/** The tray menu the app last rendered, once the app has built it (after its services started). */
export async function trayMenu(app: ElectronApplication): Promise<TrayMenuModel> {
  const read = (): Promise<TrayMenuModel | undefined> =>
    app.evaluate(() => (globalThis as { __clawbarE2E?: E2EHook }).__clawbarE2E?.trayMenu());
  await expect.poll(read, { timeout: 30_000, message: 'the app builds its tray menu' }).toBeDefined();
  const model = await read();
  if (!model) throw new Error('The tray menu went away');
  return model;
}

export function clickTrayItem(app: ElectronApplication, id: TrayItemId): Promise<boolean> {
  return app.evaluate(
    (_electron, item) =>
      (globalThis as { __clawbarE2E?: E2EHook }).__clawbarE2E?.clickTrayItem(item) ?? false,
    id,
  );
}

export function firstWindowChoice(app: ElectronApplication): Promise<string | undefined> {
  return app.evaluate(() => (globalThis as { __clawbarE2E?: E2EHook }).__clawbarE2E?.firstWindow());
}
