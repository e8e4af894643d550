import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';

import type { EventName } from '../../../common/contract';
import { appStateSchema } from '../../../common/state';
import { vmOperationSchema, type VmOperation, type VmStage } from '../../../common/vm-model';
import { localClient } from '../ipc/clients';
import { dispatch } from '../ipc/dispatch';
import { createServices, type Services } from '../services';
import { diskSpace, isPortFree, type HostFacts } from './host-facts';
import { openLimaWorld, type LimaWorld, type StandInFaults } from './test-support/lima-world';
import type { StageDeadlines } from './vm-operation';

/**
 * The VM service through its real path: createServices → VmService → LimaDriver → the stand-in
 * limactl (real processes), with AppState, the `vm:progress` events and the handlers.
 */
const gib = 2 ** 30;
const fakeMac: HostFacts = {
  platform: 'darwin',
  macosVersion: () => Promise.resolve('15.5'),
  appleSilicon: () => Promise.resolve(true),
  virtualization: () => Promise.resolve(true),
  totalMemoryBytes: () => 16 * gib,
  cpuCount: () => 8,
  disk: diskSpace,
  portFree: isPortFree,
};

interface Harness {
  world: LimaWorld;
  services: Services;
  events: { event: EventName; payload: unknown }[];
  progress: () => VmOperation[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function harness(
  options: { faults?: StandInFaults; deadlines?: Partial<StageDeadlines> } = {},
): Promise<Harness> {
  const world = await openLimaWorld({ faults: options.faults ?? {} });
  cleanups.push(() => world.dispose());
  const services = createServices({
    paths: world.paths,
    mode: 'demo',
    log: world.log,
    env: world.env,
    userHome: world.userHome,
    hostFacts: fakeMac,
    ollama: { url: 'http://127.0.0.1:9', supervise: false },
    lmStudioUrl: 'http://127.0.0.1:9',
    statusIntervalMs: 60 * 60_000,
    stateThrottleMs: 0,
    readiness: { pollMs: 100 },
    ...(options.deadlines ? { vmDeadlines: options.deadlines } : {}),
  });
  cleanups.push(() => services.dispose());
  const events: Harness['events'] = [];
  services.hub.add(localClient('test', (event, payload) => events.push({ event, payload })));
  await services.start();
  return {
    world,
    services,
    events,
    progress: () =>
      events.filter(entry => entry.event === 'vm:progress').map(entry => entry.payload as VmOperation),
  };
}

/** The stages an operation went through, in order, from its progress events. */
function stagesOf(operations: VmOperation[], id: string): VmStage[] {
  const stages: VmStage[] = [];
  for (const operation of operations.filter(item => item.id === id))
    if (stages.at(-1) !== operation.step) stages.push(operation.step);
  return stages;
}

async function occupy(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve));
  cleanups.push(() => new Promise(resolve => server.close(() => resolve())));
  return server;
}

