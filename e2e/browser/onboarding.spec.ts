import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

import { expect, test } from './devhost';
import { saveScreenshot } from './screenshot';

/**
 * The first ten minutes, in the browser against the demo: from the welcome screen through the
 * system check and the choices to the install of every step on the stand-ins (limactl, Ollama,
 * the Kubernetes API, the Keychain), ending on a green sandbox self-test and "Open OpenClaw".
 * Every screen is photographed and checked with axe; one screen in French too.
 */
test.use({ firstRun: true });

async function axe(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const problems = results.violations.flatMap(violation =>
    violation.nodes.map(
      node => `${violation.id} (${violation.impact ?? '?'}): ${violation.help} — ${node.target.join(' ')}`,
    ),
  );
  expect.soft(problems, screen).toEqual([]);
}

async function screen(page: Page, name: string, title: string | RegExp): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(
    page.getByRole('status').filter({ hasText: /Checking this Mac…|Looking at what fits/ }),
  ).toHaveCount(0);
  await saveScreenshot(page, `onboarding-${name}.png`);
  await axe(page, name);
}

test('from the welcome screen to a green self-test, then in French', async ({ page, devhost }) => {
  test.setTimeout(480_000);
  // A quicker stand-in VM than the demo's, still slow enough to watch its stages.
  await mkdir(join(devhost.home, 'lima', '_standin'), { recursive: true });
  await writeFile(join(devhost.home, 'lima', '_standin', 'faults.json'), JSON.stringify({ paceMs: 20 }));

  await page.goto(devhost.url);
  await screen(page, 'welcome', 'OpenClaw on your Mac, sandboxed');
  await expect(page.getByRole('heading', { name: 'What it will not touch' })).toBeVisible();
  await page.getByRole('button', { name: 'Get started' }).click();

  await expect(page.getByText('This Mac is ready.').or(page.getByText(/worth a look/))).toBeVisible({
    timeout: 30_000,
  });
  await screen(page, 'system-check', 'Can this Mac run it?');
  await expect(page.getByRole('list', { name: 'Checks' }).getByRole('listitem')).toHaveCount(9);
  await page.getByRole('button', { name: 'Continue' }).click();

  const models = page.getByRole('group', { name: 'Models for this Mac' });
  await expect(models).toBeVisible({ timeout: 30_000 });
  const recommended = models.locator('.model-choice').filter({ hasText: 'Recommended for this Mac' });
  await expect(recommended.getByRole('radio')).toBeChecked();
  await expect(recommended.getByText('Fits on the GPU')).toBeVisible();
  await screen(page, 'model', 'Choose a local model');
  // The smallest model, so the demo's download is short.
  await models.getByLabel('llama3.2:3b').check();
  await page.getByRole('button', { name: 'Continue' }).click();

  await screen(page, 'keys', 'Cloud models (optional)');
  await page.getByLabel('OpenRouter API key').fill(`sk-or-v1-${'0123456789abcdef'.repeat(4)}`);
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page.getByLabel('CPUs')).toHaveValue('5');
  await screen(page, 'vm-size', 'Size of the virtual machine');
  await page.getByLabel('CPUs').fill('4');
  await page.getByRole('button', { name: 'Continue' }).click();

  await screen(page, 'ready', 'Ready to install');
  await expect(page.getByText('OPENROUTER_API_KEY')).toBeVisible();
  await expect(page.getByText('4 CPUs, 8 GiB of memory, 60 GiB of disk')).toBeVisible();
  await page.getByRole('button', { name: 'Install' }).click();

  const steps = page.getByRole('list', { name: 'Install steps' });
  await expect(page.getByRole('heading', { level: 1, name: 'Installing' })).toBeVisible();
  const vm = steps.locator('[data-step="vm"]');
  await expect(vm.getByRole('progressbar', { name: 'Virtual machine' })).toBeVisible({ timeout: 120_000 });
  // Past its check: what Lima reports as the VM takes shape.
  await expect(vm.locator('.vm-detail')).toHaveText(/limactl|Creat|image|VZ|SSH|k3s|READY|Kubernetes/);
  await expect(vm.getByText(/^Elapsed: \d+:\d\d$/)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Log of “Virtual machine”' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeVisible();
  await expect(steps.locator('[data-step="local-models"]')).toHaveAttribute('data-status', 'done');
  await saveScreenshot(page, 'onboarding-installing.png');
  await axe(page, 'installing');

  await expect(page.getByRole('heading', { level: 1, name: 'OpenClaw is ready' })).toBeVisible({
    timeout: 360_000,
  });
  await screen(page, 'finish', 'OpenClaw is ready');
  const probes = page.getByRole('table', { name: 'Sandbox self-test' });
  await expect(probes.locator('tbody tr')).toHaveCount(6);
  await expect(probes.locator('tr[data-passed="false"]')).toHaveCount(0);
  await expect(probes.locator('tr[data-probe="direct-internet"]').getByText('Blocked').first()).toBeVisible();

  const popup = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Open OpenClaw' }).click();
  const control = await popup;
  expect(control.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}$/);
  await control.close();

  // Into the control room, where the sandbox now runs; then the onboarding again, in French.
  await page.getByRole('main').getByRole('button', { name: 'Go to the control room' }).click();
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
  await expect(page.getByText('Clawbar is not set up yet')).toHaveCount(0);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Language').selectOption('fr');
  await page.evaluate(() => (window.location.hash = '#/onboarding'));
  await expect(
    page.getByRole('heading', { level: 1, name: 'OpenClaw sur votre Mac, dans un bac à sable' }),
  ).toBeVisible();
  await saveScreenshot(page, 'onboarding-welcome-fr.png');
  await axe(page, 'welcome (fr)');
});
