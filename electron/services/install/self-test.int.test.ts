import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { registerSimulatedNetwork } from '../../../testing/demo/simulated-network';
import { KubeConnection } from '../cluster/kube-connection';
import { eventually, openClusterWorld, type ClusterWorld } from '../cluster/test-support/cluster-world';

const token = 'b'.repeat(64);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** The Mac's Ollama, as the probe pod reaches it through host.lima.internal. */
async function fakeOllama(): Promise<string> {
  const server: Server = createServer((request, response) => {
    if (request.url === '/api/version') {
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"version":"0.12.3"}');
    } else response.writeHead(404).end();
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise(resolve => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function installed(): Promise<ClusterWorld> {
  const world = await openClusterWorld();
  cleanups.push(() => world.dispose());
  registerSimulatedNetwork(world.api, { ollamaUrl: await fakeOllama() });
  await world.cluster.onK3sChanged(true);
  await world.cluster.whenReady(10_000);
  const applied = await world.cluster.apply({ secrets: { OPENCLAW_GATEWAY_TOKEN: token } }).done;
  expect(applied.error).toBeNull();
  await world.network.whenReady(10_000);
  await world.cluster.waitUntilInstalled(15_000);
  return world;
}

describe('the sandbox self-test, against the fake API and its simulated network', () => {
  it('passes every probe on a fresh install, the allowlisted domain not testable offline', async () => {
    const world = await installed();
    const report = await world.selfTest.run();
    const byId = Object.fromEntries(report.probes.map(probe => [probe.id, probe]));
    expect(report.probes.map(probe => probe.id)).toEqual([
      'direct-internet',
      'proxy-allowed',
      'proxy-denied',
      'local-models',
      'host-other-ports',
      'gateway-health',
    ]);
    expect(byId['direct-internet']).toMatchObject({ expected: 'blocked', actual: 'blocked', passed: true });
    expect(byId['proxy-allowed']).toMatchObject({
      expected: 'allowed',
      actual: 'not-testable',
      passed: true,
    });
    expect(byId['proxy-denied']).toMatchObject({ expected: 'blocked', actual: 'blocked', passed: true });
    expect(byId['proxy-denied']?.evidence.output).toBe('HTTP/1.1 403 Forbidden');
    expect(byId['local-models']).toMatchObject({ expected: 'allowed', actual: 'allowed', passed: true });
    expect(byId['host-other-ports']).toMatchObject({ expected: 'blocked', actual: 'blocked', passed: true });
    expect(byId['gateway-health']).toMatchObject({ expected: 'ok', actual: 'ok', passed: true });
    expect(byId['gateway-health']?.evidence.output).toContain('"status":"live"');
    expect(report.passed).toBe(true);
    expect(world.state.snapshot.selfTest).toMatchObject({ status: 'passed', error: null });
    // The probe pod is gone once the test is done.
    await eventually(() => expect(world.cluster.podList.some(pod => pod.role === 'probe')).toBe(false));
  });

  it('follows the toggles: local models off makes the probe blocked, and that passes', async () => {
    const world = await installed();
    const operation = await world.network.set('local-models', false);
    expect(operation.status).toBe('succeeded');
    const report = await world.selfTest.run();
    expect(report.probes.find(probe => probe.id === 'local-models')).toMatchObject({
      expected: 'blocked',
      actual: 'blocked',
      passed: true,
    });
    expect(report.passed).toBe(true);
    expect(world.network.list().find(toggle => toggle.id === 'local-models')?.enforcement).toBe('enforced');
  });

  it('says NOT ENFORCED when a policy added behind its back lets the flow through', async () => {
    const world = await installed();
    await world.network.set('local-models', false);
    const other = new KubeConnection(world.api.kubeconfig);
    await other.networking.createNamespacedNetworkPolicy({
      namespace: 'openclaw',
      body: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'someone-elses-allow', namespace: 'openclaw' },
        spec: {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            { to: [{ ipBlock: { cidr: '192.168.5.2/32' } }], ports: [{ port: 11434, protocol: 'TCP' }] },
          ],
        },
      },
    });
    const report = await world.selfTest.run();
    expect(report.passed).toBe(false);
    expect(report.probes.find(probe => probe.id === 'local-models')).toMatchObject({
      expected: 'blocked',
      actual: 'allowed',
      passed: false,
    });
    expect(world.state.snapshot.selfTest.status).toBe('failed');
    await eventually(() =>
      expect(
        world.state.snapshot.cluster.policies.find(toggle => toggle.id === 'local-models')?.enforcement,
      ).toBe('not-enforced'),
    );
  });

  it('reports an error, not a result, when the cluster is not there', async () => {
    const world = await openClusterWorld();
    cleanups.push(() => world.dispose());
    await expect(world.selfTest.run()).rejects.toMatchObject({ code: 'cluster-not-connected' });
    expect(world.state.snapshot.selfTest.status).toBe('error');
  });
});
