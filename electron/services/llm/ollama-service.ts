import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';

import { ClawbarError, isClawbarError } from '../../../common/errors';
import type { Progress } from '../../../common/progress';
import type { Settings } from '../../../common/settings';
import type { ComponentStatus, LlmState, OllamaBinary } from '../../../common/state';
import type { AppStateStore } from '../app-state';
import { spawnLongRunning, type ChildExit, type SpawnLongRunning } from '../platform/child-process';
import { Emitter, type Disposable } from '../platform/event';
import type { ExecRunner } from '../platform/exec';
import type { Logger } from '../platform/log';
import type { SettingsStore } from '../platform/settings-store';
import { displayAddress, ollamaBaseUrl, ollamaBindHost } from './ollama-address';
import { OllamaClient, type AddressProbe, type FetchLike } from './ollama-client';
import { findOllamaBinary, readOllamaVersion, type MacLocations } from './ollama-detect';
import { installOllamaApp } from './ollama-installer';
import { writeOllamaInstallRecord } from '../support/ollama-install-record';
import { ServerSupervisor, type SupervisorStatus, type SupervisorTimings } from './server-supervisor';

/**
 * Ollama on this Mac: finds it, adopts a server that already answers (typically Ollama.app's,
 * which Clawbar never stops), otherwise runs `ollama serve` itself under a supervisor with the
 * server settings, installs Ollama.app when it is missing and the user agrees, and keeps
 * components.ollama and llm.ollama in AppState true.
 *
 * When the binary is Ollama.app's on macOS, Clawbar opens the app instead of spawning a second
 * server: the app reaps any other `ollama serve` once its own fails on a taken port
 * (runtime-facts §3.3), so two servers would fight.
 */
export interface OllamaServiceOptions {
  state: AppStateStore;
  settings: SettingsStore;
  exec: ExecRunner;
  log: Logger;
  /** Environment for the servers it spawns (the demo puts its stand-ins first on PATH). */
  env: NodeJS.ProcessEnv;
  locations: MacLocations;
  /** The installer downloads here. */
  cacheDir: string;
  /** Where Clawbar notes that it installed Ollama.app itself (the uninstall offers to remove only that). */
  installRecordFile?: string;
  platform?: NodeJS.Platform;
  /** Talk to this address instead of the configured one (the demo world, `--host`). */
  addressOverride?: string | undefined;
  /** False: never start, stop or install anything (an address given with `--host`). */
  supervise?: boolean;
  /** Overrides settings.ollama.autoStart at start() (the CLI never starts servers by itself). */
  autoStart?: boolean;
  monitorIntervalMs?: number;
  /** How long Ollama.app has to answer after it was opened. */
  appStartTimeoutMs?: number;
  supervisorTimings?: Partial<SupervisorTimings>;
  spawn?: SpawnLongRunning;
  fetch?: FetchLike;
}

type Install = LlmState['ollama']['install'];

export class OllamaService {
  private ownership: LlmState['ollama']['ownership'] = 'none';
  private binary: OllamaBinary | null = null;
  private probe: AddressProbe | undefined;
  private supervisor: ServerSupervisor | undefined;
  private supervisorEnv: NodeJS.ProcessEnv | undefined;
  private supervisorAddress: string | undefined;
  /** A crash loop or failed start stays visible until the user acts or a server appears. */
  private failure: { status: Omit<ComponentStatus, 'since'>; tail: string[] } | undefined;
  private starting: Promise<void> | undefined;
  private install: Install = { state: 'idle', progress: null, error: null };
  private installAbort: AbortController | undefined;
  private monitor: NodeJS.Timeout | undefined;
  private disposed = false;
  private readonly installProgress = new Emitter<Progress>();
  readonly onDidInstallProgress = this.installProgress.event;
  private readonly platform: NodeJS.Platform;
  private readonly spawn: SpawnLongRunning;
  private readonly settingsListener: Disposable;

  constructor(private readonly options: OllamaServiceOptions) {
    this.platform = options.platform ?? process.platform;
    this.spawn = options.spawn ?? spawnLongRunning;
    this.settingsListener = options.settings.onDidChange(() => this.publish());
  }

