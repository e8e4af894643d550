import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';

import { parse, stringify } from 'yaml';

import { readFaults } from './faults';
import { createLogger, type LogFormat, type StandInLogger } from './log';
import {
  guestArch,
  inspect,
  instanceNamePattern,
  instanceNames,
  instancePaths,
  isAlive,
  limaHomeFrom,
  listRecord,
  parseSize,
  readGuestState,
  readPid,
  standInLimaVersion,
  writeGuestState,
  type Instance,
  type LimaConfig,
} from './store';

/**
 * The stand-in `limactl`: the subcommands Clawbar runs (list, create, start, stop, delete, edit,
 * shell, --version) with Lima's output formats (JSON Lines list, logrus logs on stderr, host-agent
 * events), messages and exit codes. State lives under LIMA_HOME like Lima's; faults come from
 * faults.ts.
 */

interface Parsed {
  positional: string[];
  flags: Map<string, string>;
}

/** Flags that take a value; every other flag is boolean (`--force`, `--tty=false`). */
const valueFlags = new Set([
  'log-format',
  'log-level',
  'name',
  'timeout',
  'format',
  'cpus',
  'memory',
  'disk',
  'set',
  'vm-type',
  'workdir',
  'shell',
  'pidfile',
  'socket',
  'guestagent',
]);
const shortFlags: Record<string, string> = { f: 'force', q: 'quiet', y: 'yes', v: 'version' };

function parseArgs(argv: string[], stopAtSecondPositional = false): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? '';
    if (arg === '--') {
      positional.push(...argv.slice(index + 1));
      break;
    }
    // `limactl shell NAME cmd --flags`: everything after the instance name belongs to the command.
    if (stopAtSecondPositional && positional.length >= 2) {
      positional.push(...argv.slice(index));
      break;
    }
    if (arg.startsWith('--')) {
      const [name = '', inline] = arg.slice(2).split(/=(.*)/s, 2);
      if (inline !== undefined) flags.set(name, inline);
      else if (valueFlags.has(name)) flags.set(name, argv[++index] ?? '');
      else flags.set(name, 'true');
    } else if (arg.startsWith('-') && arg.length === 2) {
      flags.set(shortFlags[arg.slice(1)] ?? arg.slice(1), 'true');
    } else {
      positional.push(arg);
    }
  }
  return { positional, flags };
}

function flagTrue(parsed: Parsed, name: string): boolean {
  const value = parsed.flags.get(name);
  return value !== undefined && value !== 'false';
}

/** Go durations as `--timeout` takes them: "10m", "90s", "1h30m", "1500ms". */
export function parseDuration(text: string): number {
  const pattern = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let consumed = '';
  for (const match of text.matchAll(pattern)) {
    const value = Number(match[1]);
    const unit = match[2];
    total += value * (unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : unit === 's' ? 1000 : 1);
    consumed += match[0];
  }
  if (consumed !== text || text === '') throw new Error(`time: invalid duration "${text}"`);
  return total;
}

const imageUrl = (arch: string) =>
  `https://cloud-images.ubuntu.com/releases/noble/release-20251113/ubuntu-24.04-server-cloudimg-${arch === 'aarch64' ? 'arm64' : 'amd64'}.img`;

export async function main(argv: string[]): Promise<void> {
  const globals = parseArgs(argv);
  const format: LogFormat = globals.flags.get('log-format') === 'json' ? 'json' : 'text';
  const log: StandInLogger = createLogger(format, undefined, flagTrue(globals, 'debug'));
  const limaHome = limaHomeFrom();
  const [command, ...rest] = stripGlobals(argv);

  if (command === undefined) {
    process.stdout.write('Lima: Linux virtual machines\n\nUsage:\n  limactl [command]\n');
    return;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    process.stdout.write(`limactl version ${standInLimaVersion}\n`);
    return;
  }
  switch (command) {
    case 'list':
    case 'ls':
      return list(parseArgs(rest), limaHome, log);
    case 'create': {
      const name = await create(parseArgs(rest), limaHome, log);
      log.info(`Run \`limactl start ${name}\` to start the instance.`);
      return;
    }
    case 'start':
      return start(parseArgs(rest), limaHome, log);
    case 'stop':
      return stop(parseArgs(rest), limaHome, log);
    case 'delete':
    case 'remove':
    case 'rm':
      return remove(parseArgs(rest), limaHome, log);
    case 'edit':
      return edit(parseArgs(rest), limaHome, log);
    case 'shell':
      return shell(parseArgs(rest, true), limaHome, log);
    case 'hostagent': {
      const parsed = parseArgs(rest);
      const name = parsed.positional[0];
      const pidfile = parsed.flags.get('pidfile');
      const socket = parsed.flags.get('socket');
      if (!name || !pidfile || !socket) log.fatal('hostagent needs --pidfile, --socket and an instance name');
      // Loaded on demand: certificates and the API server are only needed by the host agent.
      const { runHostAgent } = await import('./host-agent');
      return runHostAgent({ name, pidfile, socket, limaHome });
    }
    default:
      log.fatal(`unknown command "${command}" for "limactl"`);
  }
}

