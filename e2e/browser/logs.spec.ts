import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import WebSocket from 'ws';

import { wsPath, wsTokenParam } from '../../common/ws-protocol';
import { expect, test, type RunningDevhost } from './devhost';
import { saveScreenshot } from './screenshot';

/**
 * The Logs page against the demo: the VM started from the dashboard (the stand-in limactl and its
 * guest k3s, a fake Kubernetes API), the sandbox installed into it by the real install service, and
 * the gateway's and the proxy's pods read through `logs:*` like on a Mac.
 */

/** One contract call over the devhost's WebSocket, as the page makes them (token and Origin). */
async function invoke(devhost: RunningDevhost, channel: string, input: unknown): Promise<unknown> {
  const socket = new WebSocket(`ws://127.0.0.1:${devhost.port}${wsPath}?${wsTokenParam}=${devhost.token}`, {
    headers: { Origin: devhost.origin },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return await new Promise((resolve, reject) => {
      socket.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString('utf8')) as { type: string; id?: number; result?: unknown };
        if (frame.type === 'result' && frame.id === 1) resolve(frame.result);
      });
      socket.once('close', () => reject(new Error(`${channel}: the devhost closed the connection`)));
      socket.send(JSON.stringify({ type: 'invoke', id: 1, channel, input }));
    });
  } finally {
    socket.close();
  }
}

async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map(violation => `${violation.id}: ${violation.help}`)).toEqual([]);
}