  get baseUrl(): URL {
    return ollamaBaseUrl(this.options.settings.current.ollama, this.options.addressOverride);
  }

  client(): OllamaClient {
    return new OllamaClient(this.baseUrl, this.options.fetch ? { fetch: this.options.fetch } : {});
  }

  /** First detection, then (if allowed) starting a server, then watching. */
  async start(): Promise<void> {
    await this.detect();
    const autoStart = this.options.autoStart ?? this.options.settings.current.ollama.autoStart;
    if (
      autoStart &&
      this.canSupervise &&
      this.ownership === 'none' &&
      this.probe?.kind === 'nothing' &&
      this.binary
    ) {
      void this.startServer().catch((error: unknown) =>
        this.options.log.warn('Automatic start of Ollama failed', { error: String(error) }),
      );
    }
    this.scheduleMonitor();
  }

  /** Looks again: is Ollama installed, does it answer, and whose is it? */
  async detect(): Promise<LlmState> {
    const found = await findOllamaBinary(this.options.exec, this.options.locations);
    if (found?.path !== this.binary?.path) {
      this.binary = found
        ? { ...found, version: await readOllamaVersion(this.options.exec, found.path, this.baseUrl.host) }
        : null;
    }
    if (this.ownership !== 'owned') {
      this.probe = await this.client().probe();
      if (this.probe.kind === 'ollama') {
        if (this.ownership === 'none')
          this.options.log.info('Adopted the Ollama server that was already running', {
            address: this.baseUrl.host,
          });
        this.ownership = 'adopted';
        this.failure = undefined;
      } else if (this.ownership === 'adopted') {
        this.options.log.info('The adopted Ollama server went away', { address: this.baseUrl.host });
        this.ownership = 'none';
      }
    }
    this.publish();
    return this.options.state.snapshot.llm;
  }

  /** Adopts a running server, or starts one; resolves once Ollama answers. */
  startServer(): Promise<void> {
    this.starting ??= this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    if (this.ownership === 'owned' && this.supervisor) {
      await this.supervisor.start();
      return;
    }
    const address = displayAddress(this.baseUrl);
    this.probe = await this.client().probe();
    if (this.probe.kind === 'ollama') {
      this.ownership = 'adopted';
      this.failure = undefined;
      this.publish();
      return;
    }
    if (this.probe.kind === 'other') {
      this.publish();
      throw portBusy(address, this.probe.detail);
    }
    if (!this.canSupervise) {
      throw new ClawbarError(
        'ollama-not-running',
        `Nothing answers on ${address}, and Clawbar does not start servers at an address it was given.`,
      );
    }
    await this.detect();
    const binary = this.binary;
    if (!binary) {
      throw new ClawbarError(
        'ollama-not-installed',
        'Ollama is not installed: no ollama on PATH, in Ollama.app, Homebrew or /usr/local/bin.',
      );
    }
    this.failure = undefined;
    if (this.platform === 'darwin' && (binary.source === 'app' || binary.source === 'user-app')) {
      await this.openApp(binary.path.replace(/\/Contents\/Resources\/ollama$/, ''));
      return;
    }
    await this.supervise(binary.path);
  }

