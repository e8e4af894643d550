import { existsSync } from 'node:fs';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

import type { ExecOptions, ExecResult, ExecRunner } from '../platform/exec';
import type { Logger } from '../platform/log';
import { redactor } from '../platform/redact';
import type { LimactlInfo, LimactlLocator } from './limactl-locator';
import {
  parseHostEvent,
  parseInstanceList,
  parseLogLine,
  readableLogTail,
  type HostEvent,
  type LimaInstanceRecord,
  type LogRecord,
} from './limactl-output';
import { instanceProcesses, type ProcessTable } from './process-table';
import { vmInstanceName } from './vm-presence';

export interface LimaDriverOptions {
  exec: ExecRunner;
  /** Clawbar's private LIMA_HOME: its VM never mixes with the user's own Lima instances. */
  limaHome: string;
  locator: LimactlLocator;
  processes: ProcessTable;
  log: Logger;
  instanceName?: string;
  /** How often ha.stdout.log is read for new host-agent events during a start. */
  eventPollMs?: number;
}

export interface OutputObserver {
  onLog?(record: LogRecord): void;
  onEvent?(event: HostEvent): void;
}

export interface RunOptions {
  signal?: AbortSignal | undefined;
  timeoutMs: number;
  observer?: OutputObserver | undefined;
}

export interface K3sServiceState {
  restarts: number;
  activeState: string;
  subState: string;
  journal: string;
}

/**
 * limactl, driven for one instance: every command gets LIMA_HOME, `--log-format=json` and
 * `--tty=false`, an explicit deadline and the caller's AbortSignal; output streams to an observer
 * line by line (and, during a start, the host agent's event log too). Knows the instance's files
 * well enough to clean what a crash left behind and to quote its logs when something fails.
 */
export class LimaDriver {
  readonly name: string;
  private readonly eventPollMs: number;

  constructor(private readonly options: LimaDriverOptions) {
    this.name = options.instanceName ?? vmInstanceName;
    this.eventPollMs = options.eventPollMs ?? 100;
  }

  get limaHome(): string {
    return this.options.limaHome;
  }

  get instanceDir(): string {
    return join(this.options.limaHome, this.name);
  }

  get copiedKubeconfigPath(): string {
    return join(this.instanceDir, 'copied-from-guest', 'kubeconfig.yaml');
  }

  locate(): Promise<LimactlInfo> {
    return this.options.locator.locate();
  }

  /** The limactl path setting changed: look again next time. */
  invalidateLimactl(): void {
    this.options.locator.invalidate();
  }

  async list(signal?: AbortSignal): Promise<LimaInstanceRecord[]> {
    const { stdout } = await this.limactl(['list', '--json'], { timeoutMs: 30_000, signal });
    return parseInstanceList(stdout);
  }

  async instance(signal?: AbortSignal): Promise<LimaInstanceRecord | undefined> {
    return (await this.list(signal)).find(record => record.name === this.name);
  }

  create(templatePath: string, options: RunOptions): Promise<ExecResult> {
    return this.stream(['create', `--name=${this.name}`, templatePath], options);
  }

  /** `limactl start`, reading the host agent's events alongside its logs. */
  async start(options: RunOptions): Promise<ExecResult> {
    const events = new EventLogTail(join(this.instanceDir, 'ha.stdout.log'));
    // A previous run's events are not this start's: skip what is already there.
    await events.skipExisting();
    let polling = true;
    const poll = async (): Promise<void> => {
      while (polling) {
        for (const line of await events.read()) {
          const event = parseHostEvent(line);
          if (event) options.observer?.onEvent?.(event);
        }
        await sleep(this.eventPollMs);
      }
    };
    const poller = poll();
    try {
      return await this.stream(['start', `--timeout=${goDuration(options.timeoutMs)}`, this.name], {
        ...options,
        // limactl gives up on its own at --timeout; the process deadline is a backstop.
        timeoutMs: options.timeoutMs + 30_000,
      });
    } finally {
      polling = false;
      await poller;
      for (const line of await events.read()) {
        const event = parseHostEvent(line);
        if (event) options.observer?.onEvent?.(event);
      }
    }
  }

  stop(force: boolean, options: RunOptions): Promise<ExecResult> {
    return this.stream(force ? ['stop', '-f', this.name] : ['stop', this.name], options);
  }

  delete(options: RunOptions): Promise<ExecResult> {
    return this.stream(['delete', '-f', this.name], options);
  }

