import { get } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { PassThrough } from 'node:stream';

import { PortForward } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually, runningPods, startTestCluster, type TestCluster } from './test-clients';

/**
 * Port-forward as client-node's PortForward speaks it (WebSocket, v4.channel.k8s.io, the port
 * number first on each channel): a local listener forwarding each connection to the gateway's
 * port 18789, the OpenClaw gateway's health endpoints through it, and a refused port reported on
 * the error channel.
 */
let cluster: TestCluster;
const namespace = 'openclaw';
let podName = '';
const listeners: Server[] = [];

beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.core.createNamespace({ body: { metadata: { name: namespace } } });
  await cluster.core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: 'openclaw-secrets' }, stringData: { OPENCLAW_GATEWAY_TOKEN: 'f'.repeat(64) } },
  });
  await cluster.apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: 'openclaw-gateway' },
      spec: {
        selector: { matchLabels: { app: 'openclaw-gateway' } },
        template: {
          metadata: { labels: { app: 'openclaw-gateway' } },
          spec: {
            containers: [
              {
                name: 'gateway',
                image: 'ghcr.io/openclaw/openclaw:2026.7.1-2-slim',
                ports: [{ containerPort: 18789, name: 'http' }],
                env: [
                  {
                    name: 'OPENCLAW_GATEWAY_TOKEN',
                    valueFrom: { secretKeyRef: { name: 'openclaw-secrets', key: 'OPENCLAW_GATEWAY_TOKEN' } },
                  },
                ],
                startupProbe: {
                  httpGet: { path: '/startupz', port: 'http' },
                  periodSeconds: 1,
                  failureThreshold: 30,
                },
                readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5 },
              },
            ],
          },
        },
      },
    },
  });
  const [pod] = await runningPods(cluster.core, namespace, 1);
  podName = pod?.metadata?.name ?? '';
});

afterAll(async () => {
  for (const listener of listeners) listener.close();
  await cluster.api.close();
});

/** What `kubectl port-forward` does: one WebSocket per local connection. */
async function forward(port: number, errors?: PassThrough): Promise<number> {
  const portForward = new PortForward(cluster.config);
  const listener = createServer(socket => {
    void portForward.portForward(namespace, podName, [port], socket, errors ?? null, socket);
  });
  listeners.push(listener);
  await new Promise<void>(resolve => listener.listen(0, '127.0.0.1', resolve));
  return (listener.address() as AddressInfo).port;
}

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, response => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('port-forward', () => {
  it('reaches the gateway: /healthz, /readyz, the Control UI, and 200 for unknown paths', async () => {
    const local = await forward(18789);
    expect(await httpGet(local, '/healthz')).toEqual({ status: 200, body: '{"ok":true,"status":"live"}' });
    expect(await httpGet(local, '/readyz')).toEqual({ status: 200, body: '{"ok":true,"status":"started"}' });
    expect(await httpGet(local, '/startupz')).toEqual({
      status: 200,
      body: '{"ok":true,"status":"started"}',
    });
    const ui = await httpGet(local, '/');
    expect(ui.status).toBe(200);
    expect(ui.body).toContain('<title>OpenClaw Control</title>');
    expect((await httpGet(local, '/no/such/page')).status).toBe(200);
  });

  it('carries several connections at once, each on its own WebSocket', async () => {
    const local = await forward(18789);
    const results = await Promise.all([1, 2, 3, 4].map(() => httpGet(local, '/healthz')));
    expect(results.every(result => result.status === 200)).toBe(true);
  });

  it('reports a port nothing listens on through the error channel', async () => {
    const errors = new PassThrough();
    let text = '';
    errors.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const local = await forward(9999, errors);
    // client-node leaves the local socket open after the remote side closed: do not wait for a reply.
    const request = get({ host: '127.0.0.1', port: local, path: '/', agent: false }).on(
      'error',
      () => undefined,
    );
    await eventually(() => (text.includes('connection refused') ? true : undefined));
    request.destroy();
    expect(text).toMatch(
      /^error forwarding port 9999 to pod [0-9a-f-]+, uid : failed to execute portforward in network namespace/,
    );
  });

  it('refuses a pod that does not exist before upgrading', async () => {
    await expect(
      new PortForward(cluster.config).portForward(
        namespace,
        'missing',
        [18789],
        new PassThrough(),
        null,
        new PassThrough(),
      ),
    ).rejects.toThrow();
  });
});