  private async openApp(appPath: string): Promise<void> {
    const address = displayAddress(this.baseUrl);
    this.options.state.setComponent('ollama', {
      state: 'starting',
      reason: { code: 'ollama-starting', message: `Opening ${appPath}`, params: { address } },
    });
    await this.options.exec.run('open', ['-g', '-a', appPath], { timeoutMs: 30_000 });
    const deadline = Date.now() + (this.options.appStartTimeoutMs ?? 60_000);
    while (Date.now() < deadline && !this.disposed) {
      this.probe = await this.client().probe();
      if (this.probe.kind === 'ollama') {
        this.ownership = 'adopted';
        this.publish();
        return;
      }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
    this.publish();
    throw new ClawbarError(
      'ollama-start-failed',
      `Ollama.app was opened but nothing answered on ${address} within ${Math.round((this.options.appStartTimeoutMs ?? 60_000) / 1000)} s.`,
    );
  }

  private async supervise(binaryPath: string): Promise<void> {
    await this.supervisor?.stop();
    this.supervisor?.dispose();
    // Disposed while the old one stopped: starting a process now would outlive the services.
    if (this.disposed) throw new ClawbarError('cancelled', 'Clawbar is shutting down.');
    const settings = this.options.settings.current.ollama;
    const baseUrl = this.baseUrl;
    const env = { ...this.options.env, ...serveEnvironment(settings, baseUrl) };
    const address = displayAddress(baseUrl);
    const client = this.client();
    const supervisor = new ServerSupervisor({
      launch: onStderrLine => this.spawn(binaryPath, ['serve'], { env, onStderrLine }),
      isHealthy: async signal => {
        try {
          await client.version(2000, signal);
          return true;
        } catch {
          return false;
        }
      },
      classifyFailure: (exit, tail) => classifyServeFailure(exit, tail, binaryPath, address),
      crashLoopError: (count, tail) =>
        new ClawbarError(
          'ollama-crashed',
          `Ollama crashed ${count} times in a row, so Clawbar stopped restarting it.${tail.length > 0 ? ` Last output:\n${tail.slice(-5).join('\n')}` : ''}`,
        ),
      log: this.options.log.child('supervisor'),
      ...(this.options.supervisorTimings ? { timings: this.options.supervisorTimings } : {}),
    });
    this.supervisor = supervisor;
    this.supervisorEnv = serveEnvironment(settings, baseUrl);
    this.supervisorAddress = baseUrl.origin;
    this.ownership = 'owned';
    supervisor.onDidChange(status => this.onSupervisorChange(supervisor, status));
    this.publish();
    await supervisor.start();
    try {
      this.probe = { kind: 'ollama', version: await client.version() };
    } catch {
      // Health already passed; the version shows on the next detect.
    }
    this.publish();
  }

  private onSupervisorChange(supervisor: ServerSupervisor, status: SupervisorStatus): void {
    if (supervisor !== this.supervisor) return;
    if (status.phase === 'crashed' || status.phase === 'failed') {
      const failure =
        status.failure ?? new ClawbarError('ollama-start-failed', 'Ollama could not be started.');
      this.ownership = 'none';
      this.failure = {
        status: failureStatus(failure, status, displayAddress(this.baseUrl)),
        tail: status.stderrTail,
      };
    }
    if (status.phase === 'idle') this.ownership = 'none';
    this.publish();
  }

  /** Stops our own server; a server Clawbar did not start is never stopped. */
  async stopServer(): Promise<LlmState> {
    if (this.ownership === 'adopted') {
      throw new ClawbarError(
        'ollama-not-owned',
        `The Ollama server on ${displayAddress(this.baseUrl)} was started outside Clawbar (for example by Ollama.app); quit it there.`,
      );
    }
    this.failure = undefined;
    if (this.supervisor) {
      this.options.state.setComponent('ollama', { state: 'stopping' });
      await this.supervisor.stop();
    }
    this.ownership = 'none';
    return this.detect();
  }

  async restartServer(): Promise<LlmState> {
    if (this.ownership === 'adopted') {
      throw new ClawbarError(
        'ollama-not-owned',
        `The Ollama server on ${displayAddress(this.baseUrl)} was started outside Clawbar; restart it there.`,
      );
    }
    await this.stopServer();
    await this.startServer();
    return this.options.state.snapshot.llm;
  }

  /** Downloads and installs Ollama.app into ~/Applications, then starts it. */
  async installApp(): Promise<LlmState> {
    if (this.install.state === 'running')
      throw new ClawbarError('busy', 'Ollama is already being installed.');
    if (!this.canSupervise)
      throw new ClawbarError('invalid-input', 'Clawbar does not install Ollama for an address it was given.');
    await this.detect();
    if (this.binary)
      throw new ClawbarError('already-installed', `Ollama is already installed at ${this.binary.path}.`);
    const abort = new AbortController();
    this.installAbort = abort;
    const url = this.options.settings.current.ollama.installUrl;
    this.setInstall({ state: 'running', progress: { step: 'download', done: 0, detail: url }, error: null });
    try {
      const installed = await installOllamaApp(
        {
          exec: this.options.exec,
          ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
          platform: this.platform,
          applicationsDir: join(this.options.locations.userHome, 'Applications'),
          downloadDir: this.options.cacheDir,
          log: this.options.log.child('installer'),
        },
        {
          url,
          signal: abort.signal,
          onProgress: progress => {
            this.installProgress.fire(progress);
            this.setInstall({ state: 'running', progress, error: null });
          },
        },
      );
      if (this.options.installRecordFile) {
        await writeOllamaInstallRecord(this.options.installRecordFile, {
          appPath: installed.appPath,
          from: url,
        });
      }
      this.setInstall({
        state: 'running',
        progress: { step: 'start', done: 0, detail: 'Starting Ollama' },
        error: null,
      });
      await this.detect();
      await this.startServer();
      this.setInstall({ state: 'done', progress: null, error: null });
      return this.options.state.snapshot.llm;
    } catch (error) {
      const failure = isClawbarError(error)
        ? error
        : new ClawbarError('install-failed', `Installing Ollama failed: ${String(error)}`);
      this.setInstall({ state: 'failed', progress: null, error: failure.toIpcError() });
      throw failure;
    } finally {
      this.installAbort = undefined;
    }
  }

  cancelInstall(): { cancelled: boolean } {
    if (!this.installAbort) return { cancelled: false };
    this.installAbort.abort();
    return { cancelled: true };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.monitor);
    this.settingsListener.dispose();
    this.installAbort?.abort();
    // Only our own server; an adopted one keeps running.
    await this.supervisor?.stop();
    this.supervisor?.dispose();
    this.installProgress.dispose();
  }

