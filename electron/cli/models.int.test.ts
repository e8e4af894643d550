import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { fitReportSchema, installedModelSchema, runningModelSchema } from '../../common/models';
import { startFakeOllama } from '../../testing/fake-ollama/server';
import { runCliCaptured as run } from './test-support/run-cli';

/** `clawbar models …` end to end: the CLI, the contract, the services and the stand-in Ollama. */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function demoHome(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'clawbar-cli-models-'));
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/api/version`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

async function demoOllamaUrl(home: string): Promise<string> {
  const ports = JSON.parse(await readFile(join(home, 'stand-ins', 'ports.json'), 'utf8')) as {
    ollama: number;
  };
  return `http://127.0.0.1:${ports.ollama}`;
}

async function fakeServer(seed: string[]) {
  const server = await startFakeOllama({
    stateDir: await mkdtemp(join(tmpdir(), 'fake-ollama-')),
    seed,
    vramBytes: 3_000_000_000,
  });
  cleanups.push(() => server.close());
  return server;
}

describe('clawbar models (demo world)', () => {
  it('lists the world’s models, starting Ollama for the command and stopping it afterwards', async () => {
    const home = await demoHome();
    const { code, out, err } = await run(['--demo', 'models', 'list'], { CLAWBAR_HOME: home });
    expect(code).toBe(0);
    expect(out).toMatch(/^NAME\s+SIZE\s+PARAMS\s+QUANT\s+FIT/);
    expect(out).toMatch(/llama3\.2:latest\s+2 GB\s+3\.2B\s+Q4_K_M\s+Fits on the GPU/);
    expect(out).toMatch(/qwen3:8b\s+5\.2 GB\s+8\.2B/);
    const url = await demoOllamaUrl(home);
    expect(err).toContain(`Started Ollama on ${new URL(url).host} for this command`);
    expect(await answers(url)).toBe(false);
  });

  it('pulls with progress, then another command sees the model; rm removes it', async () => {
    const home = await demoHome();
    const pulled = await run(['--demo', 'models', 'pull', 'smollm2:135m'], {
      CLAWBAR_HOME: home,
      FAKE_OLLAMA_PULL_SPEED: '100000000',
    });
    expect(pulled.code).toBe(0);
    expect(pulled.out).toMatch(/Downloading\s+\d+%\s+[\d.]+ MB \/ 270\.9 MB/);
    expect(pulled.out).toMatch(/MB\/s/);
    expect(pulled.out.trimEnd().split('\n').at(-1)).toBe('Pulled smollm2:135m.');

    const listed = await run(['--demo', 'models', 'list', '--json'], { CLAWBAR_HOME: home });
    const names = installedModelSchema
      .array()
      .parse(JSON.parse(listed.out))
      .map(model => model.name);
    expect(names).toContain('smollm2:135m');

    expect(await run(['--demo', 'models', 'rm', 'smollm2:135m'], { CLAWBAR_HOME: home })).toMatchObject({
      code: 0,
      out: 'Removed smollm2:135m.\n',
    });
    const again = await run(['--demo', 'models', 'rm', 'smollm2:135m'], { CLAWBAR_HOME: home });
    expect(again.code).toBe(1);
    expect(again.err).toContain("model 'smollm2:135m' not found");
  });

  it('exits 1 with the server’s error text when a pull fails mid-stream', async () => {
    const home = await demoHome();
    const { code, err, out } = await run(['--demo', 'models', 'pull', 'qwen3:4b'], {
      CLAWBAR_HOME: home,
      FAKE_OLLAMA_PULL_SPEED: '2000000000',
      FAKE_OLLAMA_PULL_ERROR_AT: '0.3',
    });
    expect(code).toBe(1);
    expect(err).toContain('clawbar models: Pulling qwen3:4b failed: max retries exceeded');
    expect(err).toContain('connection reset by peer');
    expect(out).not.toContain('Pulled');
  });

  it('exits 1 with Ollama’s message for a model the library does not have', async () => {
    const home = await demoHome();
    const { code, err } = await run(['--demo', 'models', 'pull', 'no-such-model:7b'], { CLAWBAR_HOME: home });
    expect(code).toBe(1);
    expect(err).toContain('pull model manifest: file does not exist');
    // Said once: dispatch's log line about it stays in the log file.
    expect(err.match(/file does not exist/g)).toHaveLength(1);
  });

  it('gives memory-fit advice without starting anything, for this Mac or a given size', async () => {
    const home = await demoHome();
    const human = await run(['--demo', 'models', 'fit'], { CLAWBAR_HOME: home });
    expect(human.code).toBe(0);
    expect(human.out).toMatch(/^Memory: 32 GB unified; GPU limit 21\.3 GB \(macOS default share\); VM 8 GB/);
    expect(human.out).toMatch(/Recommended for this Mac:/);
    expect(human.out).toMatch(/gpt-oss:120b\s+65\.3 GB\s+[\d.]+ GB\s+Too big for this Mac/);
    expect(human.err).not.toContain('Started Ollama');

    const json = await run(['--demo', 'models', 'fit', '--memory', '128GB', '--json'], {
      CLAWBAR_HOME: home,
    });
    const report = fitReportSchema.parse(JSON.parse(json.out));
    expect(report.memory).toMatchObject({ totalBytes: 128 * 1024 ** 3, gpuLimitSource: 'given' });
    expect(report.recommended.find(entry => entry.name === 'gpt-oss:120b')?.fit.verdict).toBe('gpu');
  });

  it('tests a model and reports tokens/s from the server’s counters', async () => {
    const home = await demoHome();
    const { code, out } = await run(['--demo', 'models', 'test', 'qwen3:8b'], { CLAWBAR_HOME: home });
    expect(code).toBe(0);
    expect(out).toMatch(/^qwen3:8b: 44\.8 tokens\/s \(\d+ tokens; loaded in \d+ sec\)/);
  });

  it('speaks French', async () => {
    const home = await demoHome();
    const { out } = await run(['--demo', 'models', 'list'], { CLAWBAR_HOME: home, LANG: 'fr_FR.UTF-8' });
    expect(out).toMatch(/^NOM\s+TAILLE/);
    expect(out).toMatch(/5,2\s?Go/);
    expect(out).toContain('Tient sur le GPU');
  });
});