/** Global flags may come anywhere; the subcommand is the first word that is not one of them. */
function stripGlobals(argv: string[]): string[] {
  const out: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? '';
    if (out.length === 0) {
      if (arg === '--log-format' || arg === '--log-level') {
        index++;
        continue;
      }
      if (
        arg.startsWith('--log-format=') ||
        arg.startsWith('--log-level=') ||
        arg === '--debug' ||
        arg.startsWith('--tty') ||
        arg === '-y' ||
        arg === '--yes'
      ) {
        continue;
      }
    }
    out.push(arg);
  }
  return out;
}

async function list(parsed: Parsed, limaHome: string, log: StandInLogger): Promise<void> {
  const json = flagTrue(parsed, 'json') || parsed.flags.get('format') === 'json';
  const quiet = flagTrue(parsed, 'quiet');
  const all = instanceNames(limaHome);
  const names = parsed.positional.length > 0 ? all.filter(name => parsed.positional.includes(name)) : all;
  const unmatched = parsed.positional.filter(name => !all.includes(name));
  if (unmatched.length > 0 && names.length === 0) {
    log.fatal(`No instance matching ${unmatched.join(', ')} found.`);
  }
  if (names.length === 0) {
    log.warn('No instance found. Run `limactl create` to create an instance.');
    return;
  }
  const instances = (await Promise.all(names.map(name => inspect(limaHome, name)))).filter(
    (instance): instance is Instance => instance !== undefined,
  );
  if (quiet) {
    process.stdout.write(instances.map(instance => `${instance.name}\n`).join(''));
    return;
  }
  if (json) {
    process.stdout.write(
      instances.map(instance => `${JSON.stringify(listRecord(instance, limaHome))}\n`).join(''),
    );
    return;
  }
  const rows = [['NAME', 'STATUS', 'SSH', 'VMTYPE', 'ARCH', 'CPUS', 'MEMORY', 'DISK', 'DIR']];
  for (const instance of instances) {
    const record = listRecord(instance, limaHome);
    rows.push([
      instance.name,
      instance.status,
      `127.0.0.1:${typeof record.sshLocalPort === 'number' ? record.sshLocalPort : 0}`,
      String(record.vmType),
      String(record.arch),
      String(record.cpus),
      `${Number(record.memory) / 2 ** 30}GiB`,
      `${Number(record.disk) / 2 ** 30}GiB`,
      instance.paths.dir,
    ]);
  }
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map(row => (row[column] ?? '').length))) ?? [];
  process.stdout.write(
    rows
      .map(row =>
        row
          .map((cell, column) => cell.padEnd(widths[column] ?? 0))
          .join('    ')
          .trimEnd(),
      )
      .join('\n') + '\n',
  );
}

