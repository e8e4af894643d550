import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

import { ClawbarError } from '../../common/errors';
import {
  K3sNotReadyError,
  loadKubeconfig,
  probeK3s,
  waitForK3s,
} from '../../electron/services/vm/k3s-readiness';
import { prepareKubeconfig } from '../../electron/services/vm/kubeconfig';
import type { K3sMode } from './faults';
import {
  ensureGuestCredentials,
  serveGuestK3sApi,
  type GuestCredentials,
  type GuestK3sApi,
} from './guest-k3s';
import { createCa, issueCertificate } from './tls';
import { choosePort } from '../../electron/services/platform/free-port';

/**
 * Clawbar's k3s readiness (electron/services/vm/k3s-readiness.ts) against the stand-in guest API:
 * real TLS, real client certificates from the kubeconfig, each way k3s can be unwell, and the
 * impostors a port can hold (a plain HTTP server, a TLS server of another CA).
 */
const nodeName = 'lima-clawbar';
let stateDir: string;
let credentials: GuestCredentials;
const servers: { close(): Promise<void> | void }[] = [];

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'clawbar-guest-k3s-'));
  credentials = ensureGuestCredentials(stateDir, nodeName);
});

afterAll(async () => {
  for (const server of servers.splice(0)) await server.close();
  await rm(stateDir, { recursive: true, force: true });
});

async function guestApi(mode: K3sMode): Promise<GuestK3sApi> {
  const api = await serveGuestK3sApi({ port: await choosePort(), stateDir, nodeName, mode: () => mode });
  servers.push(api);
  return api;
}

/** Clawbar's kubeconfig for the guest API on `port`, exactly as the VM service writes it. */
async function kubeconfigFor(port: number, guestKubeconfig = credentials.kubeconfig) {
  return loadKubeconfig(prepareKubeconfig(guestKubeconfig, port).yaml);
}

function target(kubeconfig: Awaited<ReturnType<typeof loadKubeconfig>>) {
  return { kubeconfig, nodeName, requestTimeoutMs: 3000 };
}

async function rejection(promise: Promise<unknown>): Promise<ClawbarError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ClawbarError);
  return error as ClawbarError;
}