  /** Applies CPU, memory and disk (growth only) to a stopped instance. */
  edit(
    change: {
      cpus?: number | undefined;
      memoryGiB?: number | undefined;
      diskGiB?: number | undefined;
      hostPort?: number | undefined;
    },
    options: RunOptions,
  ): Promise<ExecResult> {
    const args = ['edit', this.name];
    if (change.cpus !== undefined) args.push(`--cpus=${change.cpus}`);
    if (change.memoryGiB !== undefined) args.push(`--memory=${change.memoryGiB}`);
    const expressions: string[] = [];
    if (change.diskGiB !== undefined) expressions.push(`.disk = "${change.diskGiB}GiB"`);
    // The API rule is the first port forward in Clawbar's template.
    if (change.hostPort !== undefined) expressions.push(`.portForwards[0].hostPort = ${change.hostPort}`);
    if (expressions.length > 0) args.push(`--set=${expressions.join(' | ')}`);
    return this.stream(args, options);
  }

  /** Runs a command in the guest (`limactl shell clawbar …`). */
  shell(
    command: readonly string[],
    options: { timeoutMs: number; signal?: AbortSignal | undefined },
  ): Promise<ExecResult> {
    return this.limactl(['shell', this.name, ...command], options);
  }

  async k3sServiceState(signal?: AbortSignal): Promise<K3sServiceState> {
    const show = await this.shell(
      ['sudo', 'systemctl', 'show', 'k3s', '--property=NRestarts,ActiveState,SubState'],
      {
        timeoutMs: 20_000,
        signal,
      },
    );
    const values = Object.fromEntries(
      show.stdout
        .split('\n')
        .map(line => line.split('=', 2) as [string, string | undefined])
        .filter(([key, value]) => key !== '' && value !== undefined),
    ) as Record<string, string>;
    return {
      restarts: Number(values.NRestarts ?? 0) || 0,
      activeState: values.ActiveState ?? 'unknown',
      subState: values.SubState ?? 'unknown',
      journal: await this.k3sJournal(signal),
    };
  }

  async k3sJournal(signal?: AbortSignal, lines = 20): Promise<string> {
    const { stdout } = await this.shell(
      ['sudo', 'journalctl', '-u', 'k3s', '-n', String(lines), '--no-pager'],
      {
        timeoutMs: 20_000,
        signal,
      },
    );
    return redactor.text(stdout.trimEnd());
  }

  /** The guest's root-only k3s kubeconfig: Lima's copy when there is one, else read through SSH. */
  async readGuestKubeconfig(signal?: AbortSignal): Promise<string> {
    try {
      return await readFile(this.copiedKubeconfigPath, 'utf8');
    } catch {
      const { stdout } = await this.shell(['sudo', 'cat', '/etc/rancher/k3s/k3s.yaml'], {
        timeoutMs: 30_000,
        signal,
      });
      return stdout;
    }
  }

  /**
   * Before a start: PID files of processes that are gone, a host-agent socket nobody serves, and
   * host-agent or driver processes of this instance still running after a crash. Removes and
   * stops them; returns what it found, for the log and the progress detail.
   */
  async cleanLeftovers(record: LimaInstanceRecord | undefined): Promise<string[]> {
    if (record?.status === 'Running') return [];
    const notes: string[] = [];
    const { processes } = this.options;
    const dir = this.instanceDir;
    const live: number[] = [];
    for (const file of ['ha.pid', 'vz.pid', 'qemu.pid']) {
      const path = join(dir, file);
      const pid = await readPid(path);
      if (pid === undefined) continue;
      if (!processes.isAlive(pid)) {
        await rm(path, { force: true });
        notes.push(`Removed a stale ${file}: process ${pid} is gone.`);
      } else {
        live.push(pid);
      }
    }
    const socket = join(dir, 'ha.sock');
    if (live.length === 0 && existsSync(socket)) {
      await rm(socket, { force: true });
      notes.push('Removed a stale host-agent socket (ha.sock) that no process serves.');
    }
    const orphans = instanceProcesses(await processes.list(), dir);
    if (orphans.length > 0) {
      for (const orphan of orphans) processes.kill(orphan.pid, 'SIGTERM');
      const deadline = Date.now() + 5000;
      while (orphans.some(orphan => processes.isAlive(orphan.pid)) && Date.now() < deadline) await sleep(100);
      for (const orphan of orphans) if (processes.isAlive(orphan.pid)) processes.kill(orphan.pid, 'SIGKILL');
      for (const file of ['ha.pid', 'vz.pid', 'qemu.pid', 'ha.sock'])
        await rm(join(dir, file), { force: true });
      notes.push(
        `Stopped ${orphans.length} orphaned process${orphans.length === 1 ? '' : 'es'} of the VM: ${orphans
          .map(orphan => `${orphan.pid} (${orphan.command.slice(0, 80)})`)
          .join(', ')}.`,
      );
    }
    for (const note of notes) this.options.log.warn(note);
    return notes;
  }