async function create(parsed: Parsed, limaHome: string, log: StandInLogger): Promise<string> {
  const source = parsed.positional[0];
  if (!source) log.fatal('the stand-in limactl needs a template file: limactl create --name=NAME FILE.yaml');
  const name = parsed.flags.get('name') ?? basename(source).replace(/\.ya?ml$/, '');
  if (!instanceNamePattern.test(name)) log.fatal(`instance name ${JSON.stringify(name)} is invalid`);
  const paths = instancePaths(limaHome, name);
  if (existsSync(paths.limaYaml)) log.fatal(`instance \`${name}\` already exists`);
  let text: string;
  try {
    text = source === '-' ? readFileSync(0, 'utf8') : readFileSync(source, 'utf8');
  } catch (error) {
    log.fatal(
      `open ${source}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String(error)}`,
    );
  }
  let config: LimaConfig;
  try {
    const value: unknown = parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error('not a YAML mapping');
    config = value as LimaConfig;
  } catch (error) {
    log.fatal(`failed to unmarshal YAML (${(error as Error).message})`);
  }
  applyEditFlags(config, parsed, log);
  validate(config, log);
  log.info('Terminal is not available, proceeding without opening an editor');
  mkdirSync(paths.dir, { recursive: true, mode: 0o755 });
  writeFileSync(paths.limaYaml, stringify(config));
  writeFileSync(paths.limaVersion, `${standInLimaVersion}\n`);
  await prepareImage(limaHome, paths.dir, config, log);
  return name;
}

function validate(config: LimaConfig, log: StandInLogger): void {
  if (config.vmType !== undefined && config.vmType !== 'vz' && config.vmType !== 'qemu') {
    log.fatal(`field \`vmType\` must be "qemu" or "vz"; got ${JSON.stringify(config.vmType)}`);
  }
  if (config.cpus !== undefined && (!Number.isInteger(config.cpus) || config.cpus < 1)) {
    log.fatal(`field \`cpus\` must be a positive integer; got ${String(config.cpus)}`);
  }
  for (const field of ['memory', 'disk'] as const) {
    try {
      parseSize(config[field], 1);
    } catch {
      log.fatal(`field \`${field}\` has an invalid value: ${JSON.stringify(config[field])}`);
    }
  }
  for (const [index, rule] of (config.portForwards ?? []).entries()) {
    if (rule.hostIP !== undefined && rule.hostIP !== '127.0.0.1' && rule.hostIP !== '0.0.0.0') {
      log.fatal(
        `field \`portForwards[${index}].hostIP\` must be an IP address; got ${JSON.stringify(rule.hostIP)}`,
      );
    }
    if (!rule.ignore && rule.hostPort !== undefined && (rule.hostPort < 1 || rule.hostPort > 65535)) {
      log.fatal(
        `field \`portForwards[${index}].hostPort\` must be in the range [1, 65535]; got ${rule.hostPort}`,
      );
    }
  }
}

/** Lima's Prepare: the base disk comes from the image cache, downloading it the first time. */
async function prepareImage(
  limaHome: string,
  dir: string,
  config: LimaConfig,
  log: StandInLogger,
): Promise<void> {
  const baseDisk = join(dir, 'basedisk');
  if (existsSync(baseDisk)) return;
  const faults = readFaults(limaHome);
  const url = imageUrl(config.arch ?? guestArch());
  const cacheMarker = join(limaHome, '_standin', 'cache', 'image');
  const digest = 'sha256:8d0b1a4a2f3b8c0b3d5e1c0d9f4e6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f';
  log.info(`Attempting to download the image from "${url}"`, { digest });
  if (existsSync(cacheMarker)) {
    log.info(`Using cache "${cacheMarker}"`);
  } else {
    if (faults.hangAt === 'downloading-image') await new Promise(() => undefined);
    for (let tick = 0; tick < 3; tick++) await sleep(faults.paceMs);
    if (faults.failAt?.stage === 'downloading-image') {
      log.fatal(`failed to download "${url}": ${faults.failAt.message}`);
    }
    mkdirSync(join(limaHome, '_standin', 'cache'), { recursive: true });
    writeFileSync(cacheMarker, url);
    log.info(`Downloaded the image from "${url}"`);
  }
  writeFileSync(baseDisk, '');
}

function applyEditFlags(config: LimaConfig, parsed: Parsed, log: StandInLogger): void {
  const cpus = parsed.flags.get('cpus');
  if (cpus !== undefined) config.cpus = Number(cpus);
  const memory = parsed.flags.get('memory');
  if (memory !== undefined) config.memory = `${Number(memory)}GiB`;
  const disk = parsed.flags.get('disk');
  if (disk !== undefined) config.disk = `${Number(disk)}GiB`;
  const expression = parsed.flags.get('set');
  if (expression !== undefined) applyYq(config, expression, log);
}

