import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { ClawbarError, isClawbarError, type IpcError } from '../../../common/errors';
import type { Settings } from '../../../common/settings';
import type { ComponentId, ComponentStatus, Reason } from '../../../common/state';
import {
  type PreflightReport,
  type VmInstance,
  type VmOperation,
  type VmOperationKind,
  type VmStage,
  type VmView,
} from '../../../common/vm-model';
import type { AppStateStore } from '../app-state';
import type { ClientHub } from '../ipc/clients';
import { writeFileAtomic } from '../platform/atomic-write';
import { Emitter, type Disposable } from '../platform/event';
import { ExecError } from '../platform/exec';
import type { Logger } from '../platform/log';
import type { AppPaths } from '../platform/paths';
import type { SettingsStore } from '../platform/settings-store';
import { choosePort } from '../platform/free-port';
import type { HostFacts } from './host-facts';
import {
  apiAddress,
  K3sNotReadyError,
  loadKubeconfig,
  outcomeReason,
  probeK3s,
  waitForK3s,
  type ProbeOutcome,
} from './k3s-readiness';
import {
  prepareKubeconfig,
  readKubeconfig,
  removeKubeconfig,
  serverPortOf,
  writeKubeconfig,
} from './kubeconfig';
import { mergeIntoUserKubeconfig, removeFromUserKubeconfig, userKubeconfigPath } from './kubeconfig-merge';
import { limactlErrorMessage, type LimaDriver, type OutputObserver } from './lima-driver';
import type { LimactlInfo } from './limactl-locator';
import {
  apiPortOf,
  isReadyLine,
  stageHintFromEvent,
  stageHintFromLog,
  toVmInstance,
  type LimaInstanceRecord,
} from './limactl-output';
import { runPreflight } from './preflight';
import {
  defaultStageDeadlines,
  OperationRun,
  StageTimeout,
  UserCancelled,
  type StageDeadlines,
} from './vm-operation';
import type { ComponentUpdate } from './vm-presence';
import { computeResize, vmSizeIssues } from './vm-resources';
import { k3sNodeName, renderVmTemplate } from './vm-template';

export interface VmServiceOptions {
  paths: AppPaths;
  /** The user's home: ~/.openclaw is mounted into the VM, ~/.kube/config is merged on opt-in. */
  userHome: string;
  env: NodeJS.ProcessEnv;
  driver: LimaDriver;
  host: HostFacts;
  settings: SettingsStore;
  state: AppStateStore;
  hub: ClientHub;
  log: Logger;
  deadlines?: Partial<StageDeadlines>;
  readiness?: { pollMs?: number; requestTimeoutMs?: number; crashLoopRestarts?: number };
  now?: () => Date;
}

interface Outcome {
  status: Exclude<VmOperation['status'], 'running'>;
  error?: IpcError;
  logTail?: string;
}

const startStages: VmStage[] = ['booting', 'waiting-ssh', 'provisioning-k3s', 'forwarding-ports'];

/**
 * The VM: everything between the Mac and a ready k3s API. Runs one operation at a time (create,
 * start, stop, restart, delete) in the background with named stages, per-stage deadlines,
 * progress events and cancellation; keeps AppState's VM view and the vm/k3s components true;
 * owns the dedicated kubeconfig (and the opt-in merge into ~/.kube/config); validates VM sizes
 * against the Mac.
 */
export class VmService implements Disposable {
  private readonly deadlines: StageDeadlines;
  private readonly now: () => Date;
  private run: { run: OperationRun; done: Promise<VmOperation> } | undefined;
  private instance: VmInstance | null = null;
  private k3sReady = false;
  /** The settings last seen, to act on what a change changed. */
  private lastLimactlPath: string | null = null;
  private lastMerge = false;
  private readonly disposables: Disposable[] = [];
  private readonly operationChanged = new Emitter<VmOperation>();
  private readonly k3sChanged = new Emitter<{ ready: boolean; kubeconfig: string }>();
  /** Every update of the running operation (also broadcast as `vm:progress`). */
  readonly onDidChangeOperation = this.operationChanged.event;
  /** k3s became ready or stopped being ready; the cluster services use `kubeconfig`. */
  readonly onDidChangeK3s = this.k3sChanged.event;