describe('VmService', () => {
  it(
    'creates and starts the VM from nothing, then stops, restarts and deletes it',
    { timeout: 240_000 },
    async () => {
      const { services, world, progress } = await harness();
      const started = await services.vm.perform('start');
      expect(started).toMatchObject({ kind: 'start', status: 'succeeded', step: 'ready' });
      expect(stagesOf(progress(), started.id)).toEqual([
        'checking',
        'creating',
        'downloading-image',
        'booting',
        'waiting-ssh',
        'provisioning-k3s',
        'forwarding-ports',
        'waiting-k3s',
        'ready',
      ]);
      const seqs = progress()
        .filter(operation => operation.id === started.id)
        .map(operation => operation.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      for (const operation of progress()) expect(vmOperationSchema.safeParse(operation).success).toBe(true);

      const state = appStateSchema.parse(services.state.snapshot);
      expect(state.components.vm).toMatchObject({ state: 'running', reason: { code: 'vm-running' } });
      expect(state.components.k3s).toMatchObject({
        state: 'running',
        version: 'v1.35.0+k3s1',
        reason: { code: 'k3s-ready' },
      });
      expect(state.vm.instance).toMatchObject({
        status: 'Running',
        cpus: 4,
        memoryGiB: 8,
        diskGiB: 60,
        vmType: 'vz',
      });
      expect(state.vm.limactl).toMatchObject({ version: '2.0.3', source: 'path' });
      // "Needs the VM" is no longer true of the gateway; what it is now is for the cluster services
      // to say: connected to the fresh k3s, they find no sandbox installed yet.
      expect(state.components.gateway.reason?.code).not.toMatch(/^needs-vm/);
      await vi.waitFor(
        () =>
          expect(services.state.snapshot.components.gateway).toMatchObject({
            state: 'not-installed',
            reason: { code: 'sandbox-not-installed' },
          }),
        { timeout: 10_000 },
      );
      const apiPort = state.vm.instance?.apiPort;
      expect(apiPort).toBeGreaterThan(1023);

      // The dedicated kubeconfig: 0600, our names, the forwarded port.
      const kubeconfig = parse(await readFile(world.paths.kubeconfig, 'utf8')) as {
        clusters: { name: string; cluster: { server: string } }[];
        'current-context': string;
      };
      expect((await stat(world.paths.kubeconfig)).mode & 0o777).toBe(0o600);
      expect(kubeconfig.clusters).toEqual([
        {
          name: 'clawbar',
          cluster: expect.objectContaining({ server: `https://127.0.0.1:${apiPort}` }) as unknown,
        },
      ]);
      expect(kubeconfig['current-context']).toBe('clawbar');
      // ~/.openclaw exists for the mount, owner-only; the template went to the state dir.
      expect((await stat(join(world.userHome, '.openclaw'))).mode & 0o777).toBe(0o700);
      expect(await readFile(join(world.paths.stateDir, 'clawbar.lima.yaml'), 'utf8')).toContain(
        `hostPort: ${apiPort}`,
      );
      // The key of the kubeconfig never reaches the log.
      const key =
        /client-key-data: (\S+)/.exec(await readFile(world.paths.kubeconfig, 'utf8'))?.[1] ?? 'missing';
      expect(world.sink.text).not.toContain(key);

      const stopped = await services.vm.perform('stop');
      expect(stopped.status).toBe('succeeded');
      expect(services.state.snapshot.components.vm.state).toBe('stopped');
      expect(services.state.snapshot.components.k3s).toMatchObject({
        state: 'stopped',
        reason: { code: 'needs-vm-running' },
      });

      const restarted = await services.vm.perform('restart');
      expect(restarted.status).toBe('succeeded');
      expect(stagesOf(progress(), restarted.id)[0]).toBe('stopping');
      expect(services.state.snapshot.components.k3s.state).toBe('running');

      const deleted = await services.vm.perform('delete');
      expect(deleted.status).toBe('succeeded');
      expect(services.state.snapshot.components.vm.state).toBe('not-created');
      expect(services.state.snapshot.vm.instance).toBeNull();
      await expect(stat(world.paths.kubeconfig)).rejects.toThrow();
    },
  );

  it(
    'stops a stage that hangs at its deadline, names it, quotes the logs and leaves the VM stopped',
    { timeout: 120_000 },
    async () => {
      const { services } = await harness({
        faults: { hangAt: 'waiting-ssh' },
        deadlines: { 'waiting-ssh': 1500 },
      });
      let vmStateWhenPublished: string | undefined;
      services.vm.onDidChangeOperation(published => {
        if (published.status !== 'running')
          vmStateWhenPublished = services.state.snapshot.components.vm.state;
      });
      const operation = await services.vm.perform('start');
      expect(operation).toMatchObject({
        status: 'failed',
        step: 'waiting-ssh',
        error: { code: 'vm-stage-timeout', message: 'Waiting for SSH took longer than 2 s and was stopped.' },
      });
      expect(operation.logTail).toContain('--- ha.stderr.log ---');
      expect(operation.logTail).toContain('Waiting for the essential requirement 1 of 3: "ssh"');
      expect(services.state.snapshot.vm.instance?.status).toBe('Stopped');
      // By the time the failure is published, the state already shows the VM as it was left.
      expect(vmStateWhenPublished).toBe('stopped');
      expect(services.state.snapshot.vm.operation).toMatchObject({ id: operation.id, status: 'failed' });
    },
  );

  it(
    'fails with Lima’s own message when a stage fails, with the k3s journal',
    { timeout: 120_000 },
    async () => {
      const { services } = await harness({
        faults: {
          failAt: { stage: 'provisioning-k3s', message: 'curl: (6) Could not resolve host: github.com' },
        },
      });
      const operation = await services.vm.perform('start');
      expect(operation.status).toBe('failed');
      expect(operation.error?.code).toBe('vm-stage-failed');
      expect(operation.error?.message).toMatch(
        /^Forwarding ports failed: degraded, status=.*Could not resolve host: github\.com/s,
      );
      expect(operation.logTail).toContain('--- k3s (journalctl -u k3s) ---');
      expect(operation.logTail).toContain('curl: (6) Could not resolve host: github.com');
      expect(services.state.snapshot.vm.instance?.status).toBe('Stopped');
    },
  );

  it('recovers a Broken VM with a forced stop, then starts it', { timeout: 180_000 }, async () => {
    const { services, world, progress } = await harness({ faults: { broken: true } });
    await services.vm.perform('start');
    await world.faults({});
    await services.vm.probe();
    expect((await world.driver.instance())?.status).toBe('Broken');
    const update = await services.vm.probe();
    expect(update.vm).toMatchObject({ state: 'error', reason: { code: 'vm-broken' } });

    const recovered = await services.vm.perform('start');
    expect(recovered.status).toBe('succeeded');
    expect(stagesOf(progress(), recovered.id)).toEqual([
      'checking',
      'recovering',
      'booting',
      'waiting-ssh',
      'provisioning-k3s',
      'forwarding-ports',
      'waiting-k3s',
      'ready',
    ]);
    expect((await world.driver.instance())?.status).toBe('Running');
  });

  it(
    'refuses to create a VM that already exists, and a second operation while one runs',
    { timeout: 120_000 },
    async () => {
      const { services } = await harness({ faults: { paceMs: 100 } });
      const first = services.vm.begin('create');
      expect(() => services.vm.begin('start')).toThrow(expect.objectContaining({ code: 'vm-busy' }) as Error);
      expect((await first.done).status).toBe('succeeded');
      const again = await services.vm.perform('create');
      expect(again).toMatchObject({ status: 'failed', error: { code: 'vm-already-exists' } });
    },
  );

  it('cancels a start, leaving the VM stopped', { timeout: 120_000 }, async () => {
    const { services } = await harness({ faults: { paceMs: 300 } });
    const { operationId, done } = services.vm.begin('start');
    const subscription = services.vm.onDidChangeOperation(operation => {
      if (operation.step === 'waiting-ssh') services.vm.cancel(operationId);
    });
    const operation = await done;
    subscription.dispose();
    expect(operation).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
    expect(services.state.snapshot.vm.instance?.status).toBe('Stopped');
    expect(() => services.vm.cancel(operationId)).toThrow(
      expect.objectContaining({ code: 'vm-operation-not-found' }) as Error,
    );
  });

  it(
    'moves the API forward to a free port when its port was taken while the VM was stopped',
    { timeout: 240_000 },
    async () => {
      const { services } = await harness();
      await services.vm.perform('create');
      await services.vm.probe();
      const before = services.state.snapshot.vm.instance?.apiPort ?? 0;
      await occupy(before);
      const started = await services.vm.perform('start');
      expect(started.status).toBe('succeeded');
      const after = services.state.snapshot.vm.instance?.apiPort;
      expect(after).not.toBe(before);
      expect(services.state.snapshot.components.k3s.state).toBe('running');
    },
  );

  it('fails with vm-port-in-use when Lima cannot forward the API port', { timeout: 120_000 }, async () => {
    const { services } = await harness({
      faults: {
        failAt: {
          stage: 'forwarding-ports',
          message: 'listen tcp 127.0.0.1:1: bind: address already in use',
        },
      },
    });
    const operation = await services.vm.perform('start');
    expect(operation.error?.code).toBe('vm-port-in-use');
    expect(operation.error?.message).toMatch(/could not be forwarded to 127\.0\.0\.1:\d+: listen tcp/);
  });

  it(
    'reports a crash-looping k3s with its log lines, and leaves the VM up to look at',
    { timeout: 120_000 },
    async () => {
      const { services } = await harness({ faults: { k3s: 'crash-loop', paceMs: 30 } });
      const operation = await services.vm.perform('start');
      expect(operation).toMatchObject({
        status: 'failed',
        step: 'waiting-k3s',
        error: { code: 'k3s-crash-looping' },
      });
      expect(operation.logTail).toContain('Scheduled restart job, restart counter is at');
      expect(services.state.snapshot.vm.instance?.status).toBe('Running');
      expect(services.state.snapshot.components.k3s).toMatchObject({
        state: 'degraded',
        reason: { code: 'k3s-connection-refused' },
      });
    },
  );

  it('validates VM sizes against the Mac and applies a resize on restart', { timeout: 240_000 }, async () => {
    const { services } = await harness();
    await expect(services.settings.update({ vm: { cpus: 12 } })).rejects.toMatchObject({
      code: 'settings-invalid',
      issues: [{ path: 'vm.cpus', message: 'This Mac has 8 CPUs; the VM can use at most 8.' }],
    });
    await expect(services.settings.update({ vm: { memoryGiB: 14 } })).rejects.toMatchObject({
      issues: [{ path: 'vm.memoryGiB' }],
    });
    expect((await services.vm.perform('start')).status).toBe('succeeded');
    await expect(services.settings.update({ vm: { diskGiB: 40 } })).rejects.toMatchObject({
      issues: [{ path: 'vm.diskGiB', message: 'The disk can only grow: the VM disk is already 60 GiB.' }],
    });

    await services.settings.update({ vm: { cpus: 6, diskGiB: 80 } });
    expect(services.state.snapshot.vm.resize).toEqual({
      restartRequired: true,
      pending: { cpus: 6, diskGiB: 80 },
      minDiskGiB: 60,
    });
    expect((await services.vm.perform('restart')).status).toBe('succeeded');
    expect(services.state.snapshot.vm.instance).toMatchObject({ cpus: 6, diskGiB: 80 });
    expect(services.state.snapshot.vm.resize).toEqual({
      restartRequired: false,
      pending: {},
      minDiskGiB: 80,
    });
  });

  it(
    'merges into ~/.kube/config only on opt-in, and removes exactly its entries on delete',
    { timeout: 240_000 },
    async () => {
      const { services, world } = await harness();
      const userConfig = join(world.userHome, '.kube', 'config');
      await mkdir(join(world.userHome, '.kube'), { recursive: true });
      const original =
        'apiVersion: v1\nkind: Config\ncurrent-context: work\nclusters:\n- name: work\n  cluster:\n    server: https://10.0.0.1:6443\n';
      await writeFile(userConfig, original, { mode: 0o600 });
      expect((await services.vm.perform('start')).status).toBe('succeeded');
      expect(await readFile(userConfig, 'utf8')).toBe(original);

      await services.settings.update({ kubeconfig: { mergeIntoUserConfig: true } });
      await expect
        .poll(async () => readFile(userConfig, 'utf8'), { timeout: 10_000 })
        .toContain('name: clawbar');
      const merged = parse(await readFile(userConfig, 'utf8')) as {
        'current-context': string;
        clusters: { name: string }[];
      };
      expect(merged['current-context']).toBe('work');
      expect(merged.clusters.map(cluster => cluster.name)).toEqual(['work', 'clawbar']);

      expect((await services.vm.perform('delete')).status).toBe('succeeded');
      expect(parse(await readFile(userConfig, 'utf8'))).toEqual(parse(original));
    },
  );

  it(
    'answers the contract: operations start in the background, preflight reports, bad input is refused',
    { timeout: 120_000 },
    async () => {
      const { services, events } = await harness();
      const client = localClient('caller');
      const context = { client };
      const preflight = await dispatch(services.handlers, 'vm:preflight', undefined, context, services.log);
      expect(preflight).toMatchObject({ ok: true, value: { ok: true } });
      expect(await dispatch(services.handlers, 'vm:delete', {}, context, services.log)).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      });
      expect(
        await dispatch(services.handlers, 'vm:cancel', { operationId: 'nope' }, context, services.log),
      ).toMatchObject({
        ok: false,
        error: { code: 'vm-operation-not-found' },
      });
      const created = await dispatch(services.handlers, 'vm:create', undefined, context, services.log);
      expect(created).toMatchObject({ ok: true, value: { operationId: expect.any(String) as string } });
      const busy = await dispatch(services.handlers, 'vm:start', undefined, context, services.log);
      expect(busy).toMatchObject({ ok: false, error: { code: 'vm-busy' } });
      await expect
        .poll(
          () =>
            events.some(
              entry => entry.event === 'vm:progress' && (entry.payload as VmOperation).status === 'succeeded',
            ),
          { timeout: 60_000 },
        )
        .toBe(true);
      expect(events.some(entry => entry.event === 'state:changed')).toBe(true);
    },
  );
});
