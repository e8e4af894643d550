import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';

import { KubeConnection } from '../../electron/services/cluster/kube-connection';
import { startFakeKubeApi } from '../../testing/fake-kube-api/server';

/**
 * A fake Kubernetes API in a process of its own with one pod whose container writes as many log
 * lines as asked: the source both log readers of the benchmark follow, so neither shares its CPU
 * with the server. Commands on stdin: `flood RATE BYTES`, `stop`, `quit`. Prints one JSON line
 * `{ "kubeconfig": PATH, "pod": NAME }` once the pod runs.
 */
const kubeconfigPath = process.argv[2];
if (!kubeconfigPath) throw new Error('usage: log-flood-server KUBECONFIG_PATH');

const api = await startFakeKubeApi({ tls: true, timeScale: 0.02 });
await writeFile(kubeconfigPath, api.kubeconfig, { mode: 0o600 });
const pod = { namespace: 'default', name: 'flood' };
const client = new KubeConnection(api.kubeconfig);
await client.core.createNamespacedPod({
  namespace: pod.namespace,
  body: {
    metadata: { name: pod.name },
    spec: { containers: [{ name: 'main', image: 'docker.io/library/busybox:1.37.0' }] },
  },
});
for (;;) {
  const read = await client.core.readNamespacedPod({ name: pod.name, namespace: pod.namespace });
  if (read.status?.phase === 'Running') break;
  await new Promise(resolve => setTimeout(resolve, 20));
}
process.stdout.write(`${JSON.stringify({ kubeconfig: kubeconfigPath, pod: pod.name })}\n`);

let flood: { stop(): void } | undefined;
for await (const line of createInterface({ input: process.stdin })) {
  const [command, rate, bytes] = line.trim().split(/\s+/);
  flood?.stop();
  flood = undefined;
  if (command === 'flood') {
    flood = api.kubelet.startFlood(pod, 'main', { linesPerSecond: Number(rate), lineBytes: Number(bytes) });
  } else if (command === 'quit') {
    break;
  }
  process.stdout.write('ok\n');
}
await api.close();
process.exit(0);
