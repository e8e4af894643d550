import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { parse } from 'yaml';

/**
 * The stand-in's instance store, laid out like Lima's: `$LIMA_HOME/<name>/` with lima.yaml,
 * ha.pid, vz.pid, ha.sock, ha.stdout.log (events), ha.stderr.log (JSON logs), serialv.log and
 * copied-from-guest/. What a real VM would keep on its disk (is k3s installed, its journal, its
 * restart counter) lives in `standin/` inside the instance directory.
 */
export const standInLimaVersion = '2.0.3';

export const instanceStatuses = ['Running', 'Stopped', 'Broken'] as const;
export type InstanceStatus = (typeof instanceStatuses)[number];

export interface InstancePaths {
  dir: string;
  limaYaml: string;
  limaVersion: string;
  haPid: string;
  vzPid: string;
  haSock: string;
  haStdout: string;
  haStderr: string;
  serialLog: string;
  copiedKubeconfig: string;
  standinDir: string;
  guestState: string;
  journal: string;
}

export function limaHomeFrom(env: NodeJS.ProcessEnv = process.env): string {
  return env.LIMA_HOME && env.LIMA_HOME.trim() !== '' ? env.LIMA_HOME : join(homedir(), '.lima');
}

export function instancePaths(limaHome: string, name: string): InstancePaths {
  const dir = join(limaHome, name);
  const standinDir = join(dir, 'standin');
  return {
    dir,
    limaYaml: join(dir, 'lima.yaml'),
    limaVersion: join(dir, 'lima-version'),
    haPid: join(dir, 'ha.pid'),
    vzPid: join(dir, 'vz.pid'),
    haSock: join(dir, 'ha.sock'),
    haStdout: join(dir, 'ha.stdout.log'),
    haStderr: join(dir, 'ha.stderr.log'),
    serialLog: join(dir, 'serialv.log'),
    copiedKubeconfig: join(dir, 'copied-from-guest', 'kubeconfig.yaml'),
    standinDir,
    guestState: join(standinDir, 'guest.json'),
    journal: join(standinDir, 'k3s.journal'),
  };
}

export const instanceNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** What a real VM keeps on its disk between boots. */
export interface GuestState {
  /** k3s installed by the first boot's provisioning. */
  provisioned: boolean;
  /** Disk size the VM was first booted with: it can grow, never shrink. */
  diskBytes?: number;
  sshLocalPort?: number;
  k3sRestarts: number;
  k3sActive: 'active' | 'activating' | 'inactive';
}

export function readGuestState(paths: InstancePaths): GuestState {
  try {
    return { ...defaultGuestState(), ...(JSON.parse(readFileSync(paths.guestState, 'utf8')) as GuestState) };
  } catch {
    return defaultGuestState();
  }
}

export function writeGuestState(paths: InstancePaths, state: GuestState): void {
  mkdirSync(paths.standinDir, { recursive: true });
  writeFileSync(paths.guestState, `${JSON.stringify(state)}\n`);
}

function defaultGuestState(): GuestState {
  return { provisioned: false, k3sRestarts: 0, k3sActive: 'inactive' };
}

export interface PortForwardRule {
  guestIP?: string;
  guestPort?: number;
  guestPortRange?: [number, number];
  hostIP?: string;
  hostPort?: number;
  ignore?: boolean;
}

export interface LimaConfig {
  vmType?: string;
  arch?: string;
  cpus?: number;
  memory?: string | number;
  disk?: string | number;
  mounts?: { location: string; mountPoint?: string; writable?: boolean }[];
  portForwards?: PortForwardRule[];
  [key: string]: unknown;
}

export interface Instance {
  name: string;
  paths: InstancePaths;
  status: InstanceStatus;
  config: LimaConfig;
  errors: string[];
  hostAgentPID?: number;
  driverPID?: number;
}

/** "8GiB", "512MiB", "1.5GiB" or a number of bytes, as Lima accepts them. */
export function parseSize(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return value;
  const match = /^\s*([\d.]+)\s*(B|KiB|MiB|GiB|TiB)?\s*$/i.exec(value);
  if (!match?.[1]) throw new Error(`invalid size ${JSON.stringify(value)}`);
  const units: Record<string, number> = { b: 1, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };
  return Math.round(Number(match[1]) * (units[(match[2] ?? 'B').toLowerCase()] ?? 1));
}

export function guestArch(): string {
  return process.arch === 'arm64' ? 'aarch64' : 'x86_64';
}

