import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';

import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  NetworkingV1Api,
  type KubernetesObject,
} from '@kubernetes/client-node';

import { ClawbarError, type ErrorCode } from '../../../common/errors';

/** The namespace every sandbox object lives in (SANDBOX.md). */
export const sandboxNamespace = 'openclaw';

/**
 * One connection to the k3s API through Clawbar's dedicated kubeconfig: the typed clients of
 * @kubernetes/client-node, and a raw streaming GET (for pod logs) authenticated the same way.
 */
export class KubeConnection {
  readonly config: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly networking: NetworkingV1Api;
  readonly objects: KubernetesObjectApi;

  constructor(kubeconfigText: string) {
    this.config = new KubeConfig();
    try {
      this.config.loadFromString(kubeconfigText);
    } catch (error) {
      throw new ClawbarError('kubeconfig-invalid', `The kubeconfig cannot be read: ${messageOf(error)}`);
    }
    if (!this.config.getCurrentCluster()) {
      throw new ClawbarError('kubeconfig-invalid', 'The kubeconfig has no current cluster.');
    }
    this.core = this.config.makeApiClient(CoreV1Api);
    this.apps = this.config.makeApiClient(AppsV1Api);
    this.networking = this.config.makeApiClient(NetworkingV1Api);
    this.objects = KubernetesObjectApi.makeApiClient(this.config);
  }

  get server(): string {
    return this.config.getCurrentCluster()?.server ?? '';
  }

  /**
   * Server-side apply of one object as raw JSON (`application/apply-patch+yaml`; JSON is YAML).
   * Not through client-node's serializer: it maps a few JSON keys to renamed properties (`from` in
   * a NetworkPolicy rule, `default` in a LimitRange) and silently drops them from plain objects.
   */
  async apply<T extends KubernetesObject>(
    object: T,
    options: { fieldManager: string; force: boolean; signal?: AbortSignal },
  ): Promise<T> {
    const path = resourcePath(object);
    const query = new URLSearchParams({ fieldManager: options.fieldManager });
    if (options.force) query.set('force', 'true');
    const body = JSON.stringify(object);
    const { status, text } = await this.send('PATCH', `${path}?${query.toString()}`, body, options.signal);
    if (status < 200 || status >= 300) {
      throw new ApiException(status, `HTTP ${status}`, text, {});
    }
    return JSON.parse(text) as T;
  }

  /**
   * GETs a path as raw JSON: objects keep their API field names (the typed clients rename a few,
   * e.g. a NetworkPolicy rule's `from`), so what is read compares with what is rendered.
   */
  async getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
    const response = await this.stream(path, signal ?? AbortSignal.timeout(30_000));
    const text = await readBody(response, 32 * 1024 * 1024);
    if (response.statusCode !== 200)
      throw new ApiException(response.statusCode ?? 0, `HTTP ${response.statusCode}`, text, {});
    return JSON.parse(text) as T;
  }

  private async send(
    method: string,
    path: string,
    body: string,
    signal: AbortSignal | undefined,
  ): Promise<{ status: number; text: string }> {
    const url = new URL(path, this.server);
    const options: RequestOptions = {
      method,
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/apply-patch+yaml',
        'Content-Length': Buffer.byteLength(body),
      },
    };
    await this.config.applyToHTTPSOptions(options);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = send(url, { ...options, ...(signal ? { signal } : {}) }, resolve);
      request.on('error', reject);
      request.end(body);
    });
    return { status: response.statusCode ?? 0, text: await readBody(response, 8 * 1024 * 1024) };
  }

  /**
   * Opens a streaming GET. Resolves with the response once its headers arrive (any status: the
   * caller reads error bodies); rejects when the connection fails. Aborting the signal ends it.
   */
  async stream(path: string, signal: AbortSignal): Promise<IncomingMessage> {
    const url = new URL(path, this.server);
    const options: RequestOptions = { method: 'GET', headers: { Accept: '*/*' } };
    await this.config.applyToHTTPSOptions(options);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(url, { ...options, signal }, resolve);
      request.on('error', reject);
      request.end();
    });
  }
}