/** The yq expressions Clawbar uses (`.disk = "80GiB"`, `.portForwards[0].hostPort = 51234`). */
function applyYq(config: LimaConfig, expression: string, log: StandInLogger): void {
  for (const part of expression.split('|').map(text => text.trim())) {
    const disk = /^\.disk\s*=\s*"([\d.]+GiB)"$/.exec(part);
    const hostPort = /^\.portForwards\[(\d+)\]\.hostPort\s*=\s*(\d+)$/.exec(part);
    const cpus = /^\.cpus\s*=\s*(\d+)$/.exec(part);
    const memory = /^\.memory\s*=\s*"([\d.]+GiB)"$/.exec(part);
    if (disk?.[1]) config.disk = disk[1];
    else if (cpus?.[1]) config.cpus = Number(cpus[1]);
    else if (memory?.[1]) config.memory = memory[1];
    else if (hostPort?.[1] && hostPort[2]) {
      const rule = config.portForwards?.[Number(hostPort[1])];
      if (!rule) log.fatal(`failed to apply yq expression ${JSON.stringify(part)}: no such port forward`);
      rule.hostPort = Number(hostPort[2]);
    } else {
      log.fatal(`failed to evaluate yq expression ${JSON.stringify(part)}: not supported by the stand-in`);
    }
  }
}

async function start(parsed: Parsed, limaHome: string, log: StandInLogger): Promise<void> {
  const arg = parsed.positional[0];
  if (!arg) log.fatal('requires an instance name or a template');
  let name = arg;
  if (!instanceNamePattern.test(arg) || arg.endsWith('.yaml')) {
    name = await create(parsed, limaHome, log);
  } else if (!existsSync(instancePaths(limaHome, arg).limaYaml)) {
    log.fatal(`instance "${arg}" does not exist, run \`limactl create ${arg}\` to create a new instance`);
  }
  const instance = await inspect(limaHome, name);
  if (!instance) log.fatal(`instance "${name}" does not exist`);
  if (instance.errors.length > 0) log.fatal(`errors inspecting instance: [${instance.errors.join(' ')}]`);
  if (instance.status === 'Running') {
    log.info(`The instance \`${name}\` is already running. Run \`limactl shell ${name}\` to open the shell.`);
    return;
  }
  const paths = instance.paths;
  if (existsSync(paths.haPid)) {
    log.fatal(
      `instance "${name}" seems running (hint: remove "${paths.haPid}" if the instance is not actually running)`,
    );
  }
  log.info(`Starting the instance "${name}" with internal VM driver "${instance.config.vmType ?? 'vz'}"`);
  await prepareImage(limaHome, paths.dir, instance.config, log);
  resizeDisk(instance, log);

  const timeoutMs = parseDuration(parsed.flags.get('timeout') ?? '10m');
  rmSync(paths.haStdout, { force: true });
  rmSync(paths.haStderr, { force: true });
  const stdout = openSync(paths.haStdout, 'w');
  const stderr = openSync(paths.haStderr, 'w');
  const script = process.argv[1] ?? '';
  const agent = spawn(
    process.execPath,
    [script, 'hostagent', '--pidfile', paths.haPid, '--socket', paths.haSock, name],
    { detached: true, stdio: ['ignore', stdout, stderr], env: process.env },
  );
  agent.unref();
  closeSync(stdout);
  closeSync(stderr);
  // A host agent that fails at once may be gone before its PID file is seen: its events say why.
  let exited = false;
  agent.once('exit', () => (exited = true));

  await waitFor(() => exited || existsSync(paths.haPid), 5000).catch(() =>
    log.fatal(
      `hostagent (${JSON.stringify(paths.haPid)}) did not start up in 5s (hint: see ${JSON.stringify(paths.haStderr)})`,
    ),
  );
  await watchUntilRunning(paths, name, agent.pid ?? 0, timeoutMs, log);
}

/** Lima grows the disk at start; shrinking is refused. */
function resizeDisk(instance: Instance, log: StandInLogger): void {
  const guest = readGuestState(instance.paths);
  const wanted = parseSize(instance.config.disk, 100 * 2 ** 30);
  if (guest.diskBytes === undefined) {
    writeGuestState(instance.paths, { ...guest, diskBytes: wanted });
    return;
  }
  if (wanted === guest.diskBytes) return;
  const gib = (bytes: number) => `${bytes / 2 ** 30}GiB`;
  log.info(`Resize instance ${instance.name}'s disk from ${gib(guest.diskBytes)} to ${gib(wanted)}`);
  if (wanted < guest.diskBytes) log.fatal('diffDisk: Shrinking is currently unavailable');
  writeGuestState(instance.paths, { ...guest, diskBytes: wanted });
}