  constructor(private readonly options: VmServiceOptions) {
    this.deadlines = { ...defaultStageDeadlines, ...options.deadlines };
    this.now = options.now ?? (() => new Date());
    this.disposables.push(
      options.settings.addValidator(async (next, current) => this.validateSettings(next, current)),
      options.settings.onDidChange(view => void this.onSettingsChanged(view.settings)),
    );
  }

  /** Call once the settings are loaded: later changes are compared with these. */
  start(settings: Settings): void {
    this.lastLimactlPath = settings.vm.limactlPath;
    this.lastMerge = settings.kubeconfig.mergeIntoUserConfig;
  }

  get driver(): LimaDriver {
    return this.options.driver;
  }

  get kubeconfigPath(): string {
    return this.options.paths.kubeconfig;
  }

  get busy(): boolean {
    return this.run !== undefined;
  }

  /** Starts an operation in the background; its progress arrives as events. */
  begin(kind: VmOperationKind): { operationId: string; done: Promise<VmOperation> } {
    if (this.run) {
      throw new ClawbarError(
        'vm-busy',
        `The VM is busy (${this.run.run.operation.kind}, ${this.run.run.operation.step}); wait for it or cancel it.`,
      );
    }
    const plans: Record<VmOperationKind, VmStage[]> = {
      create: ['checking', 'creating', 'downloading-image'],
      start: ['checking', ...startStages, 'waiting-k3s'],
      stop: ['stopping'],
      restart: ['stopping', 'checking', ...startStages, 'waiting-k3s'],
      delete: ['deleting'],
    };
    const run = new OperationRun(
      kind,
      plans[kind],
      this.deadlines,
      operation => this.publish(operation),
      this.now,
    );
    this.options.log.info(`VM ${kind} started`, { operationId: run.operation.id });
    const done = this.execute(run);
    this.run = { run, done };
    return { operationId: run.operation.id, done };
  }

