import { access, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { Progress } from '../../../common/progress';
import { ollamaAppArchive, ollamaAppEntries } from '../../../testing/fake-ollama/app-archive';
import { zip } from '../platform/zip';
import { localClient } from '../ipc/clients';
import { dispatch } from '../ipc/dispatch';
import { createExecRunner } from '../platform/exec';
import { createLogger } from '../platform/log';
import { appPathsUnder } from '../platform/paths';
import { createServices } from '../services';
import { installOllamaApp } from './ollama-installer';

/** The installer against a local HTTP server serving stand-in archives, good and bad. */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const archive = ollamaAppArchive();

function send(response: ServerResponse, body: Buffer | string, type = 'application/zip'): void {
  response.writeHead(200, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) }).end(body);
}

async function archiveServer(): Promise<string> {
  const server: Server = createServer((request, response) => {
    switch (request.url) {
      case '/Ollama-darwin.zip':
        send(response, archive);
        return;
      case '/truncated.zip':
        response.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': archive.length });
        response.write(archive.subarray(0, Math.floor(archive.length / 2)), () => response.destroy());
        return;
      case '/page.html':
        send(response, '<!doctype html><title>Download Ollama</title>', 'text/html');
        return;
      case '/other-app.zip':
        send(
          response,
          zip([{ name: 'Other.app/' }, { name: 'Other.app/Contents/Info.plist', content: '<plist/>' }]),
        );
        return;
      case '/wrong-bundle.zip':
        send(
          response,
          zip(
            ollamaAppEntries().map(entry =>
              entry.name.endsWith('Info.plist')
                ? {
                    ...entry,
                    content: String(entry.content).replace('com.electron.ollama', 'com.example.evil'),
                  }
                : entry,
            ),
          ),
        );
        return;
      case '/escape.zip':
        send(
          response,
          zip([...ollamaAppEntries(), { name: 'Ollama.app/../../escaped.txt', content: 'gotcha' }]),
        );
        return;
      case '/slow.zip':
        response.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': archive.length });
        response.write(archive.subarray(0, 1024));
        // …and never more.
        return;
      default:
        response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function dirs() {
  const root = await mkdtemp(join(tmpdir(), 'clawbar-install-'));
  return {
    root,
    applicationsDir: join(root, 'Users', 'me', 'Applications'),
    downloadDir: join(root, 'cache'),
  };
}

async function install(url: string, options: { signal?: AbortSignal; progress?: Progress[] } = {}) {
  const { applicationsDir, downloadDir } = await dirs();
  const progress = options.progress ?? [];
  const run = installOllamaApp(
    {
      exec: createExecRunner({ env: process.env, platform: 'linux' }),
      platform: 'linux',
      applicationsDir,
      downloadDir,
      log: createLogger({ sinks: [] }),
    },
    { url, signal: options.signal, onProgress: value => progress.push(value) },
  );
  return { run, applicationsDir, downloadDir, progress };
}

async function leftovers(applicationsDir: string, downloadDir: string): Promise<string[]> {
  const list = async (dir: string) => readdir(dir).catch(() => [] as string[]);
  return [...(await list(applicationsDir)), ...(await list(downloadDir))];
}

describe('installing Ollama.app', () => {
  it('downloads with progress, verifies, and installs into ~/Applications', async () => {
    const base = await archiveServer();
    const { run, applicationsDir, downloadDir, progress } = await install(`${base}/Ollama-darwin.zip`);
    const installed = await run;
    expect(installed.appPath).toBe(join(applicationsDir, 'Ollama.app'));
    await access(installed.binaryPath);
    expect(progress.map(step => step.step)).toEqual(
      expect.arrayContaining(['download', 'verify', 'extract', 'install']),
    );
    const downloaded = progress.filter(step => step.step === 'download').at(-1);
    expect(downloaded).toMatchObject({ done: archive.length, total: archive.length });
    // The archive and the staging folder are gone.
    expect(await leftovers(applicationsDir, downloadDir)).toEqual(['Ollama.app']);
  });

  it('refuses a truncated download and leaves nothing behind', async () => {
    const base = await archiveServer();
    const { run, applicationsDir, downloadDir } = await install(`${base}/truncated.zip`);
    await expect(run).rejects.toMatchObject({
      code: 'download-truncated',
      message: expect.stringContaining(`of ${archive.length}`) as string,
    });
    expect(await leftovers(applicationsDir, downloadDir)).toEqual([]);
  });

  it.each([
    ['a web page instead of a zip', '/page.html', 'not a valid zip'],
    ['a zip of another app', '/other-app.zip', 'more than Ollama.app'],
    ['an app with another bundle id', '/wrong-bundle.zip', 'bundle id'],
    ['an entry escaping the folder', '/escape.zip', 'outside its folder'],
  ])('refuses %s as a bad archive', async (_label, path, message) => {
    const base = await archiveServer();
    const { run, applicationsDir, downloadDir } = await install(`${base}${path}`);
    await expect(run).rejects.toMatchObject({
      code: 'archive-invalid',
      message: expect.stringContaining(message) as string,
    });
    expect(await leftovers(applicationsDir, downloadDir)).toEqual([]);
  });

  it('reports an HTTP error and an unreachable server as a failed download', async () => {
    const base = await archiveServer();
    await expect((await install(`${base}/nope.zip`)).run).rejects.toMatchObject({
      code: 'download-failed',
      message: expect.stringContaining('HTTP 404') as string,
    });
    const dead = createServer();
    await new Promise<void>(resolve => dead.listen(0, '127.0.0.1', resolve));
    const { port } = dead.address() as AddressInfo;
    await new Promise(resolve => dead.close(resolve));
    await expect((await install(`http://127.0.0.1:${port}/Ollama-darwin.zip`)).run).rejects.toMatchObject({
      code: 'download-failed',
      message: expect.stringContaining('ECONNREFUSED') as string,
    });
  });

  it('can be cancelled mid-download, cleaning up', async () => {
    const base = await archiveServer();
    const controller = new AbortController();
    const progress: Progress[] = [];
    const { run, applicationsDir, downloadDir } = await install(`${base}/slow.zip`, {
      signal: controller.signal,
      progress,
    });
    await expect
      .poll(() => progress.some(step => step.step === 'download' && step.done > 0), { timeout: 10_000 })
      .toBe(true);
    controller.abort();
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(await leftovers(applicationsDir, downloadDir)).toEqual([]);
  });

  it('refuses to overwrite an existing Ollama.app', async () => {
    const base = await archiveServer();
    const { applicationsDir, downloadDir } = await dirs();
    await mkdir(join(applicationsDir, 'Ollama.app'), { recursive: true });
    await expect(
      installOllamaApp(
        {
          exec: createExecRunner(),
          platform: 'linux',
          applicationsDir,
          downloadDir,
          log: createLogger({ sinks: [] }),
        },
        { url: `${base}/Ollama-darwin.zip`, onProgress: () => undefined },
      ),
    ).rejects.toMatchObject({ code: 'already-installed' });
  });
});

describe('ollama:install through the contract', () => {
  it('installs with consent, reports progress events, then runs the installed server', async () => {
    const base = await archiveServer();
    const home = await mkdtemp(join(tmpdir(), 'clawbar-install-'));
    await writeFile(
      join(home, 'settings.json'),
      JSON.stringify({ ollama: { installUrl: `${base}/Ollama-darwin.zip` } }),
    );
    const port = await new Promise<number>(resolve => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    await mkdir(join(home, 'empty'));
    const userHome = join(home, 'mac', 'Users', 'me');
    const services = createServices({
      paths: appPathsUnder(home),
      mode: 'demo',
      log: createLogger({ sinks: [] }),
      env: { PATH: `${join(home, 'empty')}:/usr/bin:/bin`, CLAWBAR_HOME: home },
      platform: 'linux',
      mac: { root: join(home, 'mac'), userHome },
      ollama: { url: `http://127.0.0.1:${port}` },
      lmStudioUrl: 'http://127.0.0.1:9',
      stateThrottleMs: 10,
    });
    cleanups.push(() => services.dispose());
    await services.start();
    expect(services.state.snapshot.components.ollama.state).toBe('not-installed');

    const events: string[] = [];
    const client = localClient('ui', (event, payload) => {
      if (event === 'ollama:install-progress') events.push((payload as Progress).step);
    });
    services.hub.add(client);
    expect(await dispatch(services.handlers, 'ollama:install', {}, { client }, services.log)).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    const result = await dispatch(
      services.handlers,
      'ollama:install',
      { consent: true },
      { client },
      services.log,
    );
    expect(result).toMatchObject({
      ok: true,
      value: { ollama: { ownership: 'owned', binary: { source: 'user-app' }, install: { state: 'done' } } },
    });
    expect(events).toEqual(expect.arrayContaining(['download', 'verify', 'extract', 'install']));
    expect(services.state.snapshot.components.ollama.state).toBe('running');
    await access(join(userHome, 'Applications', 'Ollama.app', 'Contents', 'Resources', 'ollama'));

    // A second install is refused: it is there now.
    expect(
      await dispatch(services.handlers, 'ollama:install', { consent: true }, { client }, services.log),
    ).toMatchObject({
      ok: false,
      error: { code: 'already-installed' },
    });
  });
});
