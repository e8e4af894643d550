import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ensureGuestCredentials, guestClusterStateFile, serveGuestK3sApi } from '../limactl/guest-k3s';
import { eventually } from './test-clients';
import { choosePort } from '../../electron/services/platform/free-port';

/**
 * The stand-in VM's guest API serves the whole fake cluster behind the k3s credentials, and its
 * state behaves like etcd on the VM's disk: it survives a stop/start (the pods come back after
 * the node "reboots", restarted), and is gone with the VM.
 */
const nodeName = 'lima-clawbar';
let stateDir: string;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'clawbar-guest-cluster-'));
});

afterAll(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

async function boot() {
  const port = await choosePort();
  const api = await serveGuestK3sApi({ port, stateDir, nodeName, mode: () => 'healthy' });
  const config = new KubeConfig();
  config.loadFromString(
    ensureGuestCredentials(stateDir, nodeName).kubeconfig.replace(
      'https://127.0.0.1:6443',
      `https://127.0.0.1:${port}`,
    ),
  );
  return { api, core: config.makeApiClient(CoreV1Api), apps: config.makeApiClient(AppsV1Api) };
}

async function readyPod(core: CoreV1Api) {
  return eventually(async () => {
    const pods = await core.listNamespacedPod({ namespace: 'openclaw' });
    const pod = pods.items[0];
    return pods.items.length === 1 && pod?.status?.containerStatuses?.[0]?.ready ? pod : undefined;
  }, 15_000);
}

describe('the guest cluster', () => {
  it('serves the cluster with the k3s credentials, keeps it across a restart, and loses it with the VM', async () => {
    const first = await boot();
    try {
      expect((await first.core.listNode()).items.map(node => node.metadata?.name)).toEqual([nodeName]);
      await first.core.createNamespace({ body: { metadata: { name: 'openclaw' } } });
      await first.apps.createNamespacedDeployment({
        namespace: 'openclaw',
        body: {
          metadata: { name: 'web' },
          spec: {
            selector: { matchLabels: { app: 'web' } },
            template: {
              metadata: { labels: { app: 'web' } },
              spec: { containers: [{ name: 'main', image: 'busybox:1.37' }] },
            },
          },
        },
      });
      const pod = await readyPod(first.core);
      expect(pod.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    } finally {
      await first.api.close();
    }
    expect(existsSync(guestClusterStateFile(stateDir))).toBe(true);

    const second = await boot();
    try {
      const deployment = await second.apps.readNamespacedDeployment({ name: 'web', namespace: 'openclaw' });
      expect(deployment.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
      const pod = await eventually(async () => {
        const current = await readyPod(second.core);
        return current.status?.containerStatuses?.[0]?.restartCount === 1 ? current : undefined;
      }, 15_000);
      expect(pod.status?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({
        exitCode: 255,
        reason: 'Unknown',
      });
      const events = await second.core.listNamespacedEvent({
        namespace: 'openclaw',
        fieldSelector: 'reason=SandboxChanged',
      });
      expect(events.items[0]?.message).toBe('Pod sandbox changed, it will be killed and re-created.');
    } finally {
      await second.api.close();
    }

    await rm(stateDir, { recursive: true, force: true });
    const third = await boot();
    try {
      expect((await third.core.listNamespace()).items.map(item => item.metadata?.name)).not.toContain(
        'openclaw',
      );
    } finally {
      await third.api.close();
    }
  });
});
