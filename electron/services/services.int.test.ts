import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { appStateSchema } from '../../common/state';
import { localClient } from './ipc/clients';
import { dispatch } from './ipc/dispatch';
import { createLogger } from './platform/log';
import { appPathsUnder } from './platform/paths';
import { createServices, type Services } from './services';

/** A minimal HTTP peer answering like Ollama's /api/version or LM Studio's /v1/models. */
async function serve(
  routes: Record<string, { status: number; body: string }>,
): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const route = routes[request.url ?? ''];
    response.writeHead(route?.status ?? 404, { 'Content-Type': 'application/json' }).end(route?.body ?? '{}');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A port with nothing listening: bind, note it, close. */
async function deadUrl(): Promise<string> {
  const { url, server } = await serve({});
  await new Promise(resolve => server.close(resolve));
  return url;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A PATH with node but without any limactl, so the VM probe sees a Mac where Lima is missing. */
const pathWithoutLimactl = dirname(process.execPath);

async function startServices(options: {
  ollamaUrl: string;
  lmStudioUrl: string;
  home?: string;
}): Promise<Services> {
  const home = options.home ?? (await mkdtemp(join(tmpdir(), 'clawbar-services-')));
  const services = createServices({
    paths: appPathsUnder(home),
    mode: 'demo',
    log: createLogger({ sinks: [] }),
    // A simulated Mac with nothing installed: no limactl, ollama or lms anywhere.
    env: { PATH: [pathWithoutLimactl, '/usr/bin', '/bin'].join(':') },
    mac: { root: join(home, 'mac'), userHome: join(home, 'mac', 'Users', 'me') },
    ollama: { url: options.ollamaUrl, autoStart: false },
    lmStudioUrl: options.lmStudioUrl,
    stateThrottleMs: 10,
  });
  cleanups.push(() => services.dispose());
  await services.start();
  return services;
}

describe('createServices', () => {
  it('lands the first full AppState on start: no limactl and no VM, Ollama adopted, LM Studio not installed', async () => {
    const ollama = await serve({
      '/': { status: 200, body: 'Ollama is running' },
      '/api/version': { status: 200, body: '{"version":"0.12.6"}' },
    });
    cleanups.push(() => new Promise(resolve => ollama.server.close(() => resolve())));
    const services = await startServices({ ollamaUrl: ollama.url, lmStudioUrl: await deadUrl() });
    const state = appStateSchema.parse(services.state.snapshot);
    expect(state.components.vm).toMatchObject({
      state: 'not-installed',
      reason: { code: 'limactl-missing' },
    });
    expect(state.vm).toEqual({
      limactl: null,
      instance: null,
      resize: { restartRequired: false, pending: {} },
      operation: null,
    });
    expect(state.components.gateway).toMatchObject({ state: 'not-created', reason: { code: 'needs-vm' } });
    expect(state.components.ollama).toMatchObject({
      state: 'running',
      version: '0.12.6',
      reason: { code: 'ollama-answering' },
    });
    expect(state.llm.ollama).toMatchObject({ ownership: 'adopted', address: ollama.url, pid: null });
    expect(state.components.lmstudio).toMatchObject({
      state: 'not-installed',
      reason: { code: 'lmstudio-not-installed' },
    });
  });

  it('says Ollama is not installed when nothing answers and no binary exists', async () => {
    const services = await startServices({ ollamaUrl: await deadUrl(), lmStudioUrl: await deadUrl() });
    expect(services.state.snapshot.components.ollama).toMatchObject({
      state: 'not-installed',
      reason: { code: 'ollama-not-installed' },
    });
    expect(services.state.snapshot.llm.ollama).toMatchObject({ ownership: 'none', binary: null });
  });

  it.each([
    ['an HTTP error', { status: 500, body: 'oops' }],
    ['garbage', { status: 200, body: '<html>not ollama</html>' }],
    ['JSON of the wrong shape', { status: 200, body: '{"name":"something else"}' }],
  ])('treats %s on the Ollama port as a port taken by something else', async (_label, route) => {
    const impostor = await serve({ '/': route, '/api/version': route });
    cleanups.push(() => new Promise(resolve => impostor.server.close(() => resolve())));
    const services = await startServices({ ollamaUrl: impostor.url, lmStudioUrl: await deadUrl() });
    expect(services.state.snapshot.components.ollama).toMatchObject({
      state: 'error',
      reason: { code: 'ollama-port-busy' },
    });
    expect(services.state.snapshot.llm.ollama.ownership).toBe('none');
  });

  it('sees an existing VM in its private LIMA_HOME, and says limactl is missing to manage it', async () => {
    const home = await mkdtemp(join(tmpdir(), 'clawbar-services-'));
    await mkdir(join(home, 'lima', 'clawbar'), { recursive: true });
    await writeFile(join(home, 'lima', 'clawbar', 'lima.yaml'), 'vmType: vz\n');
    const services = await startServices({ home, ollamaUrl: await deadUrl(), lmStudioUrl: await deadUrl() });
    expect(services.state.snapshot.components.vm).toMatchObject({
      state: 'error',
      reason: { code: 'limactl-missing' },
    });
  });

  it('reports a recovered settings file in AppState, and broadcasts settings and state changes', async () => {
    const home = await mkdtemp(join(tmpdir(), 'clawbar-services-'));
    await writeFile(join(home, 'settings.json'), '{ broken');
    const services = await startServices({ home, ollamaUrl: await deadUrl(), lmStudioUrl: await deadUrl() });
    expect(services.state.snapshot.settings.recovery?.backupPath).toMatch(/settings\.json\.invalid-/);

    const events: string[] = [];
    const client = localClient('listener', event => events.push(event));
    services.hub.add(client);
    const result = await dispatch(
      services.handlers,
      'settings:dismiss-recovery',
      undefined,
      { client },
      services.log,
    );
    expect(result.ok).toBe(true);
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(services.state.snapshot.settings.recovery).toBeNull();
    expect(events).toContain('settings:changed');
    expect(events).toContain('state:changed');
  });
});