describe('the guest k3s API stand-in', () => {
  it('refuses anonymous requests with 401, as k3s does', async () => {
    const api = await guestApi('healthy');
    const anonymous = stringify({
      clusters: [
        {
          name: 'c',
          cluster: {
            server: `https://127.0.0.1:${api.port}`,
            'certificate-authority-data': Buffer.from(credentials.serverCa.certPem).toString('base64'),
          },
        },
      ],
      users: [{ name: 'u', user: { token: 'not-the-token' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    });
    expect(await probeK3s(target(await loadKubeconfig(anonymous)))).toMatchObject({ kind: 'unauthorized' });
  });

  it('accepts the bearer token as well as the client certificate', async () => {
    const api = await guestApi('healthy');
    const guest = parse(credentials.kubeconfig) as { users: { user: Record<string, string> }[] };
    guest.users[0]!.user = { token: credentials.token };
    expect(await probeK3s(target(await kubeconfigFor(api.port, stringify(guest))))).toEqual({
      kind: 'ready',
      version: 'v1.35.0+k3s1',
    });
  });
});

describe('k3s readiness', () => {
  it('is ready when /readyz says ok with the kubeconfig credentials and the node is Ready', async () => {
    const api = await guestApi('healthy');
    const progress: string[] = [];
    const result = await waitForK3s({
      ...target(await kubeconfigFor(api.port)),
      deadlineMs: 10_000,
      pollMs: 50,
      onProgress: outcome => progress.push(outcome.kind),
    });
    expect(result).toEqual({ version: 'v1.35.0+k3s1' });
    expect(progress).toEqual(['ready']);
  });

  it('fails at once on a certificate for another address', async () => {
    const api = await guestApi('wrong-address');
    const error = await rejection(
      waitForK3s({ ...target(await kubeconfigFor(api.port)), deadlineMs: 60_000, pollMs: 50 }),
    );
    expect(error.code).toBe('k3s-certificate-mismatch');
    expect(error.message).toContain(`127.0.0.1:${api.port}`);
  });

  it('fails at once when another program answers on the port: a plain HTTP server', async () => {
    const port = await choosePort();
    const impostor: Server = createHttpServer((_request, response) => response.end('hello'));
    await new Promise<void>(resolve => impostor.listen(port, '127.0.0.1', resolve));
    servers.push({ close: () => new Promise<void>(resolve => impostor.close(() => resolve())) });
    const error = await rejection(
      waitForK3s({ ...target(await kubeconfigFor(port)), deadlineMs: 60_000, pollMs: 50 }),
    );
    expect(error.code).toBe('k3s-port-in-use');
    expect(error.message).toMatch(/Another program answers on 127\.0\.0\.1:\d+/);
  });

  it('fails at once when another program answers on the port: another cluster, another CA', async () => {
    const otherCa = createCa('someone-else');
    const serving = issueCertificate(
      otherCa,
      { commonName: 'other' },
      { server: true, altNames: { ips: ['127.0.0.1'] } },
    );
    const port = await choosePort();
    const impostor = createHttpsServer({ key: serving.keyPem, cert: serving.certPem }, (_request, response) =>
      response.end('ok'),
    );
    await new Promise<void>(resolve => impostor.listen(port, '127.0.0.1', resolve));
    servers.push({ close: () => new Promise<void>(resolve => impostor.close(() => resolve())) });
    expect(
      (await rejection(waitForK3s({ ...target(await kubeconfigFor(port)), deadlineMs: 60_000, pollMs: 50 })))
        .code,
    ).toBe('k3s-port-in-use');
  });

  it('reports credentials the cluster refuses', async () => {
    const api = await guestApi('healthy');
    const strangerCa = createCa('stranger-client-ca');
    const stranger = issueCertificate(
      strangerCa,
      { commonName: 'system:admin', organization: 'system:masters' },
      { client: true },
    );
    const guest = parse(credentials.kubeconfig) as { users: { user: Record<string, string> }[] };
    guest.users[0]!.user = {
      'client-certificate-data': Buffer.from(stranger.certPem).toString('base64'),
      'client-key-data': Buffer.from(stranger.keyPem).toString('base64'),
    };
    const error = await rejection(
      waitForK3s({
        ...target(await kubeconfigFor(api.port, stringify(guest))),
        deadlineMs: 60_000,
        pollMs: 50,
      }),
    );
    expect(error.code).toBe('k3s-unauthorized');
  });

  it('waits for /readyz and gives up at the deadline naming the failing checks', async () => {
    const api = await guestApi('api-not-ready');
    const error = await rejection(
      waitForK3s({ ...target(await kubeconfigFor(api.port)), deadlineMs: 300, pollMs: 50 }),
    );
    expect(error.code).toBe('k3s-api-not-ready');
    expect(error.message).toContain('[-]poststarthook/rbac/bootstrap-roles failed');
  });

  it('waits for the node and gives up at the deadline with its Ready condition', async () => {
    const api = await guestApi('node-not-ready');
    const error = await rejection(
      waitForK3s({ ...target(await kubeconfigFor(api.port)), deadlineMs: 300, pollMs: 50 }),
    );
    expect(error.code).toBe('k3s-node-not-ready');
    expect(error.message).toContain('KubeletNotReady: container runtime network not ready');
  });

  it('tells a crash-looping k3s from a slow one, with its last log lines', async () => {
    const port = await choosePort();
    let restarts = 0;
    const journal = 'Dec 03 10:00:02 lima-clawbar k3s[1402]: level=fatal msg="Failed to start networking"';
    const error = await rejection(
      waitForK3s({
        ...target(await kubeconfigFor(port)),
        deadlineMs: 60_000,
        pollMs: 20,
        inspectService: () =>
          Promise.resolve({
            restarts: ++restarts * 2,
            activeState: 'activating',
            subState: 'auto-restart',
            journal,
          }),
      }),
    );
    expect(error.code).toBe('k3s-crash-looping');
    expect(error).toBeInstanceOf(K3sNotReadyError);
    expect(error).toMatchObject({ logTail: journal });
    expect(error.message).toContain('restarted it 4 times');
  });

  it('keeps waiting while nothing listens but k3s is not restarting, then says connection refused', async () => {
    const port = await choosePort();
    let looked = 0;
    const error = await rejection(
      waitForK3s({
        ...target(await kubeconfigFor(port)),
        deadlineMs: 400,
        pollMs: 20,
        inspectService: () => {
          looked++;
          return Promise.resolve({
            restarts: 0,
            activeState: 'activating',
            subState: 'start',
            journal: 'Starting k3s',
          });
        },
      }),
    );
    expect(error.code).toBe('k3s-connection-refused');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error).toMatchObject({ logTail: 'Starting k3s' });
    expect(looked).toBeGreaterThan(1);
  });

  it('stops waiting when cancelled', async () => {
    const port = await choosePort();
    const controller = new AbortController();
    const reason = new Error('cancelled by the user');
    setTimeout(() => controller.abort(reason), 100);
    await expect(
      waitForK3s({
        ...target(await kubeconfigFor(port)),
        signal: controller.signal,
        deadlineMs: 60_000,
        pollMs: 20,
      }),
    ).rejects.toBe(reason);
  });
});
