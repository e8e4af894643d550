import { expect, startDevhostProcess, test } from './devhost';
import { saveScreenshot } from './screenshot';

test('a setting changed in the UI persists across a devhost restart', async ({ page, devhost, home }) => {
  await page.goto(devhost.url);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Settings' }).click();
  const cpus = page.getByLabel('CPUs');
  await expect(cpus).toHaveValue('4');
  await cpus.fill('6');
  const vmForm = page.getByRole('form', { name: 'Virtual machine' });
  await vmForm.getByRole('button', { name: 'Save' }).click();
  await expect(vmForm.getByRole('status')).toHaveText('Saved');
  await page.getByLabel('Language').selectOption('fr');
  await expect(page.getByRole('heading', { level: 1, name: 'Réglages' })).toBeVisible();

  await devhost.stop();
  const restarted = await startDevhostProcess(home);
  try {
    await page.goto(restarted.url);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: 'Réglages' })
      .click();
    await expect(page.getByLabel('Processeurs')).toHaveValue('6');
    await expect(page.getByLabel('Langue')).toHaveValue('fr');
    await saveScreenshot(page, 'settings-french.png');
  } finally {
    await restarted.stop();
  }
});

test('an impossible value is refused in the form and nothing is saved', async ({ page, devhost }) => {
  await page.goto(devhost.url);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Memory (GiB)').fill('1');
  await page.getByRole('form', { name: 'Virtual machine' }).getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Fix the highlighted fields before saving.')).toBeVisible();
  await expect(page.getByLabel('Memory (GiB)')).toHaveAttribute('aria-invalid', 'true');
  await page.reload();
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByLabel('Memory (GiB)')).toHaveValue('8');
});
