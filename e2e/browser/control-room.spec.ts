import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { expect, test } from './devhost';
import { saveScreenshot } from './screenshot';

const pages = ['Dashboard', 'Network', 'Logs', 'Models', 'Settings'] as const;

test('the control room loads and shows the live state of the services', async ({ page, devhost }) => {
  await page.goto(devhost.url);
  const vm = page.getByRole('region', { name: 'Virtual machine' });
  await expect(vm.getByText('Not created')).toBeVisible();
  await expect(vm.getByText('The Clawbar VM has not been created yet.')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Ollama' })).toBeVisible();
  await expect(page.getByText('Demo', { exact: true })).toBeVisible();
  // The token left the address bar as soon as the page took it.
  expect(page.url()).not.toContain('token=');

  // Change the world behind the services' back: the page follows without a reload.
  await mkdir(join(devhost.home, 'lima', 'clawbar'), { recursive: true });
  await writeFile(join(devhost.home, 'lima', 'clawbar', 'lima.yaml'), 'vmType: vz\n');
  await expect(vm.getByText('The VM is stopped.')).toBeVisible({ timeout: 15_000 });
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`every page renders in the ${colorScheme} theme (screenshots)`, async ({ page, devhost }) => {
    await page.emulateMedia({ colorScheme });
    await page.goto(devhost.url);
    const nav = page.getByRole('navigation', { name: 'Sections' });
    for (const name of pages) {
      await nav.getByRole('button', { name }).click();
      await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
      await expect(page.getByRole('status').filter({ hasText: 'Loading…' })).toHaveCount(0);
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(colorScheme);
      // The page scrolls inside its pane: the window itself never does (the sidebar stays whole).
      const overflow = await page.evaluate(
        () => document.documentElement.scrollHeight - document.documentElement.clientHeight,
      );
      expect(overflow, name).toBe(0);
      await saveScreenshot(page, `${name.toLowerCase()}-${colorScheme}.png`);
    }
  });
}

test('deep links and reload keep the page', async ({ page, devhost }) => {
  await page.goto(devhost.url);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Models' }).click();
  await expect(page).toHaveURL(/#\/models$/);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Models' })).toBeVisible();
});
