import type { PowerStatus } from '../../../common/state';
import type { Collector } from './collector';
import type { DarwinPowerSource } from './power-streams';
import type { PowerProbe, PowerSetup } from './power-setup';
import { reasons } from './readings';

/**
 * What the UI and the CLI know about GPU power: where it comes from now, and the state of the
 * one-time permission, with the exact command and rule shown before the user consents.
 *
 * - `live`: a real Mac; the power source follows the probe (macmon, else powermetrics).
 * - `recording`: the demo's simulated Mac, whose recordings hold powermetrics output once the
 *   permission is given, through the same setup flow against stand-in tools.
 * - `other`: not a Mac; power comes from nvidia-smi where there is one.
 */
export type PowerEnvironment =
  | { kind: 'live'; source: DarwinPowerSource }
  | { kind: 'recording' }
  | { kind: 'other'; hasNvidia: () => Promise<boolean> };

export class PowerManager {
  private last: PowerStatus | undefined;

  constructor(
    private readonly setup: PowerSetup,
    private readonly environment: PowerEnvironment,
    private readonly collector: Collector,
  ) {}

  /** The last status worked out, if any. */
  get lastStatus(): PowerStatus | undefined {
    return this.last;
  }

  async status(): Promise<PowerStatus> {
    this.last = await this.work();
    return this.last;
  }

  private async work(): Promise<PowerStatus> {
    if (this.environment.kind === 'other') {
      const nvidia = await this.environment.hasNvidia();
      return {
        source: nvidia ? 'nvidia-smi' : null,
        setup: 'unavailable',
        command: null,
        rule: null,
        rulePath: null,
        ...(nvidia ? {} : { reason: reasons.noSource('GPU power (no powermetrics, no nvidia-smi)') }),
      };
    }
    const probe =
      this.environment.kind === 'live' ? await this.environment.source.refresh() : await this.setup.probe();
    return this.describe(probe);
  }

  async install(signal?: AbortSignal): Promise<PowerStatus> {
    await this.setup.install(signal);
    this.collector.invalidate();
    return this.status();
  }

  async remove(signal?: AbortSignal): Promise<PowerStatus> {
    await this.setup.remove(signal);
    this.collector.invalidate();
    return this.status();
  }

  private describe(probe: PowerProbe): PowerStatus {
    if (!probe.available) {
      return {
        source: probe.macmonPath ? 'macmon' : null,
        setup: 'unavailable',
        command: null,
        rule: null,
        rulePath: null,
        ...(probe.macmonPath ? {} : { reason: reasons.noSource('GPU power (no powermetrics)') }),
      };
    }
    let rule: string | null;
    try {
      rule = this.setup.rule();
    } catch {
      rule = null; // a user name sudoers cannot hold: setup-power says so when asked
    }
    const source = probe.macmonPath ? 'macmon' : probe.allowed ? 'powermetrics' : null;
    return {
      source,
      setup: probe.ruleInstalled || probe.allowed ? 'installed' : 'not-installed',
      command: this.setup.command.join(' '),
      rule,
      rulePath: this.setup.rulePath,
      ...(source ? {} : { reason: reasons.needsPowerSetup() }),
    };
  }
}