test('the sandbox’s live logs: pick the gateway, read, search, pause, select, copy, export, switch to the proxy', async ({
  page,
  devhost,
}) => {
  test.setTimeout(600_000);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: devhost.origin });
  await mkdir(join(devhost.home, 'lima', '_standin'), { recursive: true });
  await writeFile(join(devhost.home, 'lima', '_standin', 'faults.json'), JSON.stringify({ paceMs: 20 }));
  // Each step fails on its own instead of waiting out the whole test.
  page.setDefaultTimeout(30_000);
  await page.goto(devhost.url);
  // A first run may open on the onboarding; this test takes the control room's way.
  const nav = page.getByRole('navigation', { name: 'Sections' });
  const leave = page.getByRole('button', { name: 'Go to the control room' });
  await leave.or(nav).first().waitFor();
  if (await leave.isVisible()) await leave.click();

  // Before there is a cluster, the page says why and leads to the VM.
  await nav.getByRole('button', { name: 'Logs' }).click();
  await expect(page.getByRole('heading', { name: 'No cluster yet' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Go to the VM' }).click();
  const vm = page.getByRole('region', { name: 'Virtual machine' });
  await expect(vm.locator(':focus')).toHaveCount(1);
  await vm.getByRole('button', { name: 'Start' }).click();
  await expect(vm.getByText('Running', { exact: true })).toBeVisible({ timeout: 180_000 });

  // The sandbox, installed by the real install service into the stand-in VM's cluster.
  const started = (await invoke(devhost, 'install:start', { choices: { installOllama: false } })) as {
    ok: boolean;
    error?: { message: string };
  };
  expect(started.ok, started.error?.message).toBe(true);
  // The pods are there once the install has rolled them out; a failed install says where and why.
  await expect
    .poll(
      async () => {
        const result = (await invoke(devhost, 'install:get-state', undefined)) as {
          ok: boolean;
          value?: {
            status: string;
            error: { message: string } | null;
            steps: { id: string; status: string; error: { message: string } | null }[];
          };
        };
        const view = result.value;
        if (!view) return 'no install view';
        const failed = view.steps.find(step => step.status === 'failed');
        if (failed)
          return `the install failed at ${failed.id}: ${failed.error?.message ?? view.error?.message ?? ''}`;
        const rollouts = view.steps.find(step => step.id === 'rollouts');
        return rollouts && (rollouts.status === 'done' || rollouts.status === 'skipped')
          ? 'rolled out'
          : view.status;
      },
      { timeout: 300_000, intervals: [1000] },
    )
    .toBe('rolled out');

  await nav.getByRole('button', { name: 'Logs' }).click();
  const pod = page.getByRole('combobox', { name: 'Pod' });
  await expect(pod).toHaveValue(/^openclaw-gateway-/);
  const gatewayPod = await pod.inputValue();
  await expect(page.getByRole('combobox', { name: 'Container' })).toHaveValue('gateway');
  const lines = page.getByRole('listbox', { name: `Log of ${gatewayPod}, container gateway` });
  await expect(lines.getByRole('option').filter({ hasText: /^OpenClaw .+ \(node v\d+/ })).toBeVisible({
    timeout: 120_000,
  });
  await expect(lines.getByRole('option', { name: /\[gateway\] ready$/ })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText('Streaming', { exact: true })).toBeVisible();
  await expect(page.getByRole('log', { name: `Log of ${gatewayPod}, container gateway` })).toBeVisible();
  await saveScreenshot(page, 'logs-gateway-light.png');
  await expectNoAxeViolations(page);

  // Search: highlights, a count, next (which holds the view still), and an invalid regex said inline.
  const search = page.getByRole('searchbox', { name: 'Search the log' });
  await search.fill('gateway');
  await expect(page.getByText(/^\d+ matches$/)).toBeVisible();
  await expect(lines.locator('mark.log-match').first()).toBeVisible();
  await search.press('Enter');
  await expect(page.getByText(/^1 of \d+$/)).toBeVisible();
  await expect(lines.locator('mark.log-match-current')).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Follow' })).toBeVisible();
  await page.getByRole('button', { name: 'Regex', pressed: false }).click();
  await search.fill('gateway(');
  await expect(page.getByRole('alert')).toContainText('Not a valid regular expression');
  await search.fill('\\[gateway\\] (auth|ready)');
  await expect(page.getByText('2 matches', { exact: true })).toBeVisible();
  await search.fill('');

  // Pause and follow again.
  await page.getByRole('button', { name: 'Follow' }).click();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByText(/Streaming · paused/)).toBeVisible();

  // Select two lines from the keyboard, copy them, then export the whole buffer.
  await lines.focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('Shift+ArrowDown');
  await expect(page.getByText('2 selected')).toBeVisible();
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Copied 2 lines.' })).toBeAttached();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied.split('\n')).toHaveLength(2);
  expect(copied).toMatch(/^OpenClaw .+ \(node v\d+/);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(new RegExp(`^${gatewayPod}-gateway-\\d{8}T\\d{6}Z\\.log$`));
  const saved = await readFile(await file.path(), 'utf8');
  expect(saved).toMatch(/^OpenClaw .+ \(node v\d+/m);
  expect(saved).toContain('[gateway] ready\n');

  // The dark theme, wrapped, with times.
  await page.getByRole('button', { name: 'Wrap lines', pressed: false }).click();
  await page.getByRole('button', { name: 'Timestamps', pressed: false }).click();
  await expect(lines.locator('.log-time').first()).toHaveText(/^\d\d:\d\d:\d\d\.\d{3}$/);
  await page.emulateMedia({ colorScheme: 'dark' });
  await saveScreenshot(page, 'logs-gateway-dark.png');
  await expectNoAxeViolations(page);
  await page.emulateMedia({ colorScheme: 'light' });

  // The init container and the proxy: a Squid startup, read from its own pod.
  await page.getByRole('combobox', { name: 'Container' }).selectOption('seed-config');
  await expect(page.getByText('Ended: the container is gone', { exact: true })).toBeVisible();
  await expect(
    page
      .getByRole('listbox', { name: `Log of ${gatewayPod}, container seed-config` })
      .getByRole('option')
      .first(),
  ).toBeVisible();
  const proxy = await pod
    .locator('option', { hasText: /^egress-proxy-/ })
    .first()
    .getAttribute('value');
  expect(proxy).toBeTruthy();
  await pod.selectOption(proxy ?? '');
  await expect(page.getByRole('combobox', { name: 'Container' })).toHaveValue('squid');
  await expect(
    page
      .getByRole('listbox', { name: `Log of ${proxy ?? ''}, container squid` })
      .getByRole('option')
      .filter({ hasText: /Accepting HTTP Socket connections at .*:3128/ }),
  ).toBeVisible({ timeout: 60_000 });
  await saveScreenshot(page, 'logs-proxy-light.png');
});
