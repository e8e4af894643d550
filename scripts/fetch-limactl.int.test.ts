import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, chmod, constants, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fetchLimactl, loadRelease, type LimaRelease } from './fetch-limactl';

/**
 * The packaging-time limactl fetch against a local HTTP server serving a stand-in Lima archive:
 * the pinned checksum lets it through, a mismatch stops it with nothing unpacked.
 */
const run = promisify(execFile);
let dir: string;
let server: Server;
let baseUrl: string;
let archive: Buffer;
let requests: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clawbar-fetch-limactl-'));
  const tree = join(dir, 'tree');
  await mkdir(join(tree, 'bin'), { recursive: true });
  await mkdir(join(tree, 'share', 'lima', 'templates'), { recursive: true });
  await writeFile(join(tree, 'bin', 'limactl'), '#!/bin/sh\necho "limactl version 2.0.3"\n');
  await chmod(join(tree, 'bin', 'limactl'), 0o755);
  await writeFile(join(tree, 'share', 'lima', 'lima-guestagent.Linux-aarch64.gz'), 'guest agent');
  await writeFile(
    join(tree, 'share', 'lima', 'templates', 'k3s.yaml'),
    'base: template:_images/ubuntu-lts\n',
  );
  await run('tar', ['-czf', join(dir, 'lima.tar.gz'), '-C', tree, 'bin', 'share']);
  archive = await readFile(join(dir, 'lima.tar.gz'));
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    if (request.url === '/v2.0.3/lima-2.0.3-Darwin-arm64.tar.gz') response.writeHead(200).end(archive);
    else response.writeHead(404).end('Not Found');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2.0.3`;
});

afterAll(async () => {
  await new Promise(resolve => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

function release(sha256: string): LimaRelease {
  return {
    version: '2.0.3',
    baseUrl,
    archives: {
      arm64: { file: 'lima-2.0.3-Darwin-arm64.tar.gz', sha256, guestAgent: 'lima-guestagent.Linux-aarch64' },
      x64: { file: 'lima-2.0.3-Darwin-x86_64.tar.gz', sha256, guestAgent: 'lima-guestagent.Linux-x86_64' },
    },
  };
}

describe('fetch-limactl', () => {
  it('pins a version and a sha256 for each Mac architecture', async () => {
    const pinned = await loadRelease();
    expect(pinned.version).toMatch(/^\d+\.\d+\.\d+$/);
    for (const arch of ['arm64', 'x64'] as const) {
      expect(pinned.archives[arch].sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(pinned.archives[arch].file).toContain(pinned.version);
    }
    expect(pinned.baseUrl).toBe(`https://github.com/lima-vm/lima/releases/download/v${pinned.version}`);
  });

  it('downloads, verifies and unpacks limactl with its guest agent; then uses what it has', async () => {
    const outDir = join(dir, 'out-ok');
    const sha256 = createHash('sha256').update(archive).digest('hex');
    requests = [];
    const first = await fetchLimactl({ arch: 'arm64', release: release(sha256), outDir });
    expect(first).toEqual({ dir: join(outDir, 'arm64'), cached: false });
    await access(join(outDir, 'arm64', 'bin', 'limactl'), constants.X_OK);
    expect(
      await readFile(join(outDir, 'arm64', 'share', 'lima', 'lima-guestagent.Linux-aarch64.gz'), 'utf8'),
    ).toBe('guest agent');
    const { stdout } = await run(join(outDir, 'arm64', 'bin', 'limactl'), ['--version']);
    expect(stdout).toBe('limactl version 2.0.3\n');
    expect(await readdir(outDir)).toEqual(['arm64']);

    const second = await fetchLimactl({ arch: 'arm64', release: release(sha256), outDir });
    expect(second.cached).toBe(true);
    expect(requests).toEqual(['/v2.0.3/lima-2.0.3-Darwin-arm64.tar.gz']);
  });

  it('refuses an archive whose checksum does not match the pin, unpacking nothing', async () => {
    const outDir = join(dir, 'out-mismatch');
    const wrong = 'f'.repeat(64);
    const error = await fetchLimactl({ arch: 'arm64', release: release(wrong), outDir }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^Checksum mismatch for lima-2\.0\.3-Darwin-arm64\.tar\.gz: expected f{64}, got [0-9a-f]{64}\./,
    );
    expect(await readdir(outDir)).toEqual([]);
  });

  it('fails on an HTTP error with the status', async () => {
    const outDir = join(dir, 'out-404');
    await expect(fetchLimactl({ arch: 'x64', release: release('0'.repeat(64)), outDir })).rejects.toThrow(
      /HTTP 404/,
    );
    expect(await readdir(outDir)).toEqual([]);
  });
});
