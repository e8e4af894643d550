import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

import type { InstallChoices, InstallStepId, InstallView } from '../../../common/install';
import { instanceNames } from '../../../testing/limactl/store';
import { canonicalName } from '../llm/model-catalog';
import { appPathsUnder } from '../platform/paths';
import { openInstallWorld, summary, type InstallWorld } from './test-support/install-world';

/**
 * Item 5 of issue 7: every step of the install cut off or failing half-way — the stand-in
 * limactl stuck or failing, the pull broken, the Keychain refused, the Kubernetes API erroring
 * or gone, the gateway's port taken — and the install run again: it completes, every failure
 * named its step and its cause, and nothing exists twice.
 */
const choices: InstallChoices = { model: 'llama3.2:3b', installOllama: false, providerKeys: [] };

let world: InstallWorld | undefined;
afterEach(async () => {
  await world?.dispose();
  world = undefined;
});

function step(view: InstallView, id: InstallStepId) {
  const found = view.steps.find(candidate => candidate.id === id);
  if (!found) throw new Error(`no step ${id}`);
  return found;
}

function expectFailedAt(
  view: InstallView,
  id: InstallStepId,
  code: string,
  title: string,
  cause: RegExp,
): void {
  expect(view.status, JSON.stringify(summary(view))).toBe('failed');
  const failed = step(view, id);
  expect(failed.status, failed.logTail.join('\n')).toBe('failed');
  expect(failed.error?.code).toBe(code);
  expect(failed.error?.message.startsWith(`${title}: `), failed.error?.message).toBe(true);
  expect(failed.error?.message).toMatch(cause);
  expect(view.steps.filter(other => other.status === 'failed')).toHaveLength(1);
}

function expectSucceeded(view: InstallView): void {
  expect(view.status, `${JSON.stringify(summary(view))} ${JSON.stringify(view.error)}`).toBe('succeeded');
  for (const each of view.steps) expect(['done', 'skipped'], each.id).toContain(each.status);
  expect(view.selfTest?.passed).toBe(true);
}

/** One VM, one model, one token, and the sandbox's objects and pods exactly once. */
async function expectNothingDuplicated(current: InstallWorld, token: string): Promise<void> {
  const { services } = current;
  expect(instanceNames(appPathsUnder(current.home).limaHome)).toEqual(['clawbar']);
  const models = await services.ollama.client().list();
  expect(models.filter(model => canonicalName(model.name) === 'llama3.2:3b')).toHaveLength(1);
  expect(services.settings.current.ollama.defaultModel).toBe('llama3.2:3b');
  const keychain = JSON.parse(await readFile(join(current.home, 'stand-ins', 'keychain.json'), 'utf8')) as {
    items: { account: string }[];
  };
  expect(keychain.items.filter(item => item.account === 'OPENCLAW_GATEWAY_TOKEN')).toHaveLength(1);
  expect(await services.secrets.ensureGatewayToken()).toBe(token);
  const connection = services.cluster.requireConnection();
  const deployments = await connection.apps.listNamespacedDeployment({ namespace: 'openclaw' });
  expect(deployments.items.map(item => item.metadata?.name).sort()).toEqual([
    'egress-proxy',
    'openclaw-gateway',
  ]);
  const pods = (await connection.core.listNamespacedPod({ namespace: 'openclaw' })).items.filter(
    pod => !pod.metadata?.deletionTimestamp,
  );
  const named = (prefix: string) => pods.filter(pod => pod.metadata?.name?.startsWith(prefix));
  expect(named('openclaw-gateway-')).toHaveLength(1);
  expect(named('egress-proxy-')).toHaveLength(1);
  expect(pods).toHaveLength(2);
}

