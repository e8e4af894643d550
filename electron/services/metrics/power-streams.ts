import type { Reason } from '../../../common/state';
import type { ExecRunner } from '../platform/exec';
import type { Logger } from '../platform/log';
import type { MetricsSource } from './collector';
import { macmonArgs, parseMacmonLine, type MacmonReading } from './parse-macmon';
import { parseOutcome } from './parse-outcome';
import { PlistStreamSplitter, readPowermetricsDocument, type PowerReading } from './parse-powermetrics';
import type { PowerProbe, PowerSetup } from './power-setup';
import { failure, reasons, type Outcome, type Readings } from './readings';
import { SupervisedStream } from './supervised-stream';

/**
 * GPU power and frequency on a Mac, from one long-running process: macmon when it is installed
 * (no root needed), else powermetrics through the pinned sudoers rule, else nothing, with the
 * reason. Both streams run at 1 s whatever the sampling interval (the rule pins `-i 1000`); each
 * sample takes the latest complete reading, parsed once.
 */
interface StreamOptions {
  exec: ExecRunner;
  log: Logger;
  now?: () => number;
  /** A reading older than this is stale (the process hangs or stopped writing). */
  staleAfterMs?: number;
  initialBackoffMs?: number;
}

abstract class LatestReadingStream<T> {
  protected latest: { text: string; at: number } | undefined;
  private parsed: { text: string; outcome: Outcome<T> } | undefined;
  protected problem: Reason | undefined;
  protected readonly now: () => number;
  protected abstract readonly stream: SupervisedStream;

  constructor(
    protected readonly sourceName: string,
    protected readonly options: StreamOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  protected abstract parse(text: string): T;

  start(): void {
    this.problem = undefined;
    this.stream.start();
  }

  stop(): void {
    this.stream.stop();
    this.latest = undefined;
    this.parsed = undefined;
  }

  get startCount(): number {
    return this.stream.startCount;
  }

  read(): Outcome<T> {
    const staleAfter = this.options.staleAfterMs ?? 5000;
    if (this.latest && this.now() - this.latest.at <= staleAfter) {
      const { text } = this.latest;
      if (this.parsed?.text !== text)
        this.parsed = { text, outcome: parseOutcome(this.sourceName, () => this.parse(text)) };
      return this.parsed.outcome;
    }
    if (this.problem) return failure(this.problem);
    if (!this.latest) return failure(reasons.waiting(this.sourceName));
    return failure(
      reasons.failed(this.sourceName, `no reading for ${Math.round((this.now() - this.latest.at) / 1000)} s`),
    );
  }

  protected received(text: string): void {
    this.latest = { text, at: this.now() };
    this.problem = undefined;
    this.stream.markHealthy();
  }
}

export class PowermetricsStream extends LatestReadingStream<PowerReading> {
  protected readonly stream: SupervisedStream;
  private readonly splitter = new PlistStreamSplitter();

  constructor(setup: Pick<PowerSetup, 'command' | 'paths'>, options: StreamOptions) {
    super('powermetrics', options);
    this.stream = new SupervisedStream({
      exec: options.exec,
      log: options.log,
      // Exactly the argv the sudoers rule allows; -n: never prompt, fail instead.
      command: setup.paths.sudo,
      args: ['-n', ...setup.command],
      ...(options.initialBackoffMs === undefined ? {} : { initialBackoffMs: options.initialBackoffMs }),
      onStdout: chunk => {
        const documents = this.splitter.push(chunk);
        const last = documents.at(-1);
        if (last !== undefined) this.received(last);
      },
      onStderr: chunk => {
        if (/password is required|not allowed to execute|may not run sudo/i.test(chunk)) {
          this.problem = reasons.needsPowerSetup();
          this.stream.halt('the sudoers rule is missing');
        }
      },
      onExit: description => {
        this.problem ??= reasons.failed('powermetrics', description);
      },
    });
  }

  protected parse(text: string): PowerReading {
    return readPowermetricsDocument(text);
  }
}

export class MacmonStream extends LatestReadingStream<MacmonReading> {
  protected readonly stream: SupervisedStream;
  private partial = '';