  /** Runs an operation to its end (the CLI): resolves with how it ended, never rejects. */
  perform(kind: VmOperationKind, signal?: AbortSignal): Promise<VmOperation> {
    const { operationId, done } = this.begin(kind);
    const onAbort = (): void => {
      this.cancel(operationId);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    return done.finally(() => signal?.removeEventListener('abort', onAbort));
  }

  cancel(operationId: string): boolean {
    if (this.run?.run.operation.id !== operationId) {
      throw new ClawbarError('vm-operation-not-found', `No running VM operation has the id ${operationId}.`);
    }
    this.run.run.cancel();
    return true;
  }

  async preflight(signal?: AbortSignal): Promise<PreflightReport> {
    const limactl = await this.driver.locate().catch((error: unknown) => asError(error));
    const record =
      limactl instanceof Error ? undefined : await this.driver.instance(signal).catch(() => undefined);
    return runPreflight({
      host: this.options.host,
      settings: this.options.settings.current,
      limactl,
      instance: record,
      dataDir: this.options.paths.home,
    });
  }

  /** The Lima YAML the current settings produce (the existing VM's API port, else a free one). */
  async template(): Promise<string> {
    const record = await this.driver.instance().catch(() => undefined);
    const apiPort = (record ? apiPortOf(record) : undefined) ?? (await choosePort());
    return this.renderTemplate(apiPort);
  }

  /** For the status poller: the instance, limactl and k3s as they are now (nothing while an operation runs). */
  async probe(): Promise<ComponentUpdate> {
    if (this.run) return {};
    const update = await this.look();
    // An operation may have begun while limactl answered: it owns the state now.
    return this.busy ? {} : update;
  }

  private async look(): Promise<ComponentUpdate> {
    let limactl: LimactlInfo;
    try {
      limactl = await this.driver.locate();
    } catch (error) {
      this.setView({ limactl: null, instance: null });
      const message = asError(error).message;
      const present = existsSync(join(this.driver.instanceDir, 'lima.yaml'));
      return present
        ? { vm: { state: 'error', reason: { code: 'limactl-missing', message } }, k3s: { state: 'unknown' } }
        : {
            vm: { state: 'not-installed', reason: { code: 'limactl-missing', message } },
            ...needsVm('needs-vm', 'not-created'),
          };
    }
    let record: LimaInstanceRecord | undefined;
    try {
      record = await this.driver.instance();
    } catch (error) {
      const message = asError(error).message;
      return {
        vm: {
          state: 'error',
          reason: { code: 'probe-failed', message, params: { message: message.slice(0, 200) } },
        },
      };
    }
    this.instance = record ? toVmInstance(record) : null;
    this.setView({
      limactl: { path: limactl.path, version: limactl.version, source: limactl.source },
      instance: this.instance,
    });
    if (!record) {
      this.setK3sReady(false);
      return {
        vm: {
          state: 'not-created',
          reason: { code: 'vm-not-created', message: `No Lima instance ${this.driver.name} yet.` },
        },
        ...needsVm('needs-vm', 'not-created'),
      };
    }
    switch (this.instance?.status) {
      case 'Running':
        return {
          vm: {
            state: 'running',
            reason: {
              code: 'vm-running',
              message: `Running (${record.cpus ?? '?'} CPUs, ${this.instance.memoryGiB ?? '?'} GiB)`,
              params: { cpus: String(record.cpus ?? '?'), memory: String(this.instance.memoryGiB ?? '?') },
            },
          },
          k3s: await this.quickK3sStatus(record),
          ...this.releaseInVmComponents(),
        };
      case 'Stopped':
        this.setK3sReady(false);
        return {
          vm: { state: 'stopped', reason: { code: 'vm-stopped', message: 'Stopped' } },
          ...needsVm('needs-vm-running', 'stopped'),
          k3s: { state: 'stopped', reason: { code: 'needs-vm-running', message: 'The VM is not running.' } },
        };
      case 'Broken':
        this.setK3sReady(false);
        return {
          vm: {
            state: 'error',
            reason: { code: 'vm-broken', message: (record.errors ?? []).join('; ') || 'Broken' },
          },
          k3s: { state: 'unknown', reason: { code: 'needs-vm-running', message: 'The VM is broken.' } },
        };
      default:
        return { vm: { state: 'unknown' } };
    }
  }

  /** Quit: cancels a running operation and waits (briefly) for it to clean up. The VM keeps running. */
  async shutdown(deadlineMs = 10_000): Promise<void> {
    const current = this.run;
    if (!current) return;
    current.run.cancel();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([current.done, new Promise(resolve => (timer = setTimeout(resolve, deadlineMs)))]);
    clearTimeout(timer);
  }

  dispose(): void {
    this.run?.run.cancel();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.operationChanged.dispose();
    this.k3sChanged.dispose();
  }

  private async execute(run: OperationRun): Promise<VmOperation> {
    const kind = run.operation.kind;
    let outcome: Outcome;
    try {
      this.setComponentsFor(kind);
      switch (kind) {
        case 'create':
          await this.doCreate(run);
          break;
        case 'start':
          await this.doStart(run);
          break;
        case 'stop':
          await this.doStop(run);
          break;
        case 'restart':
          await this.doStop(run);
          run.advance('checking');
          await this.doStart(run);
          break;
        case 'delete':
          await this.doDelete(run);
          break;
      }
      outcome = { status: 'succeeded' };
    } catch (caught) {
      outcome = await this.failure(run, caught);
    }
    // The components and the instance are brought up to date before the outcome is published,
    // so nobody sees "failed" next to a VM that still says "starting". Still busy meanwhile.
    await this.refreshAfterOperation();
    const final = run.finish(outcome.status, outcome.error, outcome.logTail);
    run.dispose();
    this.run = undefined;
    if (final.status === 'succeeded')
      this.options.log.info(`VM ${kind} succeeded`, { operationId: final.id });
    else this.options.log.warn(`VM ${kind} ${final.status} at ${final.step}`, { ...final.error });
    return final;
  }

  /** How a failed or cancelled operation ends: its error, the logs, and a VM left in a known state. */
  private async failure(run: OperationRun, caught: unknown): Promise<Outcome> {
    const reason: unknown = run.signal.aborted ? run.signal.reason : undefined;
    const cancelled = reason instanceof UserCancelled;
    const error = this.operationError(run, caught, reason);
    let logTail = caught instanceof K3sNotReadyError ? caught.logTail : undefined;
    if (!cancelled && !logTail && run.limactlStarted) {
      logTail = await this.driver
        .failureContext({
          withK3sJournal: ['provisioning-k3s', 'forwarding-ports', 'waiting-k3s'].includes(run.stage),
        })
        .catch(() => undefined);
    }
    // A half-booted VM is of no use and holds resources: leave it stopped. A VM whose k3s is
    // unwell stays up, so its state can be looked at.
    if (run.limactlStarted && run.stage !== 'waiting-k3s') {
      await this.driver
        .stop(true, { timeoutMs: 60_000 })
        .catch((stopError: unknown) =>
          this.options.log.warn('Forced stop after a failed start failed too', { error: String(stopError) }),
        );
    }
    return { status: cancelled ? 'cancelled' : 'failed', error, ...(logTail ? { logTail } : {}) };
  }

  private operationError(run: OperationRun, caught: unknown, reason: unknown): IpcError {
    const label = stageLabels[run.stage];
    if (reason instanceof UserCancelled)
      return { code: 'cancelled', message: `Cancelled while ${label.toLowerCase()}.` };
    if (reason instanceof StageTimeout) {
      return {
        code: 'vm-stage-timeout',
        message: `${stageLabels[reason.stage]} took longer than ${formatDuration(reason.deadlineMs)} and was stopped.`,
      };
    }
    if (isClawbarError(caught) && !(caught instanceof ExecError)) return caught.toIpcError();
    if (caught instanceof ExecError) {
      const said = limactlErrorMessage(caught.stderrTail) ?? caught.message;
      return { code: 'vm-stage-failed', message: `${label} failed: ${said}` };
    }
    return { code: 'vm-stage-failed', message: `${label} failed: ${asError(caught).message}` };
  }

  private async doCreate(run: OperationRun): Promise<void> {
    const { record } = await this.check(run);
    if (record)
      throw new ClawbarError(
        'vm-already-exists',
        `The VM ${this.driver.name} already exists (${record.status}).`,
      );
    await this.createInstance(run);
  }

  private async doStart(run: OperationRun): Promise<void> {
    let { record } = await this.check(run);
    const prefix: VmStage[] = run.operation.kind === 'restart' ? ['stopping', 'checking'] : ['checking'];
    const after = (stages: VmStage[]): VmStage[] => [...prefix, ...stages];
    if (!record) {
      run.replan(after(['creating', 'downloading-image', ...startStages, 'waiting-k3s']));
      await this.createInstance(run);
      record = await this.requireInstance(run);
    }
    if (record.status === 'Broken') {
      run.replan(after(['recovering', ...startStages, 'waiting-k3s']));
      run.advance('recovering');
      run.detail(`Recovering a broken VM: ${(record.errors ?? []).join('; ')}`);
      await this.driver.stop(true, {
        signal: run.signal,
        timeoutMs: this.deadlines.recovering,
        observer: this.observer(run),
      });
      await this.driver.cleanLeftovers(undefined);
      record = await this.requireInstance(run);
      if (record.status !== 'Stopped') {
        throw new ClawbarError(
          'vm-stage-failed',
          `The VM is still ${record.status} after a forced stop: ${(record.errors ?? []).join('; ')}`,
        );
      }
    }
    if (record.status === 'Running') {
      run.replan(after(['waiting-k3s']));
    } else {
      const notes = await this.driver.cleanLeftovers(record);
      if (notes.length > 0) run.detail(notes.join(' '));
      record = await this.applyResize(run, record);
      record = await this.ensureApiPortFree(run, record);
      run.advance('booting');
      run.limactlStarted = true;
      await this.driver.start({
        signal: run.signal,
        timeoutMs: startStages.reduce((sum, stage) => sum + this.deadlines[stage], 0),
        observer: this.observer(run, apiPortOf(record)),
      });
      if (run.apiForwardFailure) {
        throw new ClawbarError(
          'vm-port-in-use',
          `The Kubernetes API could not be forwarded to 127.0.0.1:${apiPortOf(record) ?? '?'}: ${run.apiForwardFailure}. Quit the program that uses this port and start the VM again; Clawbar then picks a free port.`,
        );
      }
      record = await this.requireInstance(run);
    }
    run.advance('waiting-k3s');
    await this.becomeReady(run, record);
  }

  private async doStop(run: OperationRun): Promise<void> {
    run.advance('stopping');
    const record = await this.driver.instance(run.signal);
    if (!record) {
      if (run.operation.kind === 'stop') throw new ClawbarError('vm-not-created', 'There is no VM to stop.');
      return;
    }
    this.setK3sReady(false);
    if (record.status === 'Stopped') {
      run.detail('The VM is already stopped.');
      return;
    }
    const options = { signal: run.signal, timeoutMs: this.deadlines.stopping, observer: this.observer(run) };
    if (record.status === 'Running') {
      try {
        await this.driver.stop(false, options);
        return;
      } catch (error) {
        if (run.signal.aborted) throw error;
        this.options.log.warn('Graceful stop failed; stopping forcibly', { error: String(error) });
      }
    }
    await this.driver.stop(true, { ...options, timeoutMs: 60_000 });
  }

  private async doDelete(run: OperationRun): Promise<void> {
    run.advance('deleting');
    this.setK3sReady(false);
    const record = await this.driver.instance(run.signal);
    if (record)
      await this.driver.delete({
        signal: run.signal,
        timeoutMs: this.deadlines.deleting,
        observer: this.observer(run),
      });
    await removeKubeconfig(this.kubeconfigPath);
    await this.unmergeUserKubeconfig();
  }

  /** Limactl, preflight and the instance as it is; a failing check stops the operation here. */
  private async check(
    run: OperationRun,
  ): Promise<{ limactl: LimactlInfo; record: LimaInstanceRecord | undefined }> {
    run.advance('checking');
    const limactl = await this.driver.locate();
    run.detail(`limactl ${limactl.version} (${limactl.source}): ${limactl.path}`);
    const record = await this.driver.instance(run.signal);
    const report = await runPreflight({
      host: this.options.host,
      settings: this.options.settings.current,
      limactl,
      instance: record,
      dataDir: this.options.paths.home,
    });
    const failed = report.checks.filter(check => check.status === 'fail');
    if (failed.length > 0) {
      throw new ClawbarError(
        'vm-preflight-failed',
        `This Mac cannot run the VM as configured: ${failed.map(check => `${check.id}: ${check.message}`).join('; ')}.`,
      );
    }
    return { limactl, record };
  }

  private async createInstance(run: OperationRun): Promise<void> {
    run.advance('creating');
    const openclawDir = join(this.options.userHome, '.openclaw');
    // Lima mounts it; it must exist, and it holds OpenClaw's state and keys: owner only.
    await mkdir(openclawDir, { recursive: true, mode: 0o700 });
    const file = join(this.options.paths.stateDir, `${this.driver.name}.lima.yaml`);
    await writeFileAtomic(file, this.renderTemplate(await choosePort()), 0o600);
    run.detail(`Creating the VM from ${file}`);
    await this.driver.create(file, {
      signal: run.signal,
      timeoutMs: this.deadlines.creating + this.deadlines['downloading-image'],
      observer: this.observer(run),
    });
  }

  private renderTemplate(apiPort: number): string {
    const { vm } = this.options.settings.current;
    return renderVmTemplate({
      instanceName: this.driver.name,
      cpus: vm.cpus,
      memoryGiB: vm.memoryGiB,
      diskGiB: vm.diskGiB,
      apiPort,
      openclawDir: join(this.options.userHome, '.openclaw'),
    });
  }

  /** CPU and memory changes apply now, on a stopped VM; the disk only ever grows. */
  private async applyResize(run: OperationRun, record: LimaInstanceRecord): Promise<LimaInstanceRecord> {
    const { pending } = computeResize(this.options.settings.current, toVmInstance(record));
    if (Object.keys(pending).length === 0) return record;
    run.detail(`Applying new resources: ${JSON.stringify(pending)}`);
    await this.driver.edit(pending, { signal: run.signal, timeoutMs: 60_000, observer: this.observer(run) });
    return this.requireInstance(run);
  }

  /** The API port was chosen free at creation; if something took it since, pick another. */
  private async ensureApiPortFree(
    run: OperationRun,
    record: LimaInstanceRecord,
  ): Promise<LimaInstanceRecord> {
    const port = apiPortOf(record);
    if (port === undefined || (await this.options.host.portFree(port))) return record;
    const next = await choosePort();
    run.detail(`Port ${port} is taken by another program; the Kubernetes API moves to ${next}.`);
    this.options.log.warn('API port taken; moving the forward', { from: port, to: next });
    await this.driver.edit(
      { hostPort: next },
      { signal: run.signal, timeoutMs: 60_000, observer: this.observer(run) },
    );
    return this.requireInstance(run);
  }

  private async becomeReady(run: OperationRun, record: LimaInstanceRecord): Promise<void> {
    const port = apiPortOf(record);
    if (port === undefined)
      throw new ClawbarError('vm-stage-failed', 'The VM has no Kubernetes API port forward.');
    await this.importKubeconfig(port, run.signal);
    const wait = async (): Promise<{ version: string | undefined }> => {
      const text = await readKubeconfig(this.kubeconfigPath);
      if (!text) throw new ClawbarError('vm-kubeconfig-missing', `${this.kubeconfigPath} is missing.`);
      return waitForK3s({
        kubeconfig: await loadKubeconfig(text),
        nodeName: k3sNodeName(this.driver.name),
        requestTimeoutMs: this.options.readiness?.requestTimeoutMs ?? 5000,
        deadlineMs: this.deadlines['waiting-k3s'],
        pollMs: this.options.readiness?.pollMs ?? 1000,
        crashLoopRestarts: this.options.readiness?.crashLoopRestarts ?? 3,
        signal: run.signal,
        inspectService: () => this.driver.k3sServiceState(run.signal),
        onProgress: outcome => run.detail(describeOutcome(outcome)),
      });
    };
    let result: { version: string | undefined };
    try {
      result = await wait();
    } catch (error) {
      // Credentials refused: copy fresh ones from the guest once, then try again.
      if (!(error instanceof K3sNotReadyError && error.code === 'k3s-unauthorized')) throw error;
      await this.importKubeconfig(port, run.signal);
      result = await wait();
    }
    run.detail(`k3s ${result.version ?? ''} is ready on 127.0.0.1:${port}.`);
    this.options.state.setComponent('k3s', {
      state: 'running',
      ...(result.version ? { version: result.version } : {}),
      reason: {
        code: 'k3s-ready',
        message: `Ready on 127.0.0.1:${port}`,
        params: { address: `127.0.0.1:${port}` },
      },
    });
    this.setK3sReady(true);
  }

  /** Copies the guest's kubeconfig into Clawbar's (0600), and into ~/.kube/config on opt-in. */
  private async importKubeconfig(port: number, signal?: AbortSignal): Promise<void> {
    let guest: string;
    try {
      guest = await this.driver.readGuestKubeconfig(signal);
    } catch (error) {
      throw new ClawbarError(
        'vm-kubeconfig-missing',
        `The k3s kubeconfig could not be read from the VM: ${asError(error).message}`,
      );
    }
    const kubeconfig = prepareKubeconfig(guest, port);
    await writeKubeconfig(this.kubeconfigPath, kubeconfig);
    if (this.options.settings.current.kubeconfig.mergeIntoUserConfig) {
      const path = userKubeconfigPath(this.options.env, this.options.userHome);
      try {
        const result = await mergeIntoUserKubeconfig(path, kubeconfig, this.now);
        if (result.changed)
          this.options.log.info('Merged the clawbar cluster into the user kubeconfig', { ...result });
      } catch (error) {
        // Opt-in convenience: a conflict is reported, it never blocks the VM.
        this.options.log.warn('Could not merge into the user kubeconfig', { error: asError(error).message });
      }
    }
  }

  private async unmergeUserKubeconfig(): Promise<void> {
    const path = userKubeconfigPath(this.options.env, this.options.userHome);
    if (!existsSync(path)) return;
    try {
      const result = await removeFromUserKubeconfig(path, this.now);
      if (result.changed)
        this.options.log.info('Removed the clawbar entries from the user kubeconfig', { ...result });
    } catch (error) {
      this.options.log.warn('Could not clean the user kubeconfig', { error: asError(error).message });
    }
  }

  private async requireInstance(run: OperationRun): Promise<LimaInstanceRecord> {
    const record = await this.driver.instance(run.signal);
    if (!record) throw new ClawbarError('vm-not-created', `The VM ${this.driver.name} does not exist.`);
    // The card shows the instance as it takes shape, not as it was before the operation.
    this.instance = toVmInstance(record);
    this.setView({ limactl: this.options.state.snapshot.vm.limactl, instance: this.instance });
    return record;
  }

  private observer(run: OperationRun, apiPort?: number): OutputObserver {
    return {
      onLog: record => {
        const message = record.msg.replace(/^\[hostagent\]\s*/, '');
        const hint = stageHintFromLog(record.msg);
        if (hint) run.advance(hint.stage, hint.percent);
        if (isReadyLine(record.msg)) run.advance('forwarding-ports', 100);
        run.detail(message);
      },
      onEvent: event => {
        const hint = stageHintFromEvent(event);
        if (hint) run.advance(hint.stage, hint.percent);
        const forward = event.status.portForward;
        if (
          forward?.type === 'failed' &&
          apiPort !== undefined &&
          forward.hostAddr === `127.0.0.1:${apiPort}`
        ) {
          run.apiForwardFailure = forward.error ?? 'forwarding failed';
        }
        const line = event.status.cloudInitProgress?.logLine;
        if (line) run.detail(line);
      },
    };
  }

  private async quickK3sStatus(record: LimaInstanceRecord): Promise<Omit<ComponentStatus, 'since'>> {
    const port = apiPortOf(record);
    let text = await readKubeconfig(this.kubeconfigPath);
    if (
      port !== undefined &&
      (!text || serverPortOf(text) !== port) &&
      existsSync(this.driver.copiedKubeconfigPath)
    ) {
      // Started outside this process (the CLI, limactl): take Lima's copy.
      await this.importKubeconfig(port).catch(() => undefined);
      text = await readKubeconfig(this.kubeconfigPath);
    }
    if (!text) {
      this.setK3sReady(false);
      return {
        state: 'unknown',
        reason: { code: 'kubeconfig-missing', message: 'No kubeconfig copied from the VM yet.' },
      };
    }
    let outcome: ProbeOutcome;
    let address: string;
    try {
      const kubeconfig = await loadKubeconfig(text);
      address = apiAddress(kubeconfig);
      outcome = await probeK3s({
        kubeconfig,
        nodeName: k3sNodeName(this.driver.name),
        requestTimeoutMs: 2500,
      });
    } catch (error) {
      this.setK3sReady(false);
      const message = asError(error).message;
      return {
        state: 'error',
        reason: { code: 'probe-failed', message, params: { message: message.slice(0, 200) } },
      };
    }
    const reason: Reason = outcomeReason(outcome, address);
    this.setK3sReady(outcome.kind === 'ready');
    if (outcome.kind === 'ready')
      return { state: 'running', reason, ...(outcome.version ? { version: outcome.version } : {}) };
    const broken =
      outcome.kind === 'foreign' || outcome.kind === 'wrong-address' || outcome.kind === 'unauthorized';
    return { state: broken ? 'error' : 'degraded', reason };
  }

  /**
   * The gateway and the proxy said "needs the VM" while it was missing or stopped. Now that it
   * runs, that is no longer true; what they are is for the cluster services to find out.
   */
  private releaseInVmComponents(): ComponentUpdate {
    const update: ComponentUpdate = {};
    for (const id of ['gateway', 'proxy'] as const) {
      const code = this.options.state.snapshot.components[id].reason?.code;
      if (code === 'needs-vm' || code === 'needs-vm-running') update[id] = { state: 'unknown' };
    }
    return update;
  }

  private setK3sReady(ready: boolean): void {
    if (ready === this.k3sReady) return;
    this.k3sReady = ready;
    this.k3sChanged.fire({ ready, kubeconfig: this.kubeconfigPath });
  }

  private setComponentsFor(kind: VmOperationKind): void {
    const stopping = kind === 'stop' || kind === 'delete';
    const state = stopping ? 'stopping' : 'starting';
    const reason: Reason = stopping
      ? { code: 'vm-stopping', message: 'The VM is stopping.' }
      : { code: 'vm-starting', message: 'The VM is starting.' };
    this.options.state.setComponent('vm', { state, reason });
    if (kind !== 'create') {
      this.options.state.setComponent('k3s', {
        state,
        reason: stopping
          ? { code: 'needs-vm-running', message: 'The VM is stopping.' }
          : { code: 'k3s-waiting', message: 'Waiting for the Kubernetes API.' },
      });
    }
  }

  private async refreshAfterOperation(): Promise<void> {
    try {
      const update = await this.look();
      for (const [id, status] of Object.entries(update)) {
        this.options.state.setComponent(id as ComponentId, status);
      }
    } catch (error) {
      this.options.log.warn('Could not refresh the VM state', { error: String(error) });
    }
  }

  private publish(operation: VmOperation): void {
    this.options.state.update(current => ({ ...current, vm: { ...current.vm, operation } }));
    this.options.hub.broadcast('vm:progress', operation);
    this.operationChanged.fire(operation);
  }

  private setView(view: Pick<VmView, 'limactl' | 'instance'>): void {
    const resize = computeResize(this.options.settings.current, view.instance);
    this.options.state.update(current => ({ ...current, vm: { ...current.vm, ...view, resize } }));
  }

  private async validateSettings(
    next: Settings,
    current: Settings,
  ): Promise<NonNullable<IpcError['issues']>> {
    const disk = await this.options.host.disk(this.options.paths.home).catch(() => undefined);
    return vmSizeIssues(
      next,
      current,
      {
        cpuCount: this.options.host.cpuCount(),
        totalMemoryBytes: this.options.host.totalMemoryBytes(),
        ...(disk ? { diskTotalBytes: disk.totalBytes } : {}),
      },
      this.instance,
    );
  }

  private async onSettingsChanged(settings: Settings): Promise<void> {
    this.options.state.update(current => ({
      ...current,
      vm: { ...current.vm, resize: computeResize(settings, this.instance) },
    }));
    if (settings.vm.limactlPath !== this.lastLimactlPath) {
      this.lastLimactlPath = settings.vm.limactlPath;
      this.driver.invalidateLimactl();
    }
    if (settings.kubeconfig.mergeIntoUserConfig === this.lastMerge) return;
    this.lastMerge = settings.kubeconfig.mergeIntoUserConfig;
    if (settings.kubeconfig.mergeIntoUserConfig) {
      const port = this.instance?.apiPort;
      const text = await readKubeconfig(this.kubeconfigPath);
      if (!text || port === undefined) return;
      try {
        const kubeconfig = prepareKubeconfig(text, port);
        await mergeIntoUserKubeconfig(
          userKubeconfigPath(this.options.env, this.options.userHome),
          kubeconfig,
          this.now,
        );
      } catch (error) {
        this.options.log.warn('Could not merge into the user kubeconfig', { error: asError(error).message });
      }
    } else {
      await this.unmergeUserKubeconfig();
    }
  }
}

function needsVm(code: 'needs-vm' | 'needs-vm-running', state: 'not-created' | 'stopped'): ComponentUpdate {
  const status = {
    state,
    reason: {
      code,
      message: code === 'needs-vm' ? 'The VM has not been created yet.' : 'The VM is not running.',
    },
  } as const;
  return { k3s: status, gateway: status, proxy: status };
}

const stageLabels: Record<VmStage, string> = {
  checking: 'Checking this Mac',
  recovering: 'Recovering the VM',
  creating: 'Creating the VM',
  'downloading-image': 'Downloading the system image',
  booting: 'Booting',
  'waiting-ssh': 'Waiting for SSH',
  'provisioning-k3s': 'Installing k3s',
  'forwarding-ports': 'Forwarding ports',
  'waiting-k3s': 'Waiting for Kubernetes',
  ready: 'Ready',
  stopping: 'Stopping',
  deleting: 'Deleting',
};

function describeOutcome(outcome: ProbeOutcome): string {
  return outcome.kind === 'ready' ? 'k3s is ready' : `k3s: ${outcome.kind} (${outcome.detail})`;
}

function formatDuration(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
