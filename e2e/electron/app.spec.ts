import { join } from 'node:path';

import { _electron as electron, expect, test } from '@playwright/test';

import { electronBinary } from '../../scripts/electron-binary';

const root = join(import.meta.dirname, '../..');
const binary = electronBinary(root);

const skipReason =
  'No Electron binary on this machine (its download is not possible here): the Electron e2e specs run where one exists (macOS CI). The browser project covers the renderer and the services through the devhost.';

test('the app opens the control room with the preload api and the live state', async () => {
  if (!binary) console.warn(`Skipped: ${skipReason}`);
  test.skip(!binary, skipReason);
  const app = await electron.launch({
    executablePath: binary,
    args: [join(root, 'out/main/index.js')],
    env: { ...process.env, CLAWBAR_HOME: join(root, 'test-results', 'electron-home') },
  });
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('region', { name: 'Virtual machine' })).toBeVisible();
    const api = await page.evaluate(() => ({
      frozen: Object.isFrozen(window.api),
      node: typeof (window as unknown as { require?: unknown }).require,
      url: window.location.href,
    }));
    expect(api).toEqual({ frozen: true, node: 'undefined', url: 'clawbar://app/index.html' });
  } finally {
    await app.close();
  }
});
