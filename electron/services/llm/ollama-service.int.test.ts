import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { standInBinDir } from '../../../testing/demo/world';
import { startFakeOllama } from '../../../testing/fake-ollama/server';
import { localClient } from '../ipc/clients';
import { dispatch } from '../ipc/dispatch';
import { createLogger } from '../platform/log';
import { appPathsUnder } from '../platform/paths';
import { createServices, type Services } from '../services';
import { choosePort } from '../platform/free-port';

/**
 * The supervisor through its real path: the services spawn the stand-in `ollama serve` from PATH
 * (testing/bin/ollama), and the tests kill it, crash it, wedge it and take its port.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/api/version`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

interface Setup {
  services: Services;
  home: string;
  url: string;
  port: number;
}

async function setup(
  options: { faults?: Record<string, string>; settings?: object; autoStart?: boolean; port?: number } = {},
): Promise<Setup> {
  const home = await mkdtemp(join(tmpdir(), 'clawbar-ollama-'));
  const port = options.port ?? (await choosePort());
  const url = `http://127.0.0.1:${port}`;
  if (options.settings) await writeFile(join(home, 'settings.json'), JSON.stringify(options.settings));
  const services = createServices({
    paths: appPathsUnder(home),
    mode: 'demo',
    log: createLogger({ sinks: [] }),
    env: {
      PATH: [standInBinDir, '/usr/bin', '/bin'].join(delimiter),
      CLAWBAR_HOME: home,
      FAKE_OLLAMA_SEED: 'qwen3:8b',
      ...options.faults,
    },
    mac: { root: join(home, 'mac'), userHome: join(home, 'mac', 'Users', 'me') },
    ollama: {
      url,
      ...(options.autoStart === undefined ? {} : { autoStart: options.autoStart }),
      supervisorTimings: {
        startTimeoutMs: 15_000,
        startPollMs: 50,
        healthIntervalMs: 150,
        unhealthyAfter: 2,
        backoffInitialMs: 50,
        backoffMaxMs: 400,
        crashLoopCount: 3,
        crashLoopWindowMs: 60_000,
        stopGraceMs: 2000,
      },
    },
    lmStudioUrl: `http://127.0.0.1:${await choosePort()}`,
    statusIntervalMs: 200,
    stateThrottleMs: 10,
  });
  cleanups.push(() => services.dispose());
  await services.start();
  return { services, home, url, port };
}

const ollamaState = (services: Services) => services.state.snapshot.components.ollama.state;

async function invoke(services: Services, channel: string, input?: unknown) {
  return dispatch(services.handlers, channel, input, { client: localClient('test') }, services.log);
}

async function serveConfig(home: string): Promise<{ pid: number; env: Record<string, string> }> {
  return JSON.parse(await readFile(join(home, 'stand-ins', 'ollama', 'serve.json'), 'utf8')) as {
    pid: number;
    env: Record<string, string>;
  };
}

describe('Ollama supervision with the stand-in executable', () => {
  it('spawns `ollama serve` with the server settings, then stops it (and only it) on dispose', async () => {
    const { services, home, url, port } = await setup({
      settings: {
        ollama: {
          keepAlive: '30m',
          numParallel: 2,
          flashAttention: true,
          kvCacheType: 'q4_0',
          contextLength: 8192,
        },
      },
    });
    await expect.poll(() => ollamaState(services), { timeout: 20_000 }).toBe('running');
    const { llm, components } = services.state.snapshot;
    expect(llm.ollama).toMatchObject({
      ownership: 'owned',
      restarts: 0,
      restartToApply: false,
      binary: { source: 'path' },
    });
    expect(components.ollama).toMatchObject({ version: '0.12.6', reason: { code: 'ollama-owned' } });
    const config = await serveConfig(home);
    expect(config.pid).toBe(llm.ollama.pid);
    expect(config.env).toMatchObject({
      OLLAMA_HOST: `127.0.0.1:${port}`,
      OLLAMA_KEEP_ALIVE: '30m',
      OLLAMA_NUM_PARALLEL: '2',
      OLLAMA_FLASH_ATTENTION: '1',
      OLLAMA_KV_CACHE_TYPE: 'q4_0',
      OLLAMA_CONTEXT_LENGTH: '8192',
    });

    await services.dispose();
    expect(alive(config.pid)).toBe(false);
    expect(await answers(url)).toBe(false);
  });

  it('restarts a killed server with backoff, under a new pid', async () => {
    const { services, url } = await setup();
    await expect.poll(() => ollamaState(services), { timeout: 20_000 }).toBe('running');
    const first = services.state.snapshot.llm.ollama.pid!;
    process.kill(first, 'SIGKILL');
    await expect
      .poll(() => services.state.snapshot.llm.ollama.pid !== first && ollamaState(services) === 'running', {
        timeout: 20_000,
      })
      .toBe(true);
    expect(services.state.snapshot.llm.ollama.restarts).toBe(1);
    expect(await answers(url)).toBe(true);
  });

  it('recovers when only the first launches crash', async () => {
    const { services } = await setup({
      faults: { FAKE_OLLAMA_CRASH_AFTER: '0.2', FAKE_OLLAMA_CRASH_COUNT: '2' },
    });
    await expect
      .poll(() => ollamaState(services) === 'running' && services.state.snapshot.llm.ollama.restarts === 2, {
        timeout: 25_000,
      })
      .toBe(true);
  });

  it('detects a crash loop and shows `crashed` with the last stderr lines', async () => {
    const { services } = await setup({ faults: { FAKE_OLLAMA_CRASH_AFTER: '0.2' } });
    await expect.poll(() => ollamaState(services), { timeout: 25_000 }).toBe('crashed');
    const { components, llm } = services.state.snapshot;
    expect(components.ollama.reason).toMatchObject({ code: 'ollama-crash-loop', params: { count: '3' } });
    expect(llm.ollama.stderrTail.join('\n')).toContain('panic: runtime error: invalid memory address');
    expect(llm.ollama).toMatchObject({ ownership: 'none', pid: null });

    // Nothing restarts it any more: starting again is the user's call (and it crashes again).
    const pidsBefore = services.state.snapshot.llm.ollama.pid;
    expect(pidsBefore).toBeNull();
    expect(await invoke(services, 'ollama:start')).toMatchObject({
      ok: true,
      value: { ollama: { ownership: 'owned', restarts: 0 } },
    });
    await expect.poll(() => ollamaState(services), { timeout: 25_000 }).toBe('crashed');
  });

  it('restarts a server that stops answering', async () => {
    const { services } = await setup({ faults: { FAKE_OLLAMA_HANG_AFTER: '0.5' } });
    await expect.poll(() => ollamaState(services), { timeout: 20_000 }).toBe('running');
    const first = services.state.snapshot.llm.ollama.pid!;
    await expect
      .poll(() => services.state.snapshot.llm.ollama.restarts, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(1);
    expect(alive(first)).toBe(false);
  });

  it('reports a bind failure as a busy port, without retrying', async () => {
    const { services } = await setup({ faults: { FAKE_OLLAMA_PORT_BUSY: '1' } });
    await expect.poll(() => ollamaState(services), { timeout: 20_000 }).toBe('error');
    expect(services.state.snapshot.components.ollama.reason?.code).toBe('ollama-port-busy');
    expect(services.state.snapshot.llm.ollama.restarts).toBe(0);
    expect(services.state.snapshot.llm.ollama.stderrTail.join('\n')).toContain(
      'bind: address already in use',
    );
  });

  it('refuses a port held by something that is not Ollama, and spawns nothing', async () => {
    const port = await choosePort();
    const impostor: Server = createServer((_request, response) => response.end('<html>my web app</html>'));
    await new Promise<void>(resolve => impostor.listen(port, '127.0.0.1', resolve));
    cleanups.push(() => new Promise(resolve => impostor.close(() => resolve())));
    const { services, home } = await setup({ port, autoStart: false });
    expect(services.state.snapshot.components.ollama).toMatchObject({
      state: 'error',
      reason: { code: 'ollama-port-busy' },
    });
    const result = await invoke(services, 'ollama:start');
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'ollama-port-busy', message: expect.stringContaining(`127.0.0.1:${port}`) as string },
    });
    await expect(readFile(join(home, 'stand-ins', 'ollama', 'serve.json'))).rejects.toThrow();
  });

  it('adopts a server that already answers, and never stops it', async () => {
    const port = await choosePort();
    const existing = await startFakeOllama({
      stateDir: await mkdtemp(join(tmpdir(), 'app-ollama-')),
      port,
      version: '0.11.4',
    });
    cleanups.push(() => existing.close());
    const { services, home } = await setup({ port });
    expect(services.state.snapshot.components.ollama).toMatchObject({
      state: 'running',
      version: '0.11.4',
      reason: { code: 'ollama-answering' },
    });
    expect(services.state.snapshot.llm.ollama.ownership).toBe('adopted');
    expect(await invoke(services, 'ollama:stop')).toMatchObject({
      ok: false,
      error: { code: 'ollama-not-owned' },
    });
    expect(await invoke(services, 'ollama:restart')).toMatchObject({
      ok: false,
      error: { code: 'ollama-not-owned' },
    });
    await services.dispose();
    expect(await answers(existing.url)).toBe(true);
    await expect(readFile(join(home, 'stand-ins', 'ollama', 'serve.json'))).rejects.toThrow();
  });

  it('stops and starts its own server on request, and a restart applies changed settings', async () => {
    const { services, home, url } = await setup();
    await expect.poll(() => ollamaState(services), { timeout: 20_000 }).toBe('running');
    await services.settings.update({ ollama: { keepAlive: '1h' } });
    expect(services.state.snapshot.llm.ollama.restartToApply).toBe(true);

    const restarted = await invoke(services, 'ollama:restart');
    expect(restarted).toMatchObject({
      ok: true,
      value: { ollama: { ownership: 'owned', restartToApply: false } },
    });
    expect((await serveConfig(home)).env.OLLAMA_KEEP_ALIVE).toBe('1h');

    const stopped = await invoke(services, 'ollama:stop');
    expect(stopped).toMatchObject({ ok: true, value: { ollama: { ownership: 'none', pid: null } } });
    expect(ollamaState(services)).toBe('stopped');
    expect(await answers(url)).toBe(false);

    expect(await invoke(services, 'ollama:start')).toMatchObject({
      ok: true,
      value: { ollama: { ownership: 'owned' } },
    });
    expect(await answers(url)).toBe(true);
  });

  it('does not start a server by itself when told not to (the CLI), but does on request', async () => {
    const { services, url } = await setup({ autoStart: false });
    expect(services.state.snapshot.components.ollama).toMatchObject({
      state: 'stopped',
      reason: { code: 'ollama-not-answering' },
    });
    expect(await answers(url)).toBe(false);
    expect(await invoke(services, 'ollama:start')).toMatchObject({ ok: true });
    expect(ollamaState(services)).toBe('running');
  });
});

describe('a Mac without Ollama', () => {
  it('says not installed, and starting says so too', async () => {
    const home = await mkdtemp(join(tmpdir(), 'clawbar-ollama-'));
    await mkdir(join(home, 'empty'));
    const services = createServices({
      paths: appPathsUnder(home),
      mode: 'demo',
      log: createLogger({ sinks: [] }),
      env: { PATH: join(home, 'empty') },
      mac: { root: join(home, 'mac'), userHome: join(home, 'mac') },
      ollama: { url: `http://127.0.0.1:${await choosePort()}` },
      lmStudioUrl: `http://127.0.0.1:${await choosePort()}`,
    });
    cleanups.push(() => services.dispose());
    await services.start();
    expect(ollamaState(services)).toBe('not-installed');
    expect(await invoke(services, 'ollama:start')).toMatchObject({
      ok: false,
      error: { code: 'ollama-not-installed' },
    });
  });
});
