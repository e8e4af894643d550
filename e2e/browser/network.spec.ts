import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';

import AxeBuilder from '@axe-core/playwright';
import { KubeConfig, PortForward } from '@kubernetes/client-node';
import type { Page } from '@playwright/test';
import WebSocket from 'ws';

import type { AppInfo } from '../../common/contract';
import type { InstallView } from '../../common/install';
import type { AllowlistView } from '../../common/sandbox';
import type { AppState } from '../../common/state';
import { wsPath, wsTokenParam } from '../../common/ws-protocol';
import { expect, test, type RunningDevhost } from './devhost';
import { saveScreenshot } from './screenshot';
import { enterControlRoom } from './enter-control-room';

/**
 * The Network page against the demo: the sandbox installed by the real install service into the
 * stand-in VM's cluster (a fake Kubernetes API whose probe pod meets a simulated network decided
 * by the NetworkPolicies it stores), then a toggle turned off with its confirmation, the
 * self-test proving it, a domain added to the allowlist and applied (the proxy rolls), and a
 * request the proxy refused, allowed from the blocked list after the question.
 */

type Envelope<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** One contract call over the devhost's WebSocket, as the page makes them (token and Origin). */
async function invoke<T>(devhost: RunningDevhost, channel: string, input?: unknown): Promise<Envelope<T>> {
  const socket = new WebSocket(`ws://127.0.0.1:${devhost.port}${wsPath}?${wsTokenParam}=${devhost.token}`, {
    headers: { Origin: devhost.origin },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return await new Promise<Envelope<T>>((resolve, reject) => {
      socket.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString('utf8')) as {
          type: string;
          id?: number;
          result?: Envelope<T>;
        };
        if (frame.type === 'result' && frame.id === 1 && frame.result) resolve(frame.result);
      });
      socket.once('close', () => reject(new Error(`${channel}: the devhost closed the connection`)));
      socket.send(JSON.stringify({ type: 'invoke', id: 1, channel, input }));
    });
  } finally {
    socket.close();
  }
}

async function value<T>(devhost: RunningDevhost, channel: string, input?: unknown): Promise<T> {
  const result = await invoke<T>(devhost, channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

async function expectNoAxeViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  expect(
    results.violations.flatMap(violation =>
      violation.nodes.map(node => `${violation.id}: ${violation.help} — ${node.target.join(' ')}`),
    ),
    what,
  ).toEqual([]);
}

/** The one-click install, through the contract; resolves once it succeeded, or says where it failed. */
async function installSandbox(devhost: RunningDevhost): Promise<void> {
  await value<InstallView>(devhost, 'install:start', { choices: { installOllama: false } });
  await expect
    .poll(
      async () => {
        const view = await value<InstallView>(devhost, 'install:get-state');
        const failed = view.steps.find(step => step.status === 'failed');
        if (failed)
          return `the install failed at ${failed.id}: ${failed.error?.message ?? view.error?.message ?? ''}`;
        return view.status;
      },
      { timeout: 360_000, intervals: [1000] },
    )
    .toBe('succeeded');
}

/**
 * What the gateway does when OpenClaw asks for a site: a CONNECT to the egress proxy (its
 * HTTPS_PROXY). Sent over the Kubernetes API's port-forward to the proxy pod, with the app's own
 * kubeconfig, like `kubectl port-forward`; resolves with the proxy's status line.
 */
async function connectThroughProxy(devhost: RunningDevhost, host: string): Promise<string> {
  const info = await value<AppInfo>(devhost, 'app:get-info');
  const state = await value<AppState>(devhost, 'app:get-state');
  const pod = state.cluster.pods.find(
    candidate => candidate.role === 'proxy' && candidate.ready && !candidate.deleting,
  );
  if (!pod) throw new Error('no ready proxy pod');
  const config = new KubeConfig();
  config.loadFromFile(info.paths.kubeconfig);
  let answer = '';
  let answered: () => void = () => undefined;
  const done = new Promise<void>(resolve => (answered = resolve));
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) answered();
      callback();
    },
  });
  const errors = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (chunk.length > 0) answered();
      callback();
    },
  });
  const input = new PassThrough();
  const forward = new PortForward(config, true);
  const opened = await forward.portForward('openclaw', pod.name, [3128], output, errors, input);
  const socket = typeof opened === 'function' ? opened() : opened;
  input.write(`CONNECT ${host}:443 HTTP/1.1\r\nHost: ${host}:443\r\n\r\n`);
  try {
    await Promise.race([
      done,
      new Promise((_, reject) => setTimeout(() => reject(new Error('the proxy did not answer')), 15_000)),
    ]);
  } finally {
    socket?.close();
  }
  return answer.split('\r\n')[0] ?? '';
}