export function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** GET /v1/info on the host agent's socket, like Lima's hostagent API client. */
export function queryHostAgent(socket: string, timeoutMs = 3000): Promise<{ sshLocalPort?: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path: '/v1/info', method: 'GET', timeout: timeoutMs }, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as { sshLocalPort?: number });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('context deadline exceeded')));
    req.on('error', reject);
    req.end();
  });
}

export function instanceNames(limaHome: string): string[] {
  if (!existsSync(limaHome)) return [];
  return readdirSync(limaHome, { withFileTypes: true })
    .filter(entry => entry.isDirectory() && !entry.name.startsWith('_'))
    .map(entry => entry.name)
    .filter(name => existsSync(join(limaHome, name, 'lima.yaml')))
    .sort();
}

/**
 * Lima's status logic: Running when the host agent and the driver are alive and the host agent
 * answers on its socket; Stopped when neither is alive; Broken otherwise (or when lima.yaml is
 * invalid). A PID file whose process is gone is removed, as Lima does.
 */
export async function inspect(limaHome: string, name: string): Promise<Instance | undefined> {
  const paths = instancePaths(limaHome, name);
  if (!existsSync(paths.limaYaml)) return undefined;
  const errors: string[] = [];
  let config: LimaConfig = {};
  try {
    const parsed: unknown = parse(readFileSync(paths.limaYaml, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not a YAML mapping');
    config = parsed as LimaConfig;
  } catch (error) {
    errors.push(`failed to load YAML file "${paths.limaYaml}": ${(error as Error).message}`);
  }
  const hostAgentPID = livePid(paths.haPid);
  const driverPID = livePid(paths.vzPid);
  let status: InstanceStatus = 'Stopped';
  if (hostAgentPID !== undefined && driverPID !== undefined) {
    try {
      await queryHostAgent(paths.haSock);
      status = 'Running';
    } catch (error) {
      status = 'Broken';
      errors.push(`failed to get Info from "${paths.haSock}": ${(error as Error).message}`);
    }
  } else if (hostAgentPID !== undefined) {
    status = 'Broken';
    errors.push('host agent is running but driver is not');
  } else if (driverPID !== undefined) {
    status = 'Broken';
    errors.push('driver is running but host agent is not');
  }
  if (errors.length > 0) status = 'Broken';
  return {
    name,
    paths,
    status,
    config,
    errors,
    ...(hostAgentPID === undefined ? {} : { hostAgentPID }),
    ...(driverPID === undefined ? {} : { driverPID }),
  };
}

function livePid(file: string): number | undefined {
  const pid = readPid(file);
  if (pid === undefined) return undefined;
  if (isAlive(pid)) return pid;
  rmSync(file, { force: true });
  return undefined;
}

/** One `limactl list --json` line: the fields of Lima's Instance struct plus the global ones. */
export function listRecord(instance: Instance, limaHome: string): Record<string, unknown> {
  const { config, paths } = instance;
  const guest = readGuestState(paths);
  const running = instance.status === 'Running';
  const record: Record<string, unknown> = {
    name: instance.name,
    hostname: `lima-${instance.name}`,
    status: instance.status,
    dir: paths.dir,
    vmType: config.vmType ?? 'vz',
    arch: config.arch ?? guestArch(),
    cpus: config.cpus ?? 4,
    memory: safeSize(config.memory, 4 * 2 ** 30),
    disk: safeSize(config.disk, 100 * 2 ** 30),
  };
  if (running && guest.sshLocalPort) record.sshLocalPort = guest.sshLocalPort;
  record.sshConfigFile = join(paths.dir, 'ssh.config');
  if (instance.hostAgentPID !== undefined) record.hostAgentPID = instance.hostAgentPID;
  if (instance.driverPID !== undefined) record.driverPID = instance.driverPID;
  if (instance.errors.length > 0) record.errors = instance.errors;
  record.config = config;
  record.sshAddress = '127.0.0.1';
  record.protected = false;
  record.limaVersion = existsSync(paths.limaVersion)
    ? readFileSync(paths.limaVersion, 'utf8').trim()
    : standInLimaVersion;
  record.param = {};
  record.HostOS = process.platform;
  record.HostArch = guestArch();
  record.LimaHome = limaHome;
  record.IdentityFile = join(limaHome, '_config', 'user');
  return record;
}

function safeSize(value: string | number | undefined, fallback: number): number {
  try {
    return parseSize(value, fallback);
  } catch {
    return fallback;
  }
}