  private get canSupervise(): boolean {
    return this.options.supervise ?? true;
  }

  private scheduleMonitor(): void {
    if (this.disposed) return;
    this.monitor = setTimeout(() => {
      const busy = this.starting ?? (this.install.state === 'running' ? Promise.resolve() : undefined);
      const round = busy ? Promise.resolve() : this.detect().then(() => undefined);
      void round
        .catch((error: unknown) => this.options.log.warn('Ollama check failed', { error: String(error) }))
        .finally(() => this.scheduleMonitor());
    }, this.options.monitorIntervalMs ?? 5000);
    this.monitor.unref();
  }

  private setInstall(install: Install): void {
    this.install = install;
    this.publish();
  }

  /** Writes components.ollama and llm.ollama from what is known now. */
  private publish(): void {
    if (this.disposed) return;
    const baseUrl = this.baseUrl;
    const address = displayAddress(baseUrl);
    const supervisorStatus = this.supervisor?.status;
    const owned = this.ownership === 'owned' && supervisorStatus;
    const settings = this.options.settings.current.ollama;
    const detail: LlmState['ollama'] = {
      address: baseUrl.origin,
      ownership: this.ownership,
      pid: owned ? supervisorStatus.pid : null,
      binary: this.binary,
      restarts: supervisorStatus?.restarts ?? 0,
      stderrTail:
        this.failure?.tail ??
        (owned && supervisorStatus.phase !== 'running' ? supervisorStatus.stderrTail : []),
      restartToApply:
        this.ownership === 'owned' &&
        (!isDeepStrictEqual(this.supervisorEnv, serveEnvironment(settings, baseUrl)) ||
          this.supervisorAddress !== baseUrl.origin),
      install: this.install,
    };
    const component = this.componentStatus(address, supervisorStatus);
    this.options.state.update(current =>
      isDeepStrictEqual(current.llm.ollama, detail)
        ? current
        : { ...current, llm: { ...current.llm, ollama: detail } },
    );
    this.options.state.setComponent('ollama', component);
  }

