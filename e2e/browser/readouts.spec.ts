import { join } from 'node:path';

import { expect, screenshotDir, test } from './devhost';

test('the dashboard shows the demo Mac’s live GPU and memory readouts, and power after the consented setup', async ({
  page,
  devhost,
}) => {
  await page.goto(devhost.url);
  const gpu = page.getByRole('region', { name: 'GPU', exact: true });
  await expect(gpu.getByText('Apple M3 Ultra')).toBeVisible();
  await expect(gpu.getByText('80 GPU cores · Metal 3')).toBeVisible();
  const usage = gpu.locator('[data-readout="gpu.utilizationPct"] .readout-value');
  await expect(usage).toHaveText(/^\d+%$/);
  const memory = page.getByRole('region', { name: 'Unified memory' });
  await expect(memory.getByText(/ of 256 GB$/)).toBeVisible();
  await expect(memory.locator('[data-pressure="normal"]')).toHaveText('Normal');
  const models = page.getByRole('region', { name: 'Loaded models' });
  await expect(models.getByText('llama3.3:70b')).toBeVisible();

  // The values move: the simulated Mac's GPU is decoding in bursts.
  const first = await usage.textContent();
  await expect.poll(() => usage.textContent(), { timeout: 20_000 }).not.toBe(first);

  const power = gpu.locator('[data-readout="gpu.powerW"]');
  await expect(power.getByText('Needs the one-time permission for powermetrics, or macmon.')).toBeVisible();
  await power.getByRole('button', { name: 'Show GPU power and frequency…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Let Clawbar read GPU power?' });
  await expect(
    dialog.getByText(/testing\/bin\/powermetrics --samplers cpu_power,gpu_power,thermal -i 1000 -f plist$/),
  ).toBeVisible();
  await dialog.getByRole('button', { name: 'Allow' }).click();
  await expect(dialog).toBeHidden();
  await expect(power.locator('.readout-value')).toHaveText(/^\d+(\.\d)? W$/, { timeout: 15_000 });
  await expect(gpu.locator('[data-readout="gpu.freqMHz"] .readout-value')).toHaveText(/^[\d,]+ MHz$/);
  await page
    .getByRole('region', { name: 'GPU and memory' })
    .screenshot({ path: join(screenshotDir, 'readouts-light.png') });

  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Settings' }).click();
  const permission = page.getByRole('region', { name: 'GPU power permission' });
  await expect(permission.getByText(/^Installed as .*clawbar-powermetrics$/)).toBeVisible();
  await permission.getByRole('button', { name: 'Remove' }).click();
  await expect(permission.getByText('Not installed')).toBeVisible();
});