  /**
   * The logs that explain a failure: the host agent's (ha.stderr.log), the serial console, and
   * k3s's journal when the guest is far enough to have one. Already redacted.
   */
  async failureContext(options: { withK3sJournal: boolean }): Promise<string> {
    const sections: string[] = [];
    const haLog = await tailFile(join(this.instanceDir, 'ha.stderr.log'));
    if (haLog) sections.push(`--- ha.stderr.log ---\n${readableLogTail(haLog, 15)}`);
    for (const serial of ['serialv.log', 'serial.log']) {
      const text = await tailFile(join(this.instanceDir, serial));
      if (text) {
        sections.push(`--- ${serial} ---\n${lastLines(text, 10)}`);
        break;
      }
    }
    if (options.withK3sJournal) {
      try {
        const journal = await this.k3sJournal(undefined, 20);
        if (journal) sections.push(`--- k3s (journalctl -u k3s) ---\n${journal}`);
      } catch (error) {
        this.options.log.debug('Could not read the k3s journal', { error: String(error) });
      }
    }
    return redactor.text(sections.join('\n'));
  }

  private async limactl(args: readonly string[], options: ExecOptions): Promise<ExecResult> {
    const info = await this.options.locator.locate();
    return this.options.exec.run(info.path, ['--log-format=json', '--tty=false', ...args], {
      ...options,
      env: { ...options.env, LIMA_HOME: this.options.limaHome },
    });
  }

  private stream(args: readonly string[], options: RunOptions): Promise<ExecResult> {
    const lines = new LineSplitter(line => {
      const record = parseLogLine(line);
      if (record) options.observer?.onLog?.(record);
    });
    return this.limactl(args, {
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      onStderr: chunk => lines.push(chunk),
    }).finally(() => lines.flush());
  }
}

/** Reads a growing file from where it was last read; a file that was replaced is read from the start. */
class EventLogTail {
  private offset = 0;
  private partial = '';

  constructor(private readonly file: string) {}

  async skipExisting(): Promise<void> {
    this.offset = await stat(this.file).then(
      info => info.size,
      () => 0,
    );
  }

  async read(): Promise<string[]> {
    let size: number;
    try {
      size = (await stat(this.file)).size;
    } catch {
      return [];
    }
    if (size < this.offset) {
      this.offset = 0;
      this.partial = '';
    }
    if (size === this.offset) return [];
    const handle = await open(this.file, 'r');
    try {
      const buffer = Buffer.alloc(size - this.offset);
      await handle.read(buffer, 0, buffer.length, this.offset);
      this.offset = size;
      const parts = (this.partial + buffer.toString('utf8')).split('\n');
      this.partial = parts.pop() ?? '';
      return parts;
    } finally {
      await handle.close();
    }
  }
}

class LineSplitter {
  private buffer = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    for (const line of lines) this.onLine(line);
  }

  flush(): void {
    if (this.buffer !== '') this.onLine(this.buffer);
    this.buffer = '';
  }
}

/** Milliseconds as a Go duration for `--timeout` (whole seconds, at least one). */
export function goDuration(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))}s`;
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(file, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The last 64 KiB of a file, or '' when there is none. */
async function tailFile(file: string, maxBytes = 64 * 1024): Promise<string> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, maxBytes);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      return buffer.toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return '';
  }
}

function lastLines(text: string, count: number): string {
  return text.replace(/\s+$/, '').split('\n').slice(-count).join('\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** A limactl failure's own words: the message of its last error or fatal log line. */
export function limactlErrorMessage(stderrTail: string): string | undefined {
  const records = stderrTail
    .split('\n')
    .map(line => parseLogLine(line))
    .filter(
      (record): record is LogRecord =>
        record !== undefined && (record.level === 'fatal' || record.level === 'error'),
    );
  return records.at(-1)?.msg;
}
