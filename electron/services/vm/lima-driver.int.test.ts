import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { ClawbarError } from '../../../common/errors';
import { ExecError, createExecRunner } from '../platform/exec';
import { limactlErrorMessage } from './lima-driver';
import { LimactlLocator } from './limactl-locator';
import {
  apiPortOf,
  stageHintFromEvent,
  stageHintFromLog,
  type HostEvent,
  type LogRecord,
} from './limactl-output';
import { openLimaWorld, standInBin, type LimaWorld } from './test-support/lima-world';
import { renderVmTemplate } from './vm-template';

/**
 * LimaDriver through the stand-in limactl: real processes, real pipes, real files under a
 * temporary LIMA_HOME. Each fault mode of the stand-in is driven here.
 */
const worlds: LimaWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.dispose();
});

async function world(faults: Parameters<typeof openLimaWorld>[0] = {}): Promise<LimaWorld> {
  const opened = await openLimaWorld(faults);
  worlds.push(opened);
  return opened;
}

async function template(w: LimaWorld, apiPort = 40000 + Math.floor(Math.random() * 20000)): Promise<string> {
  const file = join(w.home, 'clawbar.yaml');
  await mkdir(join(w.userHome, '.openclaw'), { recursive: true });
  await writeFile(
    file,
    renderVmTemplate({
      instanceName: 'clawbar',
      cpus: 2,
      memoryGiB: 4,
      diskGiB: 30,
      apiPort,
      openclawDir: join(w.userHome, '.openclaw'),
    }),
  );
  return file;
}

