import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import {
  access,
  chmod,
  constants,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  writeFile,
} from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';

/**
 * Packaging time only (`npm run dist` runs it; never install or test time): downloads the Lima
 * release pinned in scripts/limactl-release.json for each Mac architecture, checks its sha256,
 * and unpacks limactl and its guest agents to build/lima/<arch>/, which electron-builder ships as
 * `Resources/lima` (see electron-builder.yml). A download that does not match the pin is deleted
 * and the build stops.
 */
export const macArchs = ['arm64', 'x64'] as const;
export type MacArch = (typeof macArchs)[number];

export interface LimaRelease {
  version: string;
  baseUrl: string;
  archives: Record<MacArch, { file: string; sha256: string; guestAgent: string }>;
}

export interface FetchOptions {
  arch: MacArch;
  release: LimaRelease;
  outDir: string;
  /** Whole download deadline. */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface FetchResult {
  dir: string;
  /** True when the pinned version was already unpacked there. */
  cached: boolean;
}

const root = resolve(import.meta.dirname, '..');

export async function loadRelease(
  file = join(root, 'scripts', 'limactl-release.json'),
): Promise<LimaRelease> {
  return JSON.parse(await readFile(file, 'utf8')) as LimaRelease;
}

export async function fetchLimactl(options: FetchOptions): Promise<FetchResult> {
  const pin = options.release.archives[options.arch];
  const log = options.log ?? (() => undefined);
  const target = join(options.outDir, options.arch);
  const stamp = `${options.release.version} ${pin.sha256}\n`;
  if (
    (await readFile(join(target, '.pinned'), 'utf8').catch(() => '')) === stamp &&
    existsSync(join(target, 'bin', 'limactl'))
  ) {
    log(`limactl ${options.release.version} (${options.arch}) already in ${target}`);
    return { dir: target, cached: true };
  }
  await mkdir(options.outDir, { recursive: true });
  const work = await mkdtemp(join(options.outDir, `.fetch-${options.arch}-`));
  try {
    const archive = join(work, pin.file);
    const url = `${options.release.baseUrl.replace(/\/$/, '')}/${pin.file}`;
    log(`Downloading ${url}`);
    const digest = await download(url, archive, options.timeoutMs ?? 10 * 60_000);
    if (digest !== pin.sha256) {
      throw new Error(
        `Checksum mismatch for ${pin.file}: expected ${pin.sha256}, got ${digest}. The download was discarded; nothing was unpacked.`,
      );
    }
    const staging = join(work, 'unpacked');
    await mkdir(staging);
    await run('tar', ['-xzf', archive, '-C', staging]);
    await verifyLayout(staging, pin.guestAgent);
    await writeFile(join(staging, '.pinned'), stamp);
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
    log(`limactl ${options.release.version} (${options.arch}) unpacked to ${target}`);
    return { dir: target, cached: false };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Streams the download to disk, hashing as it goes; returns the sha256 in hex. */
async function download(url: string, file: string, timeoutMs: number): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  if (!response.ok || !response.body) throw new Error(`Downloading ${url} failed: HTTP ${response.status}`);
  const hash = createHash('sha256');
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => hash.update(chunk));
  await pipeline(body, createWriteStream(file));
  return hash.digest('hex');
}

/** limactl must be there and executable, with the guest agent for the VM's architecture. */
async function verifyLayout(dir: string, guestAgent: string): Promise<void> {
  const limactl = join(dir, 'bin', 'limactl');
  try {
    await access(limactl, constants.X_OK);
  } catch {
    throw new Error('The archive has no executable bin/limactl.');
  }
  const share = join(dir, 'share', 'lima');
  const files = existsSync(share) ? await readdir(share) : [];
  if (!files.some(name => name === guestAgent || name === `${guestAgent}.gz`)) {
    throw new Error(`The archive has no share/lima/${guestAgent}(.gz) guest agent.`);
  }
  await chmod(limactl, 0o755);
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', code =>
      code === 0
        ? resolvePromise()
        : reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${stderr.trim()}`)),
    );
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      arch: { type: 'string', default: 'all' },
      out: { type: 'string', default: join(root, 'build', 'lima') },
    },
    strict: true,
  });
  const archs: MacArch[] =
    values.arch === 'all' ? [...macArchs] : macArchs.filter(arch => arch === values.arch);
  if (archs.length === 0) throw new Error(`--arch must be arm64, x64 or all, not ${values.arch}`);
  const release = await loadRelease();
  for (const arch of archs) {
    await fetchLimactl({ arch, release, outDir: values.out, log: line => process.stdout.write(`${line}\n`) });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch((error: unknown) => {
    process.stderr.write(`fetch-limactl: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