/** Reads a whole (small) response body, e.g. an error's Status. */
export async function readBody(response: IncomingMessage, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The `message` of a Kubernetes Status body, or the text itself. */
export function statusMessage(body: unknown): string {
  const parsed = typeof body === 'string' ? tryJson(body) : body;
  if (parsed && typeof parsed === 'object' && 'message' in parsed && typeof parsed.message === 'string') {
    return parsed.message;
  }
  return typeof body === 'string' ? body.trim().slice(0, 500) : '';
}

const codeForStatus: Record<number, ErrorCode> = {
  400: 'cluster-bad-request',
  401: 'cluster-unauthorized',
  403: 'cluster-forbidden',
  404: 'not-found',
  409: 'cluster-conflict',
  410: 'cluster-gone',
  422: 'cluster-invalid',
};

/**
 * Turns what client-node (or a raw request) threw into a ClawbarError a user can act on:
 * the API's own message for HTTP errors, "cannot reach" for network failures.
 */
export function kubeError(error: unknown, what: string): ClawbarError {
  if (error instanceof ClawbarError) return error;
  if (error instanceof ApiException) {
    const message = statusMessage(error.body) || `HTTP ${error.code}`;
    const code = codeForStatus[error.code] ?? 'cluster-api-error';
    return new ClawbarError(code, `${what}: ${message}`, undefined, { cause: error });
  }
  const errno = (error as { code?: string; cause?: { code?: string } } | null) ?? {};
  const network = errno.code ?? errno.cause?.code;
  if (network && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|EPIPE|UND_ERR_SOCKET)$/.test(network)) {
    return new ClawbarError(
      'cluster-unreachable',
      `${what}: the k3s API does not answer (${network}). Is the VM running?`,
      undefined,
      { cause: error },
    );
  }
  return new ClawbarError('cluster-api-error', `${what}: ${messageOf(error)}`, undefined, { cause: error });
}

export function httpStatusError(status: number, body: string, what: string): ClawbarError {
  const message = statusMessage(body) || `HTTP ${status}`;
  return new ClawbarError(codeForStatus[status] ?? 'cluster-api-error', `${what}: ${message}`);
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The REST resource of each kind the sandbox renders: group/version, plural, namespaced. */
const resources: Record<string, { plural: string; namespaced: boolean }> = {
  Namespace: { plural: 'namespaces', namespaced: false },
  PersistentVolume: { plural: 'persistentvolumes', namespaced: false },
  ResourceQuota: { plural: 'resourcequotas', namespaced: true },
  LimitRange: { plural: 'limitranges', namespaced: true },
  ServiceAccount: { plural: 'serviceaccounts', namespaced: true },
  Secret: { plural: 'secrets', namespaced: true },
  ConfigMap: { plural: 'configmaps', namespaced: true },
  PersistentVolumeClaim: { plural: 'persistentvolumeclaims', namespaced: true },
  Service: { plural: 'services', namespaced: true },
  Pod: { plural: 'pods', namespaced: true },
  NetworkPolicy: { plural: 'networkpolicies', namespaced: true },
  Deployment: { plural: 'deployments', namespaced: true },
};

/** `/api/v1/namespaces/openclaw/configmaps/name` or `/apis/apps/v1/…` for an object. */
export function resourcePath(object: KubernetesObject): string {
  const kind = object.kind ?? '';
  const resource = resources[kind];
  const name = object.metadata?.name;
  if (!resource || !object.apiVersion || !name) {
    throw new ClawbarError(
      'invalid-input',
      `Cannot apply ${kind || 'an object'}/${name ?? ''}: unknown kind.`,
    );
  }
  const base = object.apiVersion.includes('/') ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
  const namespace = object.metadata?.namespace;
  if (resource.namespaced && !namespace) {
    throw new ClawbarError('invalid-input', `${kind}/${name} needs a namespace.`);
  }
  const scope = resource.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? '')}` : '';
  return `${base}${scope}/${resource.plural}/${encodeURIComponent(name)}`;
}