  private componentStatus(
    address: string,
    supervisor: SupervisorStatus | undefined,
  ): Omit<ComponentStatus, 'since'> {
    const version = this.probe?.kind === 'ollama' ? this.probe.version : (this.binary?.version ?? undefined);
    const withVersion = (status: Omit<ComponentStatus, 'since'>) =>
      version ? { ...status, version } : status;
    if (this.ownership === 'owned' && supervisor) {
      switch (supervisor.phase) {
        case 'running':
          return withVersion({
            state: 'running',
            reason: {
              code: 'ollama-owned',
              message: `Clawbar runs Ollama on ${address} (pid ${supervisor.pid ?? '?'})`,
              params: { address },
            },
          });
        case 'starting':
          return withVersion({
            state: 'starting',
            reason: {
              code: 'ollama-starting',
              message: `Starting Ollama on ${address}`,
              params: { address },
            },
          });
        case 'backoff': {
          const seconds = String(Math.max(1, Math.round((supervisor.nextAttemptInMs ?? 0) / 1000)));
          return withVersion({
            state: 'starting',
            reason: {
              code: 'ollama-restarting',
              message: `Ollama stopped unexpectedly; restart ${supervisor.restarts} in ${seconds} s`,
              params: { seconds, attempt: String(supervisor.restarts) },
            },
          });
        }
        case 'stopping':
          return withVersion({ state: 'stopping' });
        default:
          break;
      }
    }
    if (this.ownership === 'adopted') {
      return withVersion({
        state: 'running',
        reason: {
          code: 'ollama-answering',
          message: `Ollama answering on ${address}, started outside Clawbar`,
          params: { address },
        },
      });
    }
    if (this.failure) return withVersion(this.failure.status);
    if (this.probe?.kind === 'other') {
      return {
        state: 'error',
        reason: {
          code: 'ollama-port-busy',
          message: `Something that is not Ollama answers on ${address}: ${this.probe.detail}`,
          params: { address },
        },
      };
    }
    if (!this.binary) {
      return {
        state: 'not-installed',
        reason: {
          code: 'ollama-not-installed',
          message: 'No ollama on PATH, in Ollama.app, Homebrew or /usr/local/bin.',
        },
      };
    }
    return withVersion({
      state: 'stopped',
      reason: { code: 'ollama-not-answering', message: `Nothing answers on ${address}`, params: { address } },
    });
  }
}

/** The environment `ollama serve` gets from the server settings. */
export function serveEnvironment(settings: Settings['ollama'], baseUrl: URL): Record<string, string> {
  return {
    OLLAMA_HOST: ollamaBindHost(settings, baseUrl),
    OLLAMA_KEEP_ALIVE: settings.keepAlive,
    OLLAMA_NUM_PARALLEL: String(settings.numParallel),
    OLLAMA_FLASH_ATTENTION: settings.flashAttention ? '1' : '0',
    OLLAMA_KV_CACHE_TYPE: settings.kvCacheType,
    OLLAMA_CONTEXT_LENGTH: String(settings.contextLength),
  };
}

/** Failures a restart cannot fix: the port is someone else's, or the binary cannot run. */
export function classifyServeFailure(
  exit: ChildExit,
  tail: readonly string[],
  binary: string,
  address: string,
): ClawbarError | null {
  const code = exit.error?.code;
  if (code === 'ENOENT')
    return new ClawbarError('ollama-not-installed', `${binary} does not exist any more.`);
  if (exit.error)
    return new ClawbarError('ollama-start-failed', `Could not run ${binary}: ${exit.error.message}`);
  if (tail.some(line => /address already in use/i.test(line))) {
    return portBusy(address, tail.find(line => /address already in use/i.test(line)) ?? '');
  }
  return null;
}

function portBusy(address: string, detail: string): ClawbarError {
  return new ClawbarError(
    'ollama-port-busy',
    `Another program (not Ollama) is using ${address}${detail ? ` (${detail})` : ''}. Quit it, or choose another port for Ollama in Settings.`,
  );
}

function failureStatus(
  failure: ClawbarError,
  status: SupervisorStatus,
  address: string,
): Omit<ComponentStatus, 'since'> {
  const lastLine = status.stderrTail.at(-1) ?? '';
  if (failure.code === 'ollama-crashed') {
    return {
      state: 'crashed',
      reason: {
        code: 'ollama-crash-loop',
        message: failure.message,
        params: { count: String(status.restarts + 1), detail: lastLine },
      },
    };
  }
  if (failure.code === 'ollama-port-busy') {
    return {
      state: 'error',
      reason: { code: 'ollama-port-busy', message: failure.message, params: { address } },
    };
  }
  if (failure.code === 'ollama-not-installed') {
    return { state: 'not-installed', reason: { code: 'ollama-not-installed', message: failure.message } };
  }
  return {
    state: 'error',
    reason: {
      code: 'ollama-start-failed',
      message: failure.message,
      params: { detail: lastLine || failure.message },
    },
  };
}
