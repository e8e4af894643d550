import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { ClawbarError, isClawbarError } from '../../../common/errors';
import type { Progress } from '../../../common/progress';
import type { ExecRunner } from '../platform/exec';
import type { Logger } from '../platform/log';
import { networkReason, type FetchLike } from './ollama-client';
import { ollamaAppBinary } from './ollama-detect';

/**
 * Installs Ollama.app when it is missing, with the user's consent: download the official macOS
 * archive (a setting), check it is whole and is what it claims (a zip that tests clean, holding
 * Ollama.app with Ollama's bundle id and server binary, nothing outside it, and on macOS a valid
 * code signature), unpack it next to its destination and move it into ~/Applications in one
 * rename. Each step reports progress; cancelling at any point leaves nothing behind.
 */
export interface InstallerDependencies {
  exec: ExecRunner;
  fetch?: FetchLike;
  platform: NodeJS.Platform;
  /** ~/Applications (the user's; no administrator rights needed). */
  applicationsDir: string;
  /** Where the archive is downloaded to (the app's cache). */
  downloadDir: string;
  log: Logger;
  /** No answer (headers) within this long is a failure. */
  connectTimeoutMs?: number;
  /** No bytes for this long is a failure. */
  idleTimeoutMs?: number;
}

export interface InstallRequest {
  url: string;
  signal?: AbortSignal | undefined;
  onProgress: (progress: Progress) => void;
}

export interface InstalledApp {
  appPath: string;
  binaryPath: string;
}

export const ollamaBundleId = 'com.electron.ollama';
const requiredEntries = ['Ollama.app/Contents/Info.plist', `Ollama.app/Contents/Resources/ollama`];

export async function installOllamaApp(
  deps: InstallerDependencies,
  request: InstallRequest,
): Promise<InstalledApp> {
  const appPath = join(deps.applicationsDir, 'Ollama.app');
  if (await exists(appPath)) {
    throw new ClawbarError('already-installed', `Ollama.app is already installed at ${appPath}.`);
  }
  const id = randomBytes(6).toString('hex');
  const archive = join(deps.downloadDir, `ollama-${id}.zip`);
  const staging = join(deps.applicationsDir, `.clawbar-ollama-${id}`);
  try {
    await mkdir(deps.downloadDir, { recursive: true });
    await download(deps, request, archive);
    checkCancelled(request.signal);
    request.onProgress({ step: 'verify', done: 0, detail: 'Checking the archive' });
    await verifyArchive(deps.exec, archive, request.signal);
    request.onProgress({ step: 'extract', done: 0, detail: 'Unpacking Ollama.app' });
    await mkdir(deps.applicationsDir, { recursive: true });
    await mkdir(staging);
    await extract(deps, archive, staging, request.signal);
    const stagedApp = join(staging, 'Ollama.app');
    await verifyBundle(deps, stagedApp, request.signal);
    checkCancelled(request.signal);
    request.onProgress({ step: 'install', done: 0, detail: `Moving Ollama.app to ${deps.applicationsDir}` });
    if (await exists(appPath)) {
      throw new ClawbarError('already-installed', `Ollama.app appeared at ${appPath} while installing.`);
    }
    await rename(stagedApp, appPath);
    deps.log.info('Ollama.app installed', { appPath, from: request.url });
    return { appPath, binaryPath: join(deps.applicationsDir, ollamaAppBinary) };
  } catch (error) {
    if (request.signal?.aborted && !(isClawbarError(error) && error.code === 'cancelled')) {
      throw new ClawbarError('cancelled', 'The Ollama installation was cancelled.', undefined, {
        cause: error,
      });
    }
    throw error;
  } finally {
    await rm(archive, { force: true });
    await rm(staging, { recursive: true, force: true });
  }
}