test('the Network page: a toggle with its question, the self-test, the allowlist, and a blocked request allowed', async ({
  page,
  devhost,
}) => {
  test.setTimeout(600_000);
  await mkdir(join(devhost.home, 'lima', '_standin'), { recursive: true });
  await writeFile(join(devhost.home, 'lima', '_standin', 'faults.json'), JSON.stringify({ paceMs: 20 }));
  page.setDefaultTimeout(30_000);
  await page.goto(devhost.url);
  await enterControlRoom(page);
  const nav = page.getByRole('navigation', { name: 'Sections' });
  await nav.getByRole('button', { name: 'Network' }).click();

  // Before the install, the page says so and leads to the setup.
  await expect(page.getByRole('heading', { name: 'The sandbox is not installed yet' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Open the setup' })).toBeVisible();
  await expectNoAxeViolations(page, 'not installed');

  await installSandbox(devhost);

  // The page follows the install: both switches, on in the cluster, proven by the install's self-test.
  const policies = page.getByRole('region', { name: 'Network policies' });
  const localModels = policies.locator('[data-policy="local-models"]');
  const localSwitch = policies.getByRole('switch', { name: 'Local models' });
  await expect(localSwitch).toHaveAttribute('aria-checked', 'true', { timeout: 60_000 });
  await expect(localModels).toHaveAttribute('data-server', 'on');
  await expect(localModels).toHaveAttribute('data-enforcement', 'enforced');
  await expect(page.getByRole('region', { name: 'Blocked requests' })).toBeVisible();
  await saveScreenshot(page, 'network-installed.png');
  await expectNoAxeViolations(page, 'installed');

  // Local models off: asked first, then applied (the proxy rolls too).
  await localSwitch.click();
  const question = page.getByRole('dialog', { name: 'Cut OpenClaw off from your local models?' });
  await expect(question.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await expectNoAxeViolations(page, 'toggle question');
  await page.keyboard.press('Escape');
  await expect(question).toHaveCount(0);
  await expect(localSwitch).toHaveAttribute('aria-checked', 'true');
  await localSwitch.click();
  await question.getByRole('button', { name: 'Turn off' }).click();
  await expect(localSwitch).toHaveAttribute('aria-checked', 'false');
  await expect(localModels).toHaveAttribute('data-server', 'off', { timeout: 120_000 });
  await expect(localSwitch).toBeEnabled({ timeout: 120_000 });

  // The self-test proves it: Ollama is blocked now, as expected.
  const selfTest = page.getByRole('region', { name: 'Sandbox self-test' });
  await selfTest.getByRole('button', { name: 'Run self-test' }).click();
  const ollama = selfTest.getByRole('listitem', { name: 'Ollama on this Mac' });
  await expect(ollama.locator('.probe-outcome')).toHaveText('ExpectedBlockedGotBlocked', {
    timeout: 150_000,
  });
  await expect(ollama).toHaveAttribute('data-passed', 'true');
  await expect(selfTest.getByRole('button', { name: 'Run self-test' })).toBeEnabled();
  await expect(selfTest.getByText('Every limit holds.')).toBeVisible();
  await ollama.getByText('Evidence').click();
  await expect(ollama.locator('.probe-evidence code')).toContainText('host.lima.internal 11434');
  await expect(localModels.getByText(/^Proven by the last self-test \(/)).toBeVisible();

  // A domain of the user's: checked as typed, added, applied; the proxy rolls with it.
  const allowlist = page.getByRole('region', { name: 'Proxy allowlist' });
  const field = allowlist.getByRole('textbox', { name: 'Add a domain' });
  await field.fill('*.example.com');
  await expect(allowlist.getByText(/has a wildcard, which Squid does not understand/)).toBeVisible();
  await allowlist.getByRole('button', { name: 'Did you mean .example.com?' }).click();
  await expect(field).toHaveValue('.example.com');
  await allowlist.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(allowlist.getByText('Unsaved changes: Apply sends them to the proxy.')).toBeVisible();
  await allowlist.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(allowlist.getByText('The proxy runs this list.')).toBeVisible({ timeout: 120_000 });
  await expect(
    allowlist
      .getByRole('list', { name: 'What the proxy lets through' })
      .getByText('.example.com', { exact: true }),
  ).toBeVisible();
  expect((await value<AllowlistView>(devhost, 'proxy:get-allowlist')).applied).toContain('.example.com');

  // OpenClaw asks the proxy for a site that is not on the list: refused, and listed live.
  expect(await connectThroughProxy(devhost, 'api.weather-demo.net')).toBe('HTTP/1.1 403 Forbidden');
  const blocked = page.getByRole('region', { name: 'Blocked requests' });
  const row = blocked.locator('tr[data-host="api.weather-demo.net"]');
  await expect(row).toBeVisible({ timeout: 60_000 });
  await expect(row).toContainText('443');
  await saveScreenshot(page, 'network-blocked.png');

  // "Allow this domain" asks first, showing exactly the entry, then adds and applies it.
  await row.getByRole('button', { name: 'Allow this domain: api.weather-demo.net…' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Allow api.weather-demo.net?' });
  await expect(confirm.locator('.allow-entry')).toHaveText('api.weather-demo.net');
  await confirm.getByRole('radio', { name: /^\.weather-demo\.net/ }).check();
  await expect(confirm.locator('.allow-entry')).toHaveText('.weather-demo.net');
  await confirm.getByRole('radio', { name: /^api\.weather-demo\.net/ }).check();
  await expectNoAxeViolations(page, 'allow question');
  await confirm.getByRole('button', { name: 'Add and apply' }).click();
  await expect(
    blocked.getByText('api.weather-demo.net is on the allowlist, and the proxy runs it.'),
  ).toBeVisible({
    timeout: 120_000,
  });
  await expect(row.getByText('On the allowlist (api.weather-demo.net)')).toBeVisible();
  const saved = await value<AllowlistView>(devhost, 'proxy:get-allowlist');
  expect(saved.domains).toEqual(['.example.com', 'api.weather-demo.net']);
  expect(saved.applied).toContain('api.weather-demo.net');
  await saveScreenshot(page, 'network-allowed.png');
});
