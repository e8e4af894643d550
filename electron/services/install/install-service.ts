import { ClawbarError } from '../../../common/errors';
import { translate } from '../../../common/i18n';
import {
  installSummary,
  type InstallChoices,
  type InstallProviderKey,
  type InstallStartInput,
  type InstallStepId,
  type InstallView,
  type InstallVmDefaults,
} from '../../../common/install';
import type { AppStateStore } from '../app-state';
import type { ClientHub } from '../ipc/clients';
import { Emitter, type Disposable } from '../platform/event';
import type { Logger } from '../platform/log';
import type { SecretsService } from '../secrets/secrets-service';
import { InstallStateFile } from './install-state-file';
import { StepEngine, type EngineRequest, type PlanStep } from './step-engine';

export interface InstallServiceOptions {
  steps: readonly PlanStep[];
  /** `<app data>/state/install.json` */
  stateFile: string;
  state: AppStateStore;
  hub: ClientHub;
  secrets: Pick<SecretsService, 'saveProviderKey' | 'ensureGatewayToken'>;
  /** The gateway's address on the Mac (`127.0.0.1:18789`). */
  gatewayAddress: () => string;
  vmDefaults: () => Promise<InstallVmDefaults>;
  log: Logger;
  /** At most one `install:progress` event per this many ms (the last one always gets out). */
  progressIntervalMs?: number;
  now?: () => Date;
}

/**
 * The one-click install behind every front: onboarding and the tray (through the contract) and
 * `clawbar install`. Keeps AppState's install summary and `install:progress` up to date. Provider
 * keys entered for the install go to the Keychain before the run begins and nowhere else.
 */
export class InstallService implements Disposable {
  private readonly engine: StepEngine;
  private readonly disposables: Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastSent = 0;
  private readonly changed = new Emitter<InstallView>();
  /** Every change of the install (also sent, throttled, as `install:progress`). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly options: InstallServiceOptions) {
    this.engine = new StepEngine({
      steps: options.steps,
      store: new InstallStateFile(options.stateFile, options.log.child('state')),
      log: options.log,
      title: id => translate('en', `install.steps.${id}`),
      ...(options.now ? { now: options.now } : {}),
    });
    this.disposables.push(
      this.engine.onDidChange(view => {
        this.publishSummary(view);
        this.changed.fire(view);
        this.scheduleBroadcast();
      }),
    );
  }

  get view(): InstallView {
    return this.engine.view;
  }

  get busy(): boolean {
    return this.engine.busy;
  }

  /** Reads the saved progress (an install cut off by a quit or a crash shows as interrupted). */
  async load(): Promise<InstallView> {
    const view = await this.engine.load();
    this.publishSummary(view);
    return view;
  }

  /** Saves the keys, then starts afresh in the background; answers with the running install. */
  async start(input: InstallStartInput): Promise<InstallView> {
    this.assertIdle();
    const entered = Object.entries(input.choices.providerKeys ?? {}) as [InstallProviderKey, string][];
    for (const [key, value] of entered) await this.options.secrets.saveProviderKey(key, value);
    const choices: InstallChoices = {
      model: input.choices.model ?? null,
      installOllama: input.choices.installOllama,
      providerKeys: entered.map(([key]) => key),
    };
    this.launch({ kind: 'start', choices });
    return this.view;
  }

  resume(): InstallView {
    this.launch({ kind: 'resume' });
    return this.view;
  }

  retry(step: InstallStepId): InstallView {
    this.launch({ kind: 'retry', step });
    return this.view;
  }

  cancel(): InstallView {
    this.engine.cancel();
    return this.view;
  }

  dismissOnboarding(): Promise<InstallView> {
    return this.engine.dismissOnboarding();
  }

  vmDefaults(): Promise<InstallVmDefaults> {
    return this.options.vmDefaults();
  }

  /**
   * The OpenClaw Control UI with its token in the fragment (`#token=`), which the browser keeps
   * to itself: it never reaches a server, a log or AppState.
   */
  async controlUiUrl(): Promise<{ url: string }> {
    const address = this.options.gatewayAddress();
    if (!/^127\.0\.0\.1:\d{1,5}$/.test(address)) {
      throw new ClawbarError('invalid-input', `The gateway's port-forward is not on loopback (${address}).`);
    }
    const token = await this.options.secrets.ensureGatewayToken();
    return { url: `http://${address}/#token=${encodeURIComponent(token)}` };
  }

  /** Runs to the end (the CLI): resolves with the final view; the signal cancels. */
  async perform(request: EngineRequest, signal?: AbortSignal): Promise<InstallView> {
    if (request.kind === 'start') {
      this.assertIdle();
    }
    const done = this.engine.begin(request);
    const onAbort = (): void => void this.engine.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await done;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.flushBroadcast();
    }
  }

  /** Quit: a running install stops where it is (resumable) and its state is saved. */
  shutdown(deadlineMs?: number): Promise<void> {
    return this.engine.shutdown(deadlineMs);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.engine.dispose();
    this.changed.dispose();
  }

  private assertIdle(): void {
    if (this.engine.busy) {
      throw new ClawbarError('install-busy', 'The install is running; wait for it or cancel it.');
    }
  }

  private launch(request: EngineRequest): void {
    void this.engine.begin(request).then(
      view => this.options.log.info('Install ended', { status: view.status }),
      (error: unknown) => this.options.log.error('Install run threw', { error: String(error) }),
    );
  }

  private publishSummary(view: InstallView): void {
    const install = installSummary(view);
    this.options.state.update(current => ({ ...current, install }));
  }

  private scheduleBroadcast(): void {
    const interval = this.options.progressIntervalMs ?? 250;
    if (this.timer) return;
    const wait = this.lastSent + interval - Date.now();
    if (wait <= 0) {
      this.flushBroadcast();
      return;
    }
    this.timer = setTimeout(() => this.flushBroadcast(), wait);
    this.timer.unref();
  }

  private flushBroadcast(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lastSent = Date.now();
    this.options.hub.broadcast('install:progress', this.view);
  }
}
