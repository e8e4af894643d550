import { mkdtemp } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import {
  startFakeOllama,
  type FakeOllama,
  type FakeOllamaOptions,
} from '../../../testing/fake-ollama/server';
import { OllamaClient, type PullLine } from './ollama-client';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function fake(
  options: Partial<FakeOllamaOptions> = {},
): Promise<{ server: FakeOllama; client: OllamaClient }> {
  const stateDir = await mkdtemp(join(tmpdir(), 'fake-ollama-'));
  const server = await startFakeOllama({ stateDir, pullTickMs: 10, ...options });
  cleanups.push(() => server.close());
  return { server, client: new OllamaClient(new URL(server.url)) };
}

async function rawServer(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('OllamaClient against the fake Ollama', () => {
  it('tells Ollama, an impostor and an empty port apart', async () => {
    const { client } = await fake({ version: '0.13.0' });
    expect(await client.probe()).toEqual({ kind: 'ollama', version: '0.13.0' });
    const impostor = await rawServer((_request, response) => response.end('<html>a web app</html>'));
    expect(await new OllamaClient(new URL(impostor)).probe()).toMatchObject({
      kind: 'other',
      detail: expect.stringContaining('HTTP 200') as string,
    });
    expect(await new OllamaClient(new URL(await deadUrl())).probe()).toEqual({
      kind: 'nothing',
      detail: 'ECONNREFUSED',
    });
  });

  it('lists the installed models with sizes and details', async () => {
    const { client } = await fake({ seed: ['llama3.2:latest', 'qwen3:8b'] });
    const models = await client.list();
    expect(models.map(model => [model.name, model.size])).toEqual([
      ['llama3.2:latest', 2_019_393_189],
      ['qwen3:8b', 5_225_388_164],
    ]);
    expect(models[1]?.details).toMatchObject({
      family: 'qwen3',
      parameter_size: '8.2B',
      quantization_level: 'Q4_K_M',
    });
  });

  it('generates with the real counters and then shows the model running with size and size_vram', async () => {
    const { client } = await fake({ seed: ['qwen3:8b'], vramBytes: 4_000_000_000 });
    expect(await client.running()).toEqual([]);
    const result = await client.generate('qwen3:8b', 'Say hello in five words.', { numPredict: 16 });
    expect(result.eval_count).toBe(16);
    expect(((result.eval_count ?? 0) / (result.eval_duration ?? 1)) * 1e9).toBeCloseTo(44.8, 1);
    expect(result.load_duration).toBeGreaterThan(0);
    const [running] = await client.running();
    expect(running).toMatchObject({ name: 'qwen3:8b', size_vram: 4_000_000_000 });
    expect(running?.size).toBeGreaterThan(4_000_000_000);
    expect(Date.parse(running?.expires_at ?? '')).toBeGreaterThan(Date.now());
  });

  it('shows model details, and answers model-not-found for a missing one', async () => {
    const { client } = await fake({ seed: ['qwen3:8b'] });
    const info = await client.show('qwen3:8b');
    expect(info.model_info?.['qwen3.block_count']).toBe(36);
    expect(info.capabilities).toContain('tools');
    await expect(client.show('nope:1b')).rejects.toMatchObject({
      code: 'model-not-found',
      message: expect.stringContaining("model 'nope:1b' not found") as string,
    });
    await expect(client.generate('nope:1b', 'hi')).rejects.toMatchObject({ code: 'model-not-found' });
  });

  it('deletes a model, and a second delete is model-not-found', async () => {
    const { client } = await fake({ seed: ['qwen3:8b', 'llama3.2:latest'] });
    await client.delete('qwen3:8b');
    expect((await client.list()).map(model => model.name)).toEqual(['llama3.2:latest']);
    await expect(client.delete('qwen3:8b')).rejects.toMatchObject({ code: 'model-not-found' });
  });

  it('pulls with streamed progress lines that end in success', async () => {
    const { client } = await fake({ seed: [], faults: { pullBytesPerSecond: 20_000_000_000 } });
    const lines: PullLine[] = [];
    await client.pull('llama3.2:3b', { onLine: line => lines.push(line) });
    expect(lines[0]).toEqual({ status: 'pulling manifest' });
    expect(lines.at(-1)).toEqual({ status: 'success' });
    expect(lines.some(line => line.status === 'verifying sha256 digest')).toBe(true);
    const weights = lines.filter(line => line.total === 2_019_393_189 - 1_482 - 11_343 - 488);
    expect(weights.length).toBeGreaterThan(2);
    expect(weights.at(-1)?.completed).toBe(weights.at(-1)?.total);
    expect((await client.list()).map(model => model.name)).toEqual(['llama3.2:3b']);
  });

  it('fails a pull on an error line that arrives mid-stream with HTTP 200, with the server’s text', async () => {
    const { client } = await fake({
      seed: [],
      faults: { pullBytesPerSecond: 10_000_000_000, pullErrorAt: 0.5 },
    });
    const lines: PullLine[] = [];
    await expect(client.pull('qwen3:8b', { onLine: line => lines.push(line) })).rejects.toMatchObject({
      code: 'pull-failed',
      message: expect.stringContaining('connection reset by peer') as string,
    });
    expect(lines.some(line => (line.completed ?? 0) > 0)).toBe(true);
    expect(await client.list()).toEqual([]);
  });

  it('fails a pull of a model the library does not have, with Ollama’s message', async () => {
    const { client } = await fake({ seed: [] });
    await expect(client.pull('no-such-model:7b', { onLine: () => undefined })).rejects.toMatchObject({
      code: 'pull-failed',
      message: 'Pulling no-such-model:7b failed: pull model manifest: file does not exist',
    });
  });

  it('cancels a slow pull, and the next pull resumes where it stopped', async () => {
    const { client, server } = await fake({ seed: [], faults: { pullBytesPerSecond: 500_000_000 } });
    const controller = new AbortController();
    let seen = 0;
    await expect(
      client.pull('qwen3:8b', {
        signal: controller.signal,
        onLine: line => {
          if ((line.completed ?? 0) > 0 && line.total && line.total > 1e9 && ++seen === 3) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    await expect.poll(() => server.store.partial('qwen3:8b')).toBeGreaterThan(0);
    const resumedFrom = server.store.partial('qwen3:8b');
    const lines: PullLine[] = [];
    const resume = new AbortController();
    await expect(
      client.pull('qwen3:8b', {
        signal: resume.signal,
        onLine: line => {
          lines.push(line);
          if (lines.length === 5) resume.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    const firstWeightsLine = lines.find(line => (line.total ?? 0) > 1e9);
    expect(firstWeightsLine?.completed).toBeGreaterThan(0);
    expect(firstWeightsLine?.completed).toBeLessThanOrEqual(resumedFrom);
  });

  it('times out a pull that stops sending, rather than waiting forever', async () => {
    const url = await rawServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      response.write('{"status":"pulling manifest"}\n');
    });
    const client = new OllamaClient(new URL(url), { pullIdleTimeoutMs: 300 });
    await expect(client.pull('qwen3:8b', { onLine: () => undefined })).rejects.toMatchObject({
      code: 'timeout',
      message: expect.stringContaining('no progress') as string,
    });
  });

  it('fails a stream that ends without success, and a line that is not JSON', async () => {
    const truncated = await rawServer((_request, response) => {
      response
        .writeHead(200)
        .end(
          '{"status":"pulling manifest"}\n{"status":"pulling abc","digest":"abc","total":10,"completed":5}\n',
        );
    });
    await expect(
      new OllamaClient(new URL(truncated)).pull('x', { onLine: () => undefined }),
    ).rejects.toMatchObject({
      code: 'pull-failed',
      message: expect.stringContaining('before it reported success') as string,
    });
    const garbage = await rawServer((_request, response) => {
      response.writeHead(200).end('{"status":"pulling manifest"}\nGarbage!\n');
    });
    await expect(
      new OllamaClient(new URL(garbage)).pull('x', { onLine: () => undefined }),
    ).rejects.toMatchObject({
      code: 'ollama-api-error',
    });
  });

  it('maps an impostor’s garbage, an HTTP error and a dead port to typed errors', async () => {
    const impostor = await rawServer((request, response) => {
      if (request.url === '/api/tags') response.writeHead(200).end('<html>hello</html>');
      else response.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":"out of memory"}');
    });
    const client = new OllamaClient(new URL(impostor));
    await expect(client.list()).rejects.toMatchObject({
      code: 'ollama-api-error',
      message: expect.stringContaining('not JSON') as string,
    });
    await expect(client.running()).rejects.toMatchObject({
      code: 'ollama-api-error',
      message: expect.stringContaining('out of memory') as string,
    });
    const dead = new OllamaClient(new URL(await deadUrl()));
    await expect(dead.version()).rejects.toMatchObject({
      code: 'ollama-unreachable',
      message: expect.stringContaining('ECONNREFUSED') as string,
    });
  });

  it('times out a server that accepts but never answers', async () => {
    const { server } = await fake();
    server.hang();
    const client = new OllamaClient(new URL(server.url), { requestTimeoutMs: 200 });
    await expect(client.list()).rejects.toMatchObject({ code: 'timeout' });
  });

  it('refuses a foreign Host header on a loopback listener, like Ollama (403)', async () => {
    const { server } = await fake();
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const request = httpRequest(`${server.url}/api/version`, { headers: { Host: host } }, response => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject).end();
      });
    expect(await status('host.lima.internal:11434')).toBe(200);
    expect(await status('192.168.5.2:11434')).toBe(200);
    expect(await status('ollama:11434')).toBe(403);
    expect(await status('ollama.openclaw.svc')).toBe(403);
  });
});