/** Tails ha.stdout.log (events) and ha.stderr.log (propagated as "[hostagent] …") until running. */
async function watchUntilRunning(
  paths: ReturnType<typeof instancePaths>,
  name: string,
  agentPid: number,
  timeoutMs: number,
  log: StandInLogger,
): Promise<void> {
  const events = new FileTail(paths.haStdout);
  const logs = new FileTail(paths.haStderr);
  const deadline = Date.now() + timeoutMs;
  let printedPort = false;
  const propagateLogs = () => {
    for (const line of logs.lines()) {
      try {
        log.propagate(JSON.parse(line) as Record<string, unknown>, '[hostagent] ');
      } catch {
        log.info(`[hostagent] ${line}`);
      }
    }
  };
  for (;;) {
    propagateLogs();
    for (const line of events.lines()) {
      let status: Record<string, unknown>;
      try {
        status = (JSON.parse(line) as { status?: Record<string, unknown> }).status ?? {};
      } catch {
        continue;
      }
      if (!printedPort && typeof status.sshLocalPort === 'number') {
        log.info(`SSH Local Port: ${status.sshLocalPort}`);
        printedPort = true;
      }
      const errors = Array.isArray(status.errors) ? (status.errors as string[]) : [];
      if (errors.length > 0) log.error(`[${errors.join(' ')}]`);
      if (status.exiting === true) {
        // The agent logs its reason before it emits the event: print what came in meanwhile.
        propagateLogs();
        log.fatal(`exiting, status=${goStatus(status)} (hint: see ${JSON.stringify(paths.haStderr)})`);
      }
      if (status.running === true) {
        if (status.degraded === true) {
          log.warn(
            `DEGRADED. The VM seems running, but file sharing and port forwarding may not work. (hint: see ${JSON.stringify(paths.haStderr)})`,
          );
          log.fatal(`degraded, status=${goStatus(status)}`);
        }
        log.info(`READY. Run \`limactl shell ${name}\` to open the shell.`);
        return;
      }
    }
    if (agentPid > 0 && !isAlive(agentPid) && !existsSync(paths.haPid)) {
      log.fatal('host agent process has exited: exit status 1');
    }
    if (Date.now() > deadline) log.fatal('did not receive an event with the "running" status');
    await sleep(50);
  }
}

/** Go's `%+v` of the events.Status struct, close enough for the log line. */
function goStatus(status: Record<string, unknown>): string {
  const errors = Array.isArray(status.errors) ? (status.errors as string[]).join(' ') : '';
  return `{Running:${status.running === true} Degraded:${status.degraded === true} Exiting:${status.exiting === true} Errors:[${errors}] SSHLocalPort:${Number(status.sshLocalPort ?? 0)}}`;
}

class FileTail {
  private offset = 0;
  private partial = '';

  constructor(private readonly file: string) {}

  lines(): string[] {
    let size: number;
    try {
      size = statSync(this.file).size;
    } catch {
      return [];
    }
    if (size <= this.offset) return [];
    const buffer = Buffer.alloc(size - this.offset);
    const fd = openSync(this.file, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, this.offset);
    } finally {
      closeSync(fd);
    }
    this.offset = size;
    const text = this.partial + buffer.toString('utf8');
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    return parts.filter(line => line.trim() !== '');
  }
}

async function stop(parsed: Parsed, limaHome: string, log: StandInLogger): Promise<void> {
  const name = parsed.positional[0] ?? 'default';
  const instance = await inspect(limaHome, name);
  if (!instance)
    log.fatal(`instance "${name}" does not exist, run \`limactl create ${name}\` to create a new instance`);
  if (flagTrue(parsed, 'force')) {
    stopForcibly(instance, log);
    return;
  }
  if (instance.status !== 'Running' || instance.hostAgentPID === undefined) {
    log.fatal(`expected status "Running", got "${instance.status}" (maybe use \`limactl stop -f\`?)`);
  }
  const events = new FileTail(instance.paths.haStdout);
  events.lines(); // only events from now on
  log.info(`Sending SIGINT to hostagent process ${instance.hostAgentPID}`);
  process.kill(instance.hostAgentPID, 'SIGINT');
  log.info('Waiting for the host agent and the driver processes to shut down');
  const pid = instance.hostAgentPID;
  await waitFor(
    () => events.lines().some(line => line.includes('"exiting":true')) || !isAlive(pid),
    190_000,
  ).catch(() => log.fatal('did not receive an event with the "exiting" status'));
  log.info('Waiting for the instance to shut down');
  await waitFor(() => !isAlive(pid), 180_000).catch(() =>
    log.fatal('timed out waiting for instance to shut down after 3 minutes'),
  );
  log.info(`The instance ${name} has shut down`);
}