  constructor(macmonPath: string, options: StreamOptions) {
    super('macmon', options);
    this.stream = new SupervisedStream({
      exec: options.exec,
      log: options.log,
      command: macmonPath,
      args: macmonArgs(1000),
      ...(options.initialBackoffMs === undefined ? {} : { initialBackoffMs: options.initialBackoffMs }),
      onStdout: chunk => {
        const lines = (this.partial + chunk).split('\n');
        this.partial = (lines.pop() ?? '').slice(-64 * 1024);
        const last = lines.filter(line => line.trim() !== '').at(-1);
        if (last !== undefined) this.received(last);
      },
      onExit: description => {
        this.problem ??= reasons.failed('macmon', description);
      },
    });
  }

  protected parse(text: string): MacmonReading {
    return parseMacmonLine(text);
  }
}

type PowerMode =
  | { kind: 'probing' }
  | { kind: 'macmon'; stream: MacmonStream }
  | { kind: 'powermetrics'; stream: PowermetricsStream }
  | { kind: 'needs-setup' }
  | { kind: 'unavailable' };

export class DarwinPowerSource implements MetricsSource {
  readonly name = 'power';
  readonly keys = ['powermetrics', 'macmon'] as const;
  private mode: PowerMode = { kind: 'probing' };
  /** Starts of streams that were replaced. */
  private starts = 0;
  private active = false;
  private probing: Promise<PowerProbe> | undefined;

  constructor(
    private readonly setup: PowerSetup,
    private readonly options: StreamOptions,
  ) {}

  /** How many times a power process was started, across streams (tests, diagnostics). */
  get streamStarts(): number {
    return this.starts + (this.streamOf(this.mode)?.startCount ?? 0);
  }

  /** Re-decides where power comes from (at start, and after the permission changed). */
  refresh(): Promise<PowerProbe> {
    this.probing ??= this.setup
      .probe()
      .then(probe => {
        this.apply(probe);
        return probe;
      })
      .finally(() => {
        this.probing = undefined;
      });
    return this.probing;
  }

  activate(): void {
    this.active = true;
    if (this.mode.kind === 'probing') void this.refresh().catch(() => undefined);
    this.streamOf(this.mode)?.start();
  }

  deactivate(): void {
    this.active = false;
    this.streamOf(this.mode)?.stop();
  }

  dispose(): void {
    this.deactivate();
  }

  read(): Promise<Readings> {
    const mode = this.mode;
    switch (mode.kind) {
      case 'macmon':
        return Promise.resolve({ macmon: mode.stream.read() });
      case 'powermetrics':
        return Promise.resolve({ powermetrics: mode.stream.read() });
      case 'needs-setup':
        return Promise.resolve({ powermetrics: failure(reasons.needsPowerSetup()) });
      case 'unavailable':
        return Promise.resolve({ powermetrics: failure(reasons.noSource('GPU power (no powermetrics)')) });
      case 'probing':
        return Promise.resolve({ powermetrics: failure(reasons.waiting('powermetrics')) });
    }
  }

  private apply(probe: PowerProbe): void {
    const previous = this.mode;
    let next: PowerMode;
    if (probe.macmonPath)
      next =
        previous.kind === 'macmon'
          ? previous
          : { kind: 'macmon', stream: new MacmonStream(probe.macmonPath, this.options) };
    else if (probe.allowed)
      next =
        previous.kind === 'powermetrics'
          ? previous
          : { kind: 'powermetrics', stream: new PowermetricsStream(this.setup, this.options) };
    else next = probe.available ? { kind: 'needs-setup' } : { kind: 'unavailable' };
    if (next !== previous) {
      const replaced = this.streamOf(previous);
      this.starts += replaced?.startCount ?? 0;
      replaced?.stop();
      this.mode = next;
      if (this.active) this.streamOf(next)?.start();
    }
  }

  private streamOf(mode: PowerMode): MacmonStream | PowermetricsStream | undefined {
    return mode.kind === 'macmon' || mode.kind === 'powermetrics' ? mode.stream : undefined;
  }
}
