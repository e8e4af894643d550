import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';

import type { LogLine, LogStatusEvent } from '../../../common/logs';
import { localClient } from '../ipc/clients';
import { KubeConnection } from './kube-connection';
import { eventually, openClusterWorld, type ClusterWorld } from './test-support/cluster-world';

const token = 'a'.repeat(64);
const worlds: ClusterWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.dispose();
});

async function installedWorld(): Promise<ClusterWorld> {
  const world = await openClusterWorld();
  worlds.push(world);
  await world.cluster.onK3sChanged(true);
  await world.cluster.whenReady(10_000);
  const operation = await world.cluster.apply({ secrets: { OPENCLAW_GATEWAY_TOKEN: token } }).done;
  expect(operation.error).toBeNull();
  expect(operation.status).toBe('succeeded');
  return world;
}

function gatewayPods(world: ClusterWorld) {
  return world.cluster.podList.filter(pod => pod.role === 'gateway' && !pod.deleting);
}

describe('ClusterService against the fake Kubernetes API', () => {
  it('installs the sandbox: every object applied, both rollouts done, the cards running', async () => {
    const world = await installedWorld();
    await eventually(() => {
      expect(world.state.snapshot.components.gateway).toMatchObject({ state: 'running' });
      expect(world.state.snapshot.components.proxy).toMatchObject({ state: 'running' });
    });
    const view = world.state.snapshot.cluster;
    expect(view).toMatchObject({ connected: true, installed: true });
    expect(view.pods.map(pod => pod.role).sort()).toEqual(['gateway', 'proxy']);
    expect(view.operation).toMatchObject({ kind: 'apply', status: 'succeeded' });
    // Server-side apply, by the clawbar manager: the server records it as the owner.
    const objects = world.api.store.list(
      { group: 'apps', version: 'v1', resource: 'deployments' },
      'openclaw',
    );
    expect(objects.map(object => object.metadata.name).sort()).toEqual(['egress-proxy', 'openclaw-gateway']);
    // Every field arrives: client-node's serializer would drop a rule's `from` and a limit's `default`.
    const proxyIngress = world.api.store.get(
      { group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies' },
      'openclaw',
      'proxy-from-gateway',
    ) as unknown as { spec: { ingress: { from?: unknown[] }[] } };
    expect(proxyIngress.spec.ingress[0]?.from).toEqual([
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'openclaw-gateway' } } },
    ]);
    const limits = world.api.store.get(
      { group: '', version: 'v1', resource: 'limitranges' },
      'openclaw',
      'openclaw',
    ) as unknown as {
      spec: { limits: { default?: Record<string, string> }[] };
    };
    expect(limits.spec.limits.some(limit => limit.default !== undefined)).toBe(true);
    for (const object of objects) {
      const managers =
        (object.metadata as { managedFields?: { manager: string; operation: string }[] }).managedFields ?? [];
      expect(managers.some(entry => entry.manager === 'clawbar' && entry.operation === 'Apply')).toBe(true);
    }
  });

  it('forwards the gateway to 127.0.0.1 and keeps forwarding through a restart', async () => {
    const world = await installedWorld();
    await eventually(() => expect(world.state.snapshot.cluster.portForward.state).toBe('on'));
    const health = async () => (await fetch(`http://127.0.0.1:${world.gatewayPort}/healthz`)).json();
    expect(await health()).toEqual({ ok: true, status: 'live' });

    const before = gatewayPods(world).map(pod => pod.name);
    const restarted = await world.cluster.restart('gateway').done;
    expect(restarted.status).toBe('succeeded');
    await eventually(() => {
      const now = gatewayPods(world)
        .filter(pod => pod.ready)
        .map(pod => pod.name);
      expect(now).toHaveLength(1);
      expect(before).not.toContain(now[0]);
    });
    await eventually(async () => expect(await health()).toEqual({ ok: true, status: 'live' }));
  });

  it('rolls back to the previous revision', async () => {
    const world = await installedWorld();
    const image = () =>
      world.api.store.get(
        { group: 'apps', version: 'v1', resource: 'deployments' },
        'openclaw',
        'openclaw-gateway',
      )?.spec as { template: { metadata?: { annotations?: Record<string, string> } } };
    await world.cluster.restart('gateway').done;
    const stamped = image().template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
    expect(stamped).toBeDefined();
    const rolledBack = await world.cluster.rollback('gateway').done;
    expect(rolledBack).toMatchObject({ status: 'succeeded', error: null });
    expect(image().template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeUndefined();
  });

  it('reports a conflict with another manager instead of forcing it, and prunes what it no longer renders', async () => {
    const world = await installedWorld();
    // Someone edits the proxy's config with their own tool (server-side apply, manager "kubectl-edit").
    const other = new KubeConnection(world.api.kubeconfig);
    await other.objects.patch(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'egress-proxy-config', namespace: 'openclaw' },
        data: { 'squid.conf': 'http_access allow all\n' },
      },
      undefined,
      undefined,
      'kubectl-edit',
      true,
      PatchStrategy.ServerSideApply,
    );
    const blocked = await world.cluster.apply({ secrets: { OPENCLAW_GATEWAY_TOKEN: token } }).done;
    expect(blocked.status).toBe('failed');
    expect(blocked.error?.code).toBe('cluster-conflict');
    expect(blocked.error?.message).toContain('kubectl-edit');
    const configMap = world.api.store.get(
      { group: '', version: 'v1', resource: 'configmaps' },
      'openclaw',
      'egress-proxy-config',
    );
    expect((configMap as unknown as { data: Record<string, string> }).data['squid.conf']).toBe(
      'http_access allow all\n',
    );

    // Turning internet off: its three policies are pruned from the server.
    await other.objects.delete({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'egress-proxy-config', namespace: 'openclaw' },
    });
    await world.network.set('internet', false);
    const names = world.api.store
      .list({ group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies' }, 'openclaw')
      .map(policy => policy.metadata.name);
    expect(names).not.toContain('proxy-to-internet');
    expect(names).toContain('default-deny');
    expect(world.network.list().find(toggle => toggle.id === 'internet')).toMatchObject({
      desired: false,
      server: 'off',
    });
  });

  it('sees drift when a policy is deleted or edited behind its back, and repairs it', async () => {
    const world = await installedWorld();
    const internet = () => world.network.list().find(toggle => toggle.id === 'internet');
    await eventually(() => expect(internet()).toMatchObject({ server: 'on' }));
    const other = new KubeConnection(world.api.kubeconfig);
    await other.networking.deleteNamespacedNetworkPolicy({
      name: 'proxy-to-internet',
      namespace: 'openclaw',
    });
    await eventually(() =>
      expect(internet()).toMatchObject({
        server: 'drifted',
        drift: [{ policy: 'proxy-to-internet', problem: 'missing' }],
      }),
    );
    await other.networking.patchNamespacedNetworkPolicy(
      {
        name: 'gateway-to-proxy',
        namespace: 'openclaw',
        body: { spec: { egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] } },
        fieldManager: 'kubectl-edit',
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await eventually(() =>
      expect(internet()?.drift).toEqual([
        { policy: 'gateway-to-proxy', problem: 'changed' },
        { policy: 'proxy-to-internet', problem: 'missing' },
      ]),
    );
    const repaired = await world.network.repair();
    expect(repaired.status).toBe('succeeded');
    await eventually(() => expect(internet()).toMatchObject({ server: 'on', drift: [] }));
  });

  it('streams pod logs in batches and resumes after a dropped stream without losing or repeating a line', async () => {
    const world = await installedWorld();
    const gateway = gatewayPods(world)[0];
    if (!gateway) throw new Error('no gateway pod');
    const received: LogLine[] = [];
    const statuses: LogStatusEvent[] = [];
    const client = localClient('viewer', (event, payload) => {
      if (event === 'logs:lines') received.push(...(payload as { lines: LogLine[] }).lines);
      if (event === 'logs:status') statuses.push(payload as LogStatusEvent);
    });
    const opened = await world.cluster.logs.open(client, { pod: gateway.name, follow: true, tailLines: 0 });
    expect(opened.container).toBe('gateway');
    const ref = { namespace: 'openclaw', name: gateway.name };
    const numbered = (from: number, count: number) =>
      Array.from({ length: count }, (_, index) => `line ${from + index}`);
    world.api.kubelet.emitLog(ref, 'gateway', numbered(0, 200));
    await eventually(() => expect(received.filter(line => line.text.startsWith('line '))).toHaveLength(200));
    world.api.faults.dropLogStreams();
    world.api.kubelet.emitLog(ref, 'gateway', numbered(200, 300));
    await eventually(() => expect(received.filter(line => line.text.startsWith('line '))).toHaveLength(500));
    const texts = received.map(line => line.text).filter(text => text.startsWith('line '));
    expect(texts).toEqual(numbered(0, 500));
    expect(received.map(line => line.seq)).toEqual(received.map((_, index) => index));
    expect(statuses.map(status => status.state)).toContain('reconnecting');
    expect(statuses.at(-1)?.state).toBe('streaming');
    // The window goes away: its streams end with it.
    client.dispose();
    expect(world.cluster.logs.openCount).toBe(0);
  });

  it('puts secrets in the cluster without ever logging or publishing them', async () => {
    const world = await installedWorld();
    const key = 'sk-ant-api03-' + 'Z'.repeat(40);
    const operation = await world.cluster.updateSecret({
      OPENCLAW_GATEWAY_TOKEN: token,
      ANTHROPIC_API_KEY: key,
    });
    expect(operation.status).toBe('succeeded');
    const secret = world.api.store.get(
      { group: '', version: 'v1', resource: 'secrets' },
      'openclaw',
      'openclaw-secrets',
    ) as unknown as {
      data: Record<string, string>;
    };
    expect(Buffer.from(secret.data.ANTHROPIC_API_KEY ?? '', 'base64').toString()).toBe(key);
    // Removing a key: it goes from the Secret too.
    await world.cluster.updateSecret({ OPENCLAW_GATEWAY_TOKEN: token });
    const after = world.api.store.get(
      { group: '', version: 'v1', resource: 'secrets' },
      'openclaw',
      'openclaw-secrets',
    ) as unknown as {
      data: Record<string, string>;
    };
    expect(Object.keys(after.data)).toEqual(['OPENCLAW_GATEWAY_TOKEN']);
    const everything = JSON.stringify([world.logs.lines, world.state.snapshot, world.events]);
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(token);
  });

  it('keeps watching through dropped watches and an API outage', async () => {
    const world = await installedWorld();
    world.api.faults.dropWatches();
    await world.api.faults.refuseConnections();
    await eventually(() => expect(world.state.snapshot.cluster.connected).toBe(false));
    await world.api.faults.restoreConnections();
    await eventually(() => expect(world.state.snapshot.cluster.connected).toBe(true));
    await world.cluster.restart('proxy').done;
    await eventually(() => expect(world.state.snapshot.components.proxy.state).toBe('running'));
  });
});