function stopForcibly(instance: Instance, log: StandInLogger): void {
  const vmType = instance.config.vmType ?? 'vz';
  const driverPid = instance.driverPID ?? readPid(instance.paths.vzPid);
  if (driverPid !== undefined && isAlive(driverPid)) {
    log.info(`Sending SIGKILL to the ${vmType} driver process ${driverPid}`);
    process.kill(driverPid, 'SIGKILL');
  } else {
    log.info(`The ${vmType} driver process seems already stopped`);
  }
  const agentPid = instance.hostAgentPID ?? readPid(instance.paths.haPid);
  if (agentPid !== undefined && agentPid !== driverPid && isAlive(agentPid)) {
    log.info(`Sending SIGKILL to the host agent process ${agentPid}`);
    process.kill(agentPid, 'SIGKILL');
  } else if (agentPid === undefined || agentPid !== driverPid) {
    log.info('The host agent process seems already stopped');
  }
  log.info(`Removing *.pid *.sock *.tmp under ${JSON.stringify(instance.paths.dir)}`);
  for (const entry of readdirSync(instance.paths.dir)) {
    if (/\.(pid|sock|tmp)$/.test(entry)) {
      log.info(`Removing ${JSON.stringify(join(instance.paths.dir, entry))}`);
      rmSync(join(instance.paths.dir, entry), { force: true });
    }
  }
  const guest = readGuestState(instance.paths);
  writeGuestState(instance.paths, { ...guest, k3sActive: 'inactive' });
}

async function remove(parsed: Parsed, limaHome: string, log: StandInLogger): Promise<void> {
  for (const name of parsed.positional) {
    const instance = await inspect(limaHome, name);
    if (!instance) {
      log.warn(`Ignoring non-existent instance "${name}"`);
      continue;
    }
    const force = flagTrue(parsed, 'force');
    if (!force && instance.status !== 'Stopped') {
      log.fatal(`failed to delete instance "${name}": expected status "Stopped", got "${instance.status}"`);
    }
    stopForcibly(instance, log);
    rmSync(instance.paths.dir, { recursive: true, force: true });
    log.info(`Deleted "${name}" ("${instance.paths.dir}")`);
  }
}

async function edit(parsed: Parsed, limaHome: string, log: StandInLogger): Promise<void> {
  const name = parsed.positional[0] ?? 'default';
  const instance = await inspect(limaHome, name);
  if (!instance) {
    log.info(`Instance "${name}" not found`);
    return;
  }
  if (instance.status === 'Running') log.fatal('Cannot edit a running instance');
  const config = { ...instance.config };
  applyEditFlags(config, parsed, log);
  validate(config, log);
  writeFileSync(instance.paths.limaYaml, stringify(config));
  log.info(`Instance "${name}" configuration edited`);
}

async function shell(parsed: Parsed, limaHome: string, log: StandInLogger): Promise<void> {
  const [name, ...command] = parsed.positional;
  if (!name) log.fatal('requires at least 1 arg(s), only received 0');
  const instance = await inspect(limaHome, name);
  if (!instance)
    log.fatal(`instance "${name}" does not exist, run \`limactl create ${name}\` to create a new instance`);
  if (instance.status !== 'Running') {
    log.fatal(
      `instance "${name}" is ${instance.status.toLowerCase()}, run \`limactl start ${name}\` to start the instance`,
    );
  }
  const { runGuestCommand } = await import('./shell');
  const result = runGuestCommand(instance.paths, name, command);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.code;
}

function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error('timed out'));
      else setTimeout(tick, 25);
    };
    tick();
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