async function download(deps: InstallerDependencies, request: InstallRequest, file: string): Promise<void> {
  const { url, signal, onProgress } = request;
  const connect = AbortSignal.timeout(deps.connectTimeoutMs ?? 30_000);
  const idle = new AbortController();
  const fetchImpl = deps.fetch ?? fetch;
  const host = safeHost(url);
  onProgress({ step: 'download', done: 0, detail: `Connecting to ${host}` });
  let response: Response;
  try {
    response = await fetchImpl(url, {
      signal: AbortSignal.any([connect, idle.signal, ...(signal ? [signal] : [])]),
      redirect: 'follow',
    });
  } catch (error) {
    checkCancelled(signal);
    const reason = connect.aborted ? 'no answer in time' : networkReason(error).detail;
    throw new ClawbarError(
      'download-failed',
      `Could not download Ollama from ${host}: ${reason}.`,
      undefined,
      { cause: error },
    );
  }
  if (!response.ok || !response.body) {
    throw new ClawbarError(
      'download-failed',
      `Downloading Ollama from ${host} failed: HTTP ${response.status}.`,
    );
  }
  const lengthHeader = response.headers.get('content-length');
  const total = lengthHeader && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  const handle = await open(file, 'w', 0o600);
  let received = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  const idleMs = deps.idleTimeoutMs ?? 60_000;
  const armIdle = (): void => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => idle.abort(), idleMs);
    idleTimer.unref();
  };
  let lastReport = 0;
  try {
    armIdle();
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        checkCancelled(signal);
        if (idle.signal.aborted) {
          throw new ClawbarError(
            'download-failed',
            `The download from ${host} stalled: no data for ${Math.round(idleMs / 1000)} s.`,
          );
        }
        throw new ClawbarError(
          'download-truncated',
          `The download from ${host} broke off after ${received} of ${total ?? 'an unknown number of'} bytes.`,
          undefined,
          { cause: error },
        );
      }
      if (chunk.done) break;
      armIdle();
      await handle.write(chunk.value);
      received += chunk.value.byteLength;
      if (total !== undefined && received > total) {
        throw new ClawbarError(
          'download-failed',
          `The download from ${host} sent more than the announced ${total} bytes.`,
        );
      }
      const now = Date.now();
      if (now - lastReport >= 100) {
        lastReport = now;
        onProgress({
          step: 'download',
          done: received,
          ...(total === undefined ? {} : { total }),
          detail: `Downloading from ${host}`,
        });
      }
    }
  } finally {
    clearTimeout(idleTimer);
    await handle.close();
  }
  if (total !== undefined && received !== total) {
    throw new ClawbarError(
      'download-truncated',
      `The download from ${host} stopped at ${received} of ${total} bytes.`,
    );
  }
  onProgress({
    step: 'download',
    done: received,
    total: total ?? received,
    detail: `Downloaded from ${host}`,
  });
}

/** The archive tests clean and holds Ollama.app, with nothing that would land outside it. */
async function verifyArchive(
  exec: ExecRunner,
  archive: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  try {
    await exec.run('unzip', ['-tq', archive], { timeoutMs: 120_000, signal });
  } catch (error) {
    checkCancelled(signal);
    throw new ClawbarError(
      'archive-invalid',
      `The downloaded file is not a valid zip archive: ${describe(error)}`,
      undefined,
      {
        cause: error,
      },
    );
  }
  const listing = await exec.run('unzip', ['-Z1', archive], { timeoutMs: 60_000, signal });
  const entries = listing.stdout
    .split('\n')
    .map(line => line.trim())
    .filter(Boolean);
  const unsafe = entries.find(entry => entry.startsWith('/') || entry.split('/').includes('..'));
  if (unsafe)
    throw new ClawbarError('archive-invalid', `The archive has an entry outside its folder: ${unsafe}`);
  const stray = entries.find(entry => !entry.startsWith('Ollama.app/') && !entry.startsWith('__MACOSX/'));
  if (stray) throw new ClawbarError('archive-invalid', `The archive holds more than Ollama.app (${stray}).`);
  const missing = requiredEntries.filter(entry => !entries.includes(entry));
  if (missing.length > 0) {
    throw new ClawbarError(
      'archive-invalid',
      `The archive is not Ollama.app: ${missing.join(', ')} missing.`,
    );
  }
}

async function extract(
  deps: InstallerDependencies,
  archive: string,
  into: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  try {
    if (deps.platform === 'darwin') {
      // ditto keeps what a signed bundle needs: symlinks, permissions, extended attributes.
      await deps.exec.run('ditto', ['-x', '-k', archive, into], { timeoutMs: 300_000, signal });
    } else {
      await deps.exec.run('unzip', ['-q', archive, '-d', into], { timeoutMs: 300_000, signal });
    }
  } catch (error) {
    checkCancelled(signal);
    throw new ClawbarError('install-failed', `Could not unpack Ollama.app: ${describe(error)}`, undefined, {
      cause: error,
    });
  }
}

async function verifyBundle(
  deps: InstallerDependencies,
  app: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const plist = await readFile(join(app, 'Contents', 'Info.plist'), 'utf8').catch(() => '');
  if (!plist.includes(`<string>${ollamaBundleId}</string>`)) {
    throw new ClawbarError(
      'archive-invalid',
      `The archive's app is not Ollama (bundle id ${ollamaBundleId} not found).`,
    );
  }
  const binary = join(app, 'Contents', 'Resources', 'ollama');
  const runnable = await access(binary, constants.X_OK).then(
    () => true,
    () => false,
  );
  if (!runnable)
    throw new ClawbarError('archive-invalid', 'The archive’s Ollama server binary is not executable.');
  if (deps.platform === 'darwin') {
    try {
      await deps.exec.run('codesign', ['--verify', '--deep', '--strict', app], {
        timeoutMs: 120_000,
        signal,
      });
    } catch (error) {
      checkCancelled(signal);
      throw new ClawbarError(
        'archive-invalid',
        `Ollama.app's code signature is not valid: ${describe(error)}`,
        undefined,
        {
          cause: error,
        },
      );
    }
  }
}

function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ClawbarError('cancelled', 'The Ollama installation was cancelled.');
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url.slice(0, 100);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n').slice(0, 4).join(' ');
  return String(error);
}
