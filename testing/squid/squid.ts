import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import { adaptSquidConfig } from './adapt-config';
import { startFakeInternet, type FakeInternet } from './fake-internet';
import { choosePort } from '../../electron/services/platform/free-port';

/**
 * Real Squid for tests: `squid -k parse` on a config, and a running Squid on 127.0.0.1 (free port,
 * private temp dir, foreground with -N) in front of the fake internet. Debian's `squid` package
 * provides it; CI installs it.
 */

export const squidMissingMessage =
  'squid is not installed (Debian: apt-get install squid; or set SQUID=/path/to/squid): the real-Squid tests are skipped';

/** $SQUID, else `squid` on PATH or in the sbin directories, else null. */
export function findSquid(): string | null {
  const explicit = process.env.SQUID;
  if (explicit) return existsSync(explicit) ? explicit : null;
  return findExecutable('squid', ['/usr/sbin', '/usr/local/sbin', '/sbin']);
}

function findExecutable(name: string, extraDirs: readonly string[]): string | null {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), ...extraDirs]) {
    const candidate = join(dir, name);
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  return null;
}

export interface SquidParse {
  /** Squid's exit code: 0 when it accepts the config. */
  code: number;
  /** The WARNING / ERROR / FATAL lines, without their timestamps. */
  problems: string[];
  output: string;
}

/** `squid -k parse -f <file>` on the config as given. */
export async function parseSquidConfig(squid: string, config: string): Promise<SquidParse> {
  const dir = await mkdtemp(join(tmpdir(), 'clawbar-squid-parse-'));
  try {
    const file = join(dir, 'squid.conf');
    await writeFile(file, config);
    const { code, output } = await new Promise<{ code: number; output: string }>(resolve => {
      execFile(squid, ['-k', 'parse', '-f', file], { timeout: 20_000 }, (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code: exitCode, output: `${stdout}${stderr}` });
      });
    });
    return { code, problems: problemLines(output), output };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Squid's warnings about its own harness-independent settings, present for every config. */
export const expectedSquidWarnings = [
  // `via off` (SANDBOX.md: tell the sites nothing): Squid notes that HTTP/1.1 wants Via.
  'WARNING: HTTP requires the use of Via',
];

export interface RunningSquid {
  readonly port: number;
  readonly dir: string;
  /** The config Squid runs (the rendered one after adaptSquidConfig). */
  readonly config: string;
  readonly internet: FakeInternet;
  /** The access log Squid wrote so far, line by line. */
  accessLog(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Starts Squid with the rendered config (adapted only in ports and paths) in front of a fresh fake
 * internet; resolves once it accepts connections. Squid runs unprivileged, as in the pod: a test
 * running as root starts it as Squid's `proxy` user (or `nobody`) and hands it the temp dir.
 */
export async function startSquid(squid: string, rendered: string): Promise<RunningSquid> {
  const dir = await mkdtemp(join(tmpdir(), 'clawbar-squid-'));
  let internet: FakeInternet | null = null;
  let child: SquidProcess | null = null;
  try {
    internet = await startFakeInternet();
    const port = await choosePort();
    const user = process.getuid?.() === 0 ? await unprivilegedUser() : null;
    if (user) await chown(dir, user.uid, user.gid);
    const config = adaptSquidConfig(rendered, { port, dir, internetPort: internet.port });
    const file = join(dir, 'squid.conf');
    await writeFile(file, config);
    const started = spawnSquid(squid, file, user);
    child = started;
    await waitForPort(
      port,
      started,
      async () => `${started.output()}\n${await readText(join(dir, 'cache.log'))}`,
    );
    const fake = internet;
    return {
      port,
      dir,
      config,
      internet: fake,
      accessLog: async () =>
        (await readText(join(dir, 'access.log'))).split('\n').filter(line => line !== ''),
      stop: async () => {
        await stopSquid(started);
        await fake.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (child) await stopSquid(child);
    await internet?.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

interface SquidProcess {
  readonly process: ChildProcess;
  readonly exited: Promise<void>;
  readonly hasExited: boolean;
  output(): string;
}

/** Squids still running, killed if the test process exits without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const squidProcess of running) squidProcess.kill('SIGKILL');
});

/**
 * Squid in the foreground (-N), in the test's own process group, so an interrupted run (Ctrl-C)
 * takes it down too; on Linux `setpriv --pdeathsig` also kills it if the test process dies
 * outright. The pinger is off in the rendered config, so Squid starts no helpers.
 */
function spawnSquid(squid: string, file: string, user: User | null): SquidProcess {
  const setpriv = findExecutable('setpriv', []);
  const squidArgs = ['-N', '-f', file];
  const child = spawn(
    setpriv ?? squid,
    setpriv ? ['--pdeathsig', 'KILL', '--', squid, ...squidArgs] : squidArgs,
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    },
  );
  running.add(child);
  let output = '';
  const collect = (chunk: Buffer | string): void => {
    output = `${output}${chunk.toString()}`.slice(-16_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let hasExited = false;
  const exited = new Promise<void>(resolve => {
    const done = (): void => {
      hasExited = true;
      running.delete(child);
      resolve();
    };
    child.once('exit', done);
    child.once('error', error => {
      collect(String(error));
      done();
    });
  });
  return {
    process: child,
    exited,
    get hasExited() {
      return hasExited;
    },
    output: () => output,
  };
}

/**
 * SIGINT is Squid's immediate shutdown (SIGTERM waits shutdown_lifetime for clients to finish);
 * SIGKILL if it lingers.
 */
async function stopSquid(child: SquidProcess): Promise<void> {
  if (child.hasExited) return;
  child.process.kill('SIGINT');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 5000);
  await child.exited;
  clearTimeout(timer);
}

function problemLines(output: string): string[] {
  return output
    .split('\n')
    .map(line => line.replace(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?(?: kid\d+)?\| /, '').trim())
    .filter(line => /^(WARNING|ERROR|FATAL)\b/i.test(line));
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return '';
  }
}

interface User {
  uid: number;
  gid: number;
}

/** Squid's own `proxy` user (Debian's package creates it), else `nobody`. */
async function unprivilegedUser(): Promise<User> {
  const users = new Map<string, User>();
  for (const line of (await readFile('/etc/passwd', 'utf8')).split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name && uid && gid) users.set(name, { uid: Number(uid), gid: Number(gid) });
  }
  const user = users.get('proxy') ?? users.get('nobody');
  if (!user)
    throw new Error('Running as root, but there is neither a `proxy` nor a `nobody` user to run Squid as');
  return user;
}

async function waitForPort(
  port: number,
  child: SquidProcess,
  describe: () => Promise<string>,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.hasExited) throw new Error(`squid exited before listening:\n${await describe()}`);
    if (await accepts(port)) return;
    if (Date.now() > deadline)
      throw new Error(`squid did not listen on ${port} in time:\n${await describe()}`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