function recorder() {
  const logs: LogRecord[] = [];
  const events: HostEvent[] = [];
  return {
    logs,
    events,
    observer: {
      onLog: (record: LogRecord) => logs.push(record),
      onEvent: (event: HostEvent) => events.push(event),
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<ExecError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ExecError);
  return error as ExecError;
}

describe('LimaDriver', () => {
  it('lists nothing in an empty LIMA_HOME', async () => {
    const w = await world();
    expect(await w.driver.list()).toEqual([]);
    expect(await w.driver.instance()).toBeUndefined();
  });

  it(
    'creates and starts an instance, reporting Lima’s milestones in order from its logs and events',
    { timeout: 120_000 },
    async () => {
      const w = await world();
      const created = recorder();
      await w.driver.create(await template(w, 45123), { timeoutMs: 60_000, observer: created.observer });
      expect(created.logs.map(record => stageHintFromLog(record.msg)?.stage).filter(Boolean)).toContain(
        'downloading-image',
      );
      expect((await w.driver.instance())?.status).toBe('Stopped');

      const started = recorder();
      await w.driver.start({ timeoutMs: 60_000, observer: started.observer });
      const stages = [
        ...started.logs.map(record => stageHintFromLog(record.msg)?.stage),
        ...started.events.map(event => stageHintFromEvent(event)?.stage),
      ].filter(Boolean);
      for (const stage of ['booting', 'waiting-ssh', 'provisioning-k3s', 'forwarding-ports'])
        expect(stages).toContain(stage);
      const order = started.logs.map(record => stageHintFromLog(record.msg)?.stage).filter(Boolean);
      expect(order.indexOf('booting')).toBeLessThan(order.indexOf('waiting-ssh'));
      expect(order.indexOf('waiting-ssh')).toBeLessThan(order.indexOf('provisioning-k3s'));
      expect(started.logs.at(-1)?.msg).toMatch(/^READY\. Run `limactl shell clawbar`/);
      expect(started.events.some(event => event.status.running === true)).toBe(true);
      expect(started.events.some(event => event.status.portForward?.hostAddr === '127.0.0.1:45123')).toBe(
        true,
      );

      const record = await w.driver.instance();
      expect(record).toMatchObject({
        status: 'Running',
        vmType: 'vz',
        cpus: 2,
        memory: 4 * 2 ** 30,
        disk: 30 * 2 ** 30,
      });
      expect(apiPortOf(record!)).toBe(45123);
      expect(await w.driver.readGuestKubeconfig()).toContain('server: https://127.0.0.1:6443');
      expect((await w.driver.k3sServiceState()).activeState).toBe('active');

      await w.driver.stop(false, { timeoutMs: 60_000 });
      expect((await w.driver.instance())?.status).toBe('Stopped');
      // Lima deletes its copy of the kubeconfig on stop.
      await expect(readFile(w.driver.copiedKubeconfigPath, 'utf8')).rejects.toThrow();
    },
  );

  it(
    'fails to create an instance that already exists, with Lima’s message and exit code 1',
    { timeout: 60_000 },
    async () => {
      const w = await world();
      const file = await template(w);
      await w.driver.create(file, { timeoutMs: 60_000 });
      const error = await failure(w.driver.create(file, { timeoutMs: 60_000 }));
      expect(error.exitCode).toBe(1);
      expect(limactlErrorMessage(error.stderrTail)).toBe('instance `clawbar` already exists');
    },
  );

  it(
    'fails a start that exits 1 with the message, and quotes the host agent and serial logs',
    { timeout: 60_000 },
    async () => {
      const w = await world({
        faults: { failAt: { stage: 'booting', message: 'The virtual machine failed to start.' } },
      });
      await w.driver.create(await template(w), { timeoutMs: 60_000 });
      const error = await failure(w.driver.start({ timeoutMs: 60_000 }));
      expect(error.exitCode).toBe(1);
      expect(limactlErrorMessage(error.stderrTail)).toMatch(/^exiting, status=.*hint: see/);
      const context = await w.driver.failureContext({ withK3sJournal: false });
      expect(context).toContain('--- ha.stderr.log ---');
      expect(context).toContain('error: failed to start VZ: The virtual machine failed to start.');
      expect(context).toContain('--- serialv.log ---');
      expect(context).toContain('Kernel panic - not syncing: The virtual machine failed to start.');
    },
  );

  it(
    'can be cancelled while it hangs at a stage, leaving the host agent for a forced stop',
    { timeout: 60_000 },
    async () => {
      const w = await world({ faults: { hangAt: 'waiting-ssh' } });
      await w.driver.create(await template(w), { timeoutMs: 60_000 });
      const controller = new AbortController();
      const seen = recorder();
      const start = w.driver.start({
        timeoutMs: 60_000,
        signal: controller.signal,
        observer: {
          onLog: record => {
            seen.observer.onLog(record);
            if (record.msg.includes('Waiting for the essential requirement 1 of 3')) controller.abort();
          },
        },
      });
      const error = await failure(start);
      expect(error.code).toBe('exec-cancelled');
      expect((await w.driver.instance())?.status).toBe('Running');
      await w.driver.stop(true, { timeoutMs: 30_000 });
      expect((await w.driver.instance())?.status).toBe('Stopped');
    },
  );

  it('sees a Broken instance, which refuses to start until a forced stop', { timeout: 90_000 }, async () => {
    const w = await world({ faults: { broken: true } });
    await w.driver.create(await template(w), { timeoutMs: 60_000 });
    await w.driver.start({ timeoutMs: 60_000 });
    const broken = await w.driver.instance();
    expect(broken?.status).toBe('Broken');
    expect(broken?.errors?.[0]).toMatch(/failed to get Info from ".*ha\.sock"/);
    const error = await failure(w.driver.start({ timeoutMs: 60_000 }));
    expect(limactlErrorMessage(error.stderrTail)).toMatch(/^errors inspecting instance/);
    await w.driver.stop(true, { timeoutMs: 30_000 });
    expect((await w.driver.instance())?.status).toBe('Stopped');
  });

  it(
    'cleans stale PID files and sockets, and stops orphaned host agents, before a start',
    { timeout: 60_000 },
    async () => {
      const w = await world();
      await w.driver.create(await template(w), { timeoutMs: 60_000 });
      // Looked at first: `limactl list` itself tidies PID files of dead processes, as Lima does.
      const record = await w.driver.instance();
      const dir = w.driver.instanceDir;
      const dead = spawn(process.execPath, ['-e', '0']);
      await new Promise(resolve => dead.once('exit', resolve));
      await writeFile(join(dir, 'ha.pid'), `${dead.pid}\n`);
      await writeFile(join(dir, 'ha.sock'), '');
      const orphan = spawn(
        process.execPath,
        ['-e', 'setInterval(() => {}, 1e9)', 'hostagent', '--pidfile', join(dir, 'ha.pid')],
        {
          detached: true,
          stdio: 'ignore',
        },
      );
      orphan.unref();
      const exited = new Promise(resolve => orphan.once('exit', resolve));

      const notes = await w.driver.cleanLeftovers(record);
      expect(notes.join('\n')).toContain(`Removed a stale ha.pid: process ${dead.pid} is gone.`);
      expect(notes.join('\n')).toContain('Removed a stale host-agent socket');
      expect(notes.join('\n')).toContain(`Stopped 1 orphaned process of the VM: ${orphan.pid}`);
      await exited;
      expect(w.sink.text).toContain('orphaned process');
      await w.driver.start({ timeoutMs: 60_000 });
      expect((await w.driver.instance())?.status).toBe('Running');
    },
  );

  it(
    'reads k3s’s unit state and journal in the guest, and refuses a shell on a stopped VM',
    { timeout: 60_000 },
    async () => {
      const w = await world({ faults: { k3s: 'crash-loop', paceMs: 50 } });
      await w.driver.create(await template(w), { timeoutMs: 60_000 });
      await expect(w.driver.shell(['true'], { timeoutMs: 30_000 })).rejects.toMatchObject({
        code: 'exec-failed',
        message: expect.stringContaining('is stopped, run `limactl start clawbar`') as string,
      });
      await w.driver.start({ timeoutMs: 60_000 });
      const state = await w.driver.k3sServiceState();
      expect(state.restarts).toBeGreaterThan(0);
      expect(state).toMatchObject({ activeState: 'activating', subState: 'auto-restart' });
      expect(state.journal).toContain('level=fatal msg="Failed to start networking');
    },
  );

  it(
    'edits CPUs, memory, disk and the API port of a stopped instance, and refuses a running one',
    { timeout: 90_000 },
    async () => {
      const w = await world();
      await w.driver.create(await template(w), { timeoutMs: 60_000 });
      await w.driver.edit({ cpus: 3, memoryGiB: 6.5, diskGiB: 40, hostPort: 47001 }, { timeoutMs: 30_000 });
      const record = await w.driver.instance();
      expect(record).toMatchObject({ cpus: 3, memory: 6.5 * 2 ** 30, disk: 40 * 2 ** 30 });
      expect(apiPortOf(record!)).toBe(47001);
      await w.driver.start({ timeoutMs: 60_000 });
      const error = await failure(w.driver.edit({ cpus: 2 }, { timeoutMs: 30_000 }));
      expect(limactlErrorMessage(error.stderrTail)).toBe('Cannot edit a running instance');
    },
  );
});

describe('LimactlLocator', () => {
  // The stand-in is a node script: node must stay reachable.
  const nodeDir = dirname(process.execPath);
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function fakeLimactl(output: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'clawbar-limactl-'));
    dirs.push(dir);
    const file = join(dir, 'limactl');
    await writeFile(file, `#!/bin/sh\necho '${output}'\n`);
    await chmod(file, 0o755);
    return file;
  }

  it('finds limactl on PATH and reads its version', async () => {
    const locator = new LimactlLocator({
      exec: createExecRunner({ env: { PATH: [standInBin, nodeDir].join(delimiter) } }),
      settingsPath: () => null,
    });
    expect(await locator.locate()).toEqual({
      path: join(standInBin, 'limactl'),
      version: '2.0.3',
      source: 'path',
    });
  });

  it('prefers the bundled limactl, and the path from Settings over both', async () => {
    const bundledBin = await fakeLimactl('limactl version 2.0.3');
    const bundledDir = join(bundledBin, '..', '..', 'bundle');
    await mkdir(join(bundledDir, 'bin'), { recursive: true });
    await writeFile(join(bundledDir, 'bin', 'limactl'), await readFile(bundledBin, 'utf8'), { mode: 0o755 });
    const exec = createExecRunner({ env: { PATH: [standInBin, nodeDir].join(delimiter) } });
    expect(
      (await new LimactlLocator({ exec, bundledLimaDir: bundledDir, settingsPath: () => null }).locate())
        .source,
    ).toBe('bundled');
    const chosen = await fakeLimactl('limactl version 2.1.0');
    expect(
      await new LimactlLocator({ exec, bundledLimaDir: bundledDir, settingsPath: () => chosen }).locate(),
    ).toEqual({
      path: chosen,
      version: '2.1.0',
      source: 'settings',
    });
  });

  it.each([
    [
      'missing everywhere',
      () => null,
      '/nonexistent',
      'vm-limactl-not-found',
      /not bundled with this build, not set in Settings, not on PATH/,
    ],
    [
      'a Settings path that does not exist',
      () => '/nowhere/limactl',
      standInBin,
      'vm-limactl-not-found',
      /\/nowhere\/limactl/,
    ],
  ])('says so when limactl is %s', async (_label, settingsPath, path, code, message) => {
    const locator = new LimactlLocator({ exec: createExecRunner({ env: { PATH: path } }), settingsPath });
    const error = await locator.locate().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ClawbarError);
    expect(error).toMatchObject({ code, message: expect.stringMatching(message) as string });
  });

  it.each([
    ['too old', 'limactl version 1.2.1', /limactl 1\.2\.1 at .* is too old: Clawbar needs 2\.0\.0/],
    ['not answering with a version', 'Usage: something else', /printed no version/],
  ])('refuses a limactl that is %s', async (_label, output, message) => {
    const file = await fakeLimactl(output);
    const locator = new LimactlLocator({
      exec: createExecRunner({ env: { PATH: '' } }),
      settingsPath: () => file,
    });
    await expect(locator.locate()).rejects.toMatchObject({
      code: 'vm-limactl-unsupported',
      message: expect.stringMatching(message) as string,
    });
  });
});