describe('clawbar models --host', () => {
  it('talks to the given Ollama as it is, and leaves it running', async () => {
    const server = await fakeServer(['qwen3:8b']);
    const listed = await run(['models', 'list', '--json', '--host', server.url]);
    expect(listed.code).toBe(0);
    expect(
      installedModelSchema
        .array()
        .parse(JSON.parse(listed.out))
        .map(model => model.name),
    ).toEqual(['qwen3:8b']);
    expect(listed.err).not.toContain('Started Ollama');

    expect((await run(['models', 'test', 'qwen3:8b', '--host', server.url])).code).toBe(0);
    const ps = await run(['models', 'ps', '--host', server.url.replace('http://', '')]);
    expect(ps.code).toBe(0);
    expect(ps.out).toMatch(/^NAME\s+SIZE\s+GPU\s+UNTIL/);
    expect(ps.out).toMatch(/qwen3:8b\s+[\d.]+ GB\s+3 GB \(\d+%\)/);
    const psJson = await run(['models', 'ps', '--json', '--host', server.url]);
    expect(runningModelSchema.array().parse(JSON.parse(psJson.out))[0]).toMatchObject({
      name: 'qwen3:8b',
      vramBytes: 3_000_000_000,
    });
    expect(await answers(server.url)).toBe(true);
  });

  it('fails clearly when nothing answers at the given address', async () => {
    const probe = createServer();
    await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise(resolve => probe.close(resolve));
    const { code, err } = await run(['models', 'list', '--host', `127.0.0.1:${port}`]);
    expect(code).toBe(1);
    expect(err).toContain(`cannot reach Ollama at 127.0.0.1:${port} (ECONNREFUSED)`);
  });
});

describe('clawbar models usage', () => {
  it.each([
    [['models']],
    [['models', 'frobnicate']],
    [['models', 'pull']],
    [['models', 'pull', 'bad name!']],
    [['models', 'list', 'extra']],
    [['models', 'fit', '--memory', 'lots']],
    [['models', 'list', '--memory', '32GB']],
    [['models', 'list', '--host', 'ftp://somewhere']],
    [['models', 'list', '--hots', 'x']],
  ])('exits 2 with the usage for %j', async argv => {
    const { code, err } = await run(argv);
    expect(code).toBe(2);
    expect(err).toContain('clawbar models list [--json] [--host URL]');
  });
});
