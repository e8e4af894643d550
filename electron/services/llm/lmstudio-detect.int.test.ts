import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { standInBinDir } from '../../../testing/demo/world';
import { startFakeLmStudio } from '../../../testing/fake-lmstudio/server';
import { createExecRunner } from '../platform/exec';
import { detectLmStudio } from './lmstudio-detect';

/** LM Studio detection with the stand-in `lms` and a fake LM Studio server. */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

async function mac(withLms: boolean) {
  const home = await mkdtemp(join(tmpdir(), 'clawbar-lms-'));
  await mkdir(join(home, 'empty'));
  const exec = createExecRunner({
    env: {
      PATH: withLms ? [standInBinDir, '/usr/bin', '/bin'].join(delimiter) : join(home, 'empty'),
      CLAWBAR_HOME: home,
    },
    platform: 'linux',
  });
  return { home, exec, locations: { root: join(home, 'mac'), userHome: join(home, 'mac', 'Users', 'me') } };
}

describe('detectLmStudio', () => {
  it('finds a running server through lms and lists its models', async () => {
    const server = await startFakeLmStudio();
    cleanups.push(() => server.close());
    const { home, exec, locations } = await mac(true);
    await mkdir(join(home, 'stand-ins'), { recursive: true });
    await writeFile(join(home, 'stand-ins', 'lmstudio.json'), JSON.stringify({ port: server.port }));
    // The configured address is wrong on purpose: lms knows the real port.
    const detection = await detectLmStudio({
      exec,
      locations,
      baseUrl: new URL(`http://127.0.0.1:${await deadPort()}`),
    });
    expect(detection.component).toMatchObject({
      state: 'running',
      reason: { code: 'lmstudio-answering', params: { address: `127.0.0.1:${server.port}` } },
    });
    expect(detection.detail).toEqual({
      address: `127.0.0.1:${server.port}`,
      cliPath: join(standInBinDir, 'lms'),
      serverRunning: true,
      port: server.port,
      models: ['qwen/qwen3-8b', 'openai/gpt-oss-20b'],
    });
  });

  it('answers from the configured address without asking lms, and skips lms when told to', async () => {
    const server = await startFakeLmStudio();
    cleanups.push(() => server.close());
    const { exec, locations } = await mac(true);
    // No lmstudio.json: lms would say "not running" on its default port, but it is not asked.
    const direct = await detectLmStudio({ exec, locations, baseUrl: new URL(server.url) });
    expect(direct.detail).toMatchObject({
      serverRunning: true,
      port: server.port,
      models: ['qwen/qwen3-8b', 'openai/gpt-oss-20b'],
    });
    const quiet = await detectLmStudio({
      exec,
      locations,
      baseUrl: new URL(`http://127.0.0.1:${await deadPort()}`),
      askLms: false,
    });
    expect(quiet.component.state).toBe('stopped');
    expect(quiet.detail.serverRunning).toBeNull();
  });

  it('says installed but stopped when lms exists and nothing answers', async () => {
    const { exec, locations } = await mac(true);
    const port = await deadPort();
    const detection = await detectLmStudio({ exec, locations, baseUrl: new URL(`http://127.0.0.1:${port}`) });
    expect(detection.component).toMatchObject({
      state: 'stopped',
      reason: { code: 'lmstudio-not-answering' },
    });
    expect(detection.detail).toMatchObject({ serverRunning: false, models: [] });
  });

  it('recognises LM Studio.app without the CLI', async () => {
    const { exec, locations } = await mac(false);
    await mkdir(join(locations.root, 'Applications', 'LM Studio.app'), { recursive: true });
    const detection = await detectLmStudio({
      exec,
      locations,
      baseUrl: new URL(`http://127.0.0.1:${await deadPort()}`),
    });
    expect(detection.component.state).toBe('stopped');
    expect(detection.detail).toMatchObject({ cliPath: null, serverRunning: null });
  });

  it('says not installed when there is nothing, and treats a foreign answer as not LM Studio', async () => {
    const { exec, locations } = await mac(false);
    const impostor = createServer((_request, response) => response.end('<html>hello</html>'));
    await new Promise<void>(resolve => impostor.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise(resolve => impostor.close(() => resolve())));
    const detection = await detectLmStudio({
      exec,
      locations,
      baseUrl: new URL(`http://127.0.0.1:${(impostor.address() as AddressInfo).port}`),
    });
    expect(detection.component).toMatchObject({
      state: 'not-installed',
      reason: { code: 'lmstudio-not-installed' },
    });
  });
});
