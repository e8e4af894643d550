import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { expect, test } from './devhost';
import { saveScreenshot } from './screenshot';

/**
 * The VM from the control room, against the demo: the real services drive the stand-in limactl
 * (testing/bin, first on the demo's PATH), so the card's actions, its live progress and the
 * Settings page's "restart required" are the real ones.
 */
test('create and start the VM, see it progress, resize it with a restart, stop and delete it', async ({
  page,
  devhost,
}) => {
  test.setTimeout(300_000);
  // A quicker stand-in than the demo's default pace, still slow enough to watch the stages.
  await mkdir(join(devhost.home, 'lima', '_standin'), { recursive: true });
  await writeFile(join(devhost.home, 'lima', '_standin', 'faults.json'), JSON.stringify({ paceMs: 60 }));

  await page.goto(devhost.url);
  const vm = page.getByRole('region', { name: 'Virtual machine' });
  await expect(vm.getByText('Not created')).toBeVisible();
  await vm.getByRole('button', { name: 'Start' }).click();

  const progress = vm.getByRole('group', { name: 'Starting the VM' });
  await expect(progress).toBeVisible();
  await expect(progress.getByRole('progressbar')).toBeVisible();
  await expect(progress.getByText(/Step \d of \d+ · Elapsed: \d+:\d\d/)).toBeVisible();
  await expect(progress.getByRole('button', { name: 'Cancel' })).toBeVisible();

  await expect(vm.getByText('Running', { exact: true })).toBeVisible({ timeout: 180_000 });
  await expect(progress).toBeHidden();
  await expect(vm.getByText(/^127\.0\.0\.1:\d+$/)).toBeVisible();
  const k3s = page.getByRole('region', { name: 'Kubernetes (k3s)' });
  await expect(k3s.getByText('Running', { exact: true })).toBeVisible();
  await expect(k3s.getByText(/The API answers on 127\.0\.0\.1:\d+ and the node is ready\./)).toBeVisible();
  await saveScreenshot(page, 'dashboard-vm-running.png');

  // Resize: more CPUs apply on the next start, and the settings say so until then.
  const nav = page.getByRole('navigation', { name: 'Sections' });
  await nav.getByRole('button', { name: 'Settings' }).click();
  const vmForm = page.getByRole('form', { name: 'Virtual machine' });
  await vmForm.getByLabel('CPUs').fill('6');
  await vmForm.getByRole('button', { name: 'Save' }).click();
  const notice = page.getByText(
    'The VM runs with other resources than these settings. Restart it to apply them.',
  );
  await expect(notice).toBeVisible();
  await expect(page.getByText('The disk can only grow: it is 60 GiB now.')).toBeVisible();
  await saveScreenshot(page, 'settings-restart-required.png');
  await page.getByRole('button', { name: 'Restart the VM' }).click();
  await nav.getByRole('button', { name: 'Dashboard' }).click();
  await expect(vm.getByRole('group', { name: 'Restarting the VM' })).toBeVisible();
  await expect(vm.getByText('Running', { exact: true })).toBeVisible({ timeout: 180_000 });
  await expect(vm.getByText('Running with 6 CPUs and 8 GiB of memory.')).toBeVisible();
  await nav.getByRole('button', { name: 'Settings' }).click();
  await expect(notice).toBeHidden();

  await nav.getByRole('button', { name: 'Dashboard' }).click();
  await vm.getByRole('button', { name: 'Stop' }).click();
  await expect(vm.getByText('Stopped', { exact: true })).toBeVisible({ timeout: 120_000 });
  await expect(k3s.getByText('Runs inside the VM, which is not running.')).toBeVisible();

  await vm.getByRole('button', { name: 'Delete…' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Delete the VM?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Delete the VM' }).click();
  await expect(vm.getByText('Not created')).toBeVisible({ timeout: 120_000 });
  await expect(vm.getByRole('button', { name: 'Start' })).toBeVisible();
});

test('a start that fails says why, with the log lines', async ({ page, devhost }) => {
  test.setTimeout(180_000);
  await mkdir(join(devhost.home, 'lima', '_standin'), { recursive: true });
  await writeFile(
    join(devhost.home, 'lima', '_standin', 'faults.json'),
    JSON.stringify({
      paceMs: 20,
      failAt: { stage: 'booting', message: 'The virtual machine failed to start.' },
    }),
  );
  await page.goto(devhost.url);
  const vm = page.getByRole('region', { name: 'Virtual machine' });
  await vm.getByRole('button', { name: 'Start' }).click();
  const alert = vm.getByRole('alert');
  await expect(alert).toContainText('Starting the VM: Failed.', { timeout: 150_000 });
  await expect(alert).toContainText('Booting failed: exiting');
  await alert.getByText('Last log lines').click();
  await expect(alert.locator('pre')).toContainText(
    'failed to start VZ: The virtual machine failed to start.',
  );
  // The VM was created, then stopped after the failure: the card says so, and offers to try again.
  await expect(vm.getByText('Stopped', { exact: true })).toBeVisible();
  await expect(vm.getByRole('button', { name: 'Start' })).toBeVisible();
  await saveScreenshot(page, 'dashboard-vm-failed.png');
});
