import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  NetworkingV1Api,
  type V1Pod,
} from '@kubernetes/client-node';

import { startFakeKubeApi, type RunningFakeKubeApi, type StartFakeKubeApiOptions } from './server';

/**
 * What the fake's integration tests share: a server at test speed (every kubelet and controller
 * delay scaled down), client-node clients on its kubeconfig, and polling helpers.
 */
export interface TestCluster {
  api: RunningFakeKubeApi;
  config: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  networking: NetworkingV1Api;
  objects: KubernetesObjectApi;
}

export async function startTestCluster(options: StartFakeKubeApiOptions = {}): Promise<TestCluster> {
  const api = await startFakeKubeApi({ timeScale: 0.02, ...options });
  const config = new KubeConfig();
  config.loadFromString(api.kubeconfig);
  return {
    api,
    config,
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    networking: config.makeApiClient(NetworkingV1Api),
    objects: KubernetesObjectApi.makeApiClient(config),
  };
}

/** Polls until `check` returns a value other than undefined (or throws its last error at the deadline). */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw lastError instanceof Error ? lastError : new Error('condition not met in time');
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

export async function runningPods(
  core: CoreV1Api,
  namespace: string,
  count: number,
  labelSelector?: string,
): Promise<V1Pod[]> {
  return eventually(async () => {
    const pods = await core.listNamespacedPod({ namespace, ...(labelSelector ? { labelSelector } : {}) });
    const ready = pods.items.filter(
      pod =>
        !pod.metadata?.deletionTimestamp &&
        pod.status?.conditions?.some(item => item.type === 'Ready' && item.status === 'True'),
    );
    return ready.length === count && pods.items.length === count ? ready : undefined;
  });
}

/** The Status body of a failed client-node call. */
export async function statusOf(
  call: Promise<unknown>,
): Promise<{ code: number; reason: string; message: string; details?: Record<string, unknown> }> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!error) throw new Error('the call succeeded');
  const { body, code } = error as { body?: unknown; code?: number };
  // client-node drops the body of a 401.
  if (body === undefined) return { code: code ?? 0, reason: '', message: '' };
  return (typeof body === 'string' ? JSON.parse(body) : body) as {
    code: number;
    reason: string;
    message: string;
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with the server's token and CA, for what client-node does not expose (headers, raw bodies). */
export function raw(
  api: RunningFakeKubeApi,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, api.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      url,
      {
        method,
        headers: { Authorization: `Bearer ${api.token}`, ...headers },
        ...(api.caCertPem ? { ca: api.caCertPem } : {}),
      },
      response => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