describe('the install, cut off at every step', () => {
  it('up to the VM: a refused system check, a broken pull, a refused Keychain, a stuck and a failed boot', async () => {
    world = await openInstallWorld({ FAKE_OLLAMA_PULL_ERROR_AT: '0.5', CLAWBAR_SECURITY_FAULT: 'denied' });
    const settingsFile = appPathsUnder(world.home).settingsFile;
    // More CPUs than this Mac has (written behind the settings' back, as an old file would be).
    await writeFile(settingsFile, JSON.stringify({ vm: { cpus: 12 } }));
    let services = await world.relaunch({
      FAKE_OLLAMA_PULL_ERROR_AT: '0.5',
      CLAWBAR_SECURITY_FAULT: 'denied',
    });

    let view = await services.install.perform({ kind: 'start', choices });
    expectFailedAt(view, 'preflight', 'vm-preflight-failed', 'System check', /cpus: 12 > 10 CPUs/);
    await services.settings.update({ vm: { cpus: 4 } });

    // The pull breaks half-way (Ollama's own error line).
    view = await services.install.perform({ kind: 'resume' });
    expect(step(view, 'preflight').status).toBe('done');
    expectFailedAt(
      view,
      'local-models',
      'pull-failed',
      'Local models',
      /Pulling llama3\.2:3b failed: max retries exceeded/,
    );

    // Quit and start again without the fault: the pull resumes, the model is there once.
    services = await world.relaunch({ CLAWBAR_SECURITY_FAULT: 'denied' });
    expect(services.install.view.status).toBe('failed');
    view = await services.install.perform({ kind: 'retry', step: 'local-models' });
    expect(step(view, 'local-models')).toMatchObject({ status: 'done', attempts: 2 });
    // The user refuses the Keychain's prompt: no token, and the step says so.
    expectFailedAt(view, 'secrets', 'secrets-access-denied', 'Gateway token and keys', /Keychain/);

    services = await world.relaunch({});
    // The VM gets stuck waiting for SSH; the user cancels.
    await world.lima({ hangAt: 'waiting-ssh' });
    const stuck = services.install.perform({ kind: 'retry', step: 'secrets' });
    await world.until(current => step(current, 'vm').progress?.step === 'waiting-ssh', 90_000);
    services.install.cancel();
    view = await stuck;
    expect(view.status).toBe('cancelled');
    expect(step(view, 'vm')).toMatchObject({ status: 'pending', error: null });
    expect(step(view, 'vm').logTail.at(-1)).toBe('Cancelled.');
    // Retried, it found the token there and readable: nothing left to do.
    expect(['done', 'skipped']).toContain(step(view, 'secrets').status);
    const token = await services.secrets.ensureGatewayToken();

    // Then it fails to boot, the way Lima says it.
    await world.lima({ failAt: { stage: 'booting', message: 'The virtual machine failed to start.' } });
    view = await services.install.perform({ kind: 'resume' });
    expectFailedAt(view, 'vm', 'vm-stage-failed', 'Virtual machine', /Booting failed/);
    expect(step(view, 'vm').logTail.join('\n')).toContain('The virtual machine failed to start.');

    await world.lima({});
    view = await services.install.perform({ kind: 'retry', step: 'vm' });
    expectSucceeded(view);
    expect(step(view, 'vm').attempts).toBe(3);
    // Each relaunch stopped the Ollama server Clawbar had started: it was started again, and the
    // model found already there, not pulled again.
    expect(step(view, 'local-models').logTail).toContain('llama3.2:3b is already installed.');
    await expectNothingDuplicated(world, token);
  }, 600_000);

  it('after the VM: lost credentials, the API erroring and gone, the port taken, a cut-off self-test', async () => {
    world = await openInstallWorld();
    let services = world.services;
    let view = await services.install.perform({ kind: 'start', choices });
    expectSucceeded(view);
    const token = await services.secrets.ensureGatewayToken();
    const { kubeconfig } = appPathsUnder(world.home);

    // k3s: the kubeconfig's credentials are refused; the install copies them from the VM again.
    const config = parse(await readFile(kubeconfig, 'utf8')) as { users: { user: Record<string, string> }[] };
    for (const entry of config.users) entry.user = { token: 'a-token-k3s-never-issued' };
    await writeFile(kubeconfig, stringify(config), { mode: 0o600 });
    view = await services.install.perform({ kind: 'start', choices });
    expectSucceeded(view);
    expect(step(view, 'vm').status).toBe('skipped');
    expect(step(view, 'k3s')).toMatchObject({ status: 'done', attempts: 1 });

    // kubeconfig: readable by others; rewritten owner-only.
    await chmod(kubeconfig, 0o644);
    view = await services.install.perform({ kind: 'start', choices });
    expectSucceeded(view);
    expect(step(view, 'kubeconfig')).toMatchObject({ status: 'done', attempts: 1 });
    expect((await stat(kubeconfig)).mode & 0o777).toBe(0o600);

    // manifests: the settings changed, and the API answers every apply with a 500.
    await services.settings.update({ sandbox: { gateway: { cpuLimit: '1500m' } } });
    await world.kubeApi({ failRequests: [{ status: 500, method: 'PATCH', times: 'always' }] });
    view = await services.install.perform({ kind: 'start', choices });
    expectFailedAt(
      view,
      'manifests',
      'cluster-api-error',
      'Sandbox objects',
      /etcdserver: request timed out/,
    );
    await world.kubeApi({});
    view = await services.install.perform({ kind: 'retry', step: 'manifests' });
    expectSucceeded(view);

    // rollouts: the API goes away while the gateway rolls out, then comes back.
    await services.settings.update({ sandbox: { gateway: { cpuLimit: '2' } } });
    const rolling = services.install.perform({ kind: 'start', choices });
    await world.until(
      current => /rolled out|pods? (created|ready)/.test(step(current, 'manifests').progress?.detail ?? ''),
      90_000,
    );
    await world.kubeApi({ refuseConnections: { forMs: 3000 }, dropWatches: {} });
    view = await rolling;
    expectSucceeded(view);
    await world.kubeApi({});

    // port-forward: another program holds the gateway's port on this Mac.
    const address = services.cluster.portForward.address;
    const port = Number(address.split(':')[1]);
    services.cluster.portForward.stop();
    const squatter: Server = createServer((_request, response) => response.writeHead(404).end());
    await new Promise<void>(resolve => squatter.listen(port, '127.0.0.1', resolve));
    view = await services.install.perform({ kind: 'start', choices });
    expectFailedAt(
      view,
      'port-forward',
      'install-port-forward-failed',
      'OpenClaw on this Mac',
      /taken by another program/,
    );
    squatter.closeAllConnections();
    await new Promise(resolve => squatter.close(resolve));
    view = await services.install.perform({ kind: 'retry', step: 'port-forward' });
    expectSucceeded(view);

    // self-test: cut off while its probe runs; resumed, it runs again and leaves no probe behind.
    const testing = services.install.perform({ kind: 'start', choices });
    await world.until(current => step(current, 'self-test').status === 'running', 90_000);
    await new Promise(resolve => setTimeout(resolve, 500));
    services.install.cancel();
    view = await testing;
    expect(view.status).toBe('cancelled');
    expect(step(view, 'self-test').status).toBe('pending');
    services = await world.relaunch({});
    expect(services.install.view.status).toBe('cancelled');
    view = await services.install.perform({ kind: 'resume' });
    expectSucceeded(view);
    await services.cluster.whenReady(30_000);
    await expectNothingDuplicated(world, token);
  }, 600_000);
});
