import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

import { expect, test } from './devhost';
import { saveScreenshot } from './screenshot';

/**
 * Provider keys are write-only, end to end: the real renderer and services of the devhost demo,
 * with the stand-in `security` tool as the Keychain. A key is set, survives a reload, is never in
 * the page, the app's files or its logs, and is removed.
 */
const key = `sk-proj-E2E-WRITE-ONLY-${'0123456789abcdef'.repeat(3)}`;
const marker = 'E2E-WRITE-ONLY';

async function openSettings(page: Page): Promise<void> {
  // A home that has never installed opens on the onboarding; the control room is one click away.
  const sections = page.getByRole('navigation', { name: 'Sections' });
  const leave = page.getByRole('button', { name: 'Go to the control room' });
  await expect(sections.or(leave)).toBeVisible();
  if (await leave.isVisible()) await leave.click();
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Provider keys' })).toBeVisible();
}

const openaiRow = (page: Page) => page.getByRole('listitem', { name: 'OpenAI', exact: true });

/** Every file the app wrote under its home, except the simulated Keychain itself. */
async function appFiles(home: string): Promise<string[]> {
  const entries = await readdir(home, { recursive: true, withFileTypes: true });
  return entries
    .filter(entry => entry.isFile() && entry.name !== 'keychain.json')
    .map(entry => join(entry.parentPath, entry.name))
    .filter(path => !path.includes(`${join(home, 'mac')}/`) && !path.includes(`${join(home, 'lima')}/`));
}

test('a provider key is set, kept in the Keychain across a reload, never shown, and removed', async ({
  page,
  devhost,
}) => {
  await page.goto(devhost.url);
  await openSettings(page);
  await expect(page.getByText(/Optional: Clawbar runs OpenClaw on local models by default/)).toBeVisible();
  await expect(openaiRow(page).getByText('Not set')).toBeVisible();

  await openaiRow(page).getByRole('button', { name: 'Set' }).click();
  const field = openaiRow(page).getByLabel('OpenAI API key');
  await expect(field).toHaveAttribute('type', 'password');
  await expect(field).toBeFocused();
  await field.fill(key);
  const results = await new AxeBuilder({ page })
    .include('.provider-keys')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  expect(results.violations.map(violation => violation.id)).toEqual([]);
  await openaiRow(page).getByRole('button', { name: 'Save' }).click();

  await expect(page.getByText('OpenAI key saved in the Keychain.')).toBeAttached();
  await expect(openaiRow(page).getByText('Set', { exact: true })).toBeVisible();
  await expect(openaiRow(page).getByLabel('OpenAI API key')).toHaveCount(0);
  expect(await page.content()).not.toContain(marker);
  await saveScreenshot(page, 'settings-provider-keys.png');

  await page.reload();
  await openSettings(page);
  await expect(openaiRow(page).getByText('Set', { exact: true })).toBeVisible();
  expect(await page.content()).not.toContain(marker);

  // In the (simulated) Keychain, and nowhere else: not the settings, not the logs, not state.
  const keychain = JSON.parse(await readFile(join(devhost.home, 'stand-ins', 'keychain.json'), 'utf8')) as {
    items: { service: string; account: string; data: string }[];
  };
  const item = keychain.items.find(entry => entry.account === 'OPENAI_API_KEY');
  expect(item?.service).toBe('ai.openclaw.clawbar');
  expect(Buffer.from(item?.data ?? '', 'base64').toString('utf8')).toBe(key);
  for (const file of await appFiles(devhost.home)) {
    expect(await readFile(file, 'utf8').catch(() => ''), file).not.toContain(marker);
  }

  await openaiRow(page).getByRole('button', { name: 'Remove' }).click();
  await openaiRow(page)
    .getByRole('group', { name: 'Remove' })
    .getByRole('button', { name: 'Remove' })
    .click();
  await expect(openaiRow(page).getByText('Not set')).toBeVisible();
  await page.reload();
  await openSettings(page);
  await expect(openaiRow(page).getByText('Not set')).toBeVisible();
});
