import { request, type RequestOptions } from 'node:https';

import type { KubeConfig } from '@kubernetes/client-node';
import { z } from 'zod';

import { ClawbarError, type ErrorCode } from '../../../common/errors';
import type { Reason, ReasonCode } from '../../../common/state';
import type { K3sServiceState } from './lima-driver';

/**
 * Is k3s ready? `/readyz` with the kubeconfig's own credentials (k3s runs with anonymous auth off,
 * so an anonymous probe only ever sees 401), then the node's Ready condition. Every failure is
 * classified into something a user can act on: nothing listening, another program on the port, a
 * certificate for the wrong address, credentials refused, k3s crash-looping (with its last log
 * lines), or the API/node not ready by the deadline.
 */
export type ProbeOutcome =
  | { kind: 'ready'; version: string | undefined }
  | { kind: 'refused'; detail: string }
  | { kind: 'foreign'; detail: string }
  | { kind: 'wrong-address'; detail: string }
  | { kind: 'unauthorized'; detail: string }
  | { kind: 'api-not-ready'; detail: string }
  | { kind: 'node-not-ready'; detail: string };

export interface ProbeTarget {
  kubeconfig: KubeConfig;
  nodeName: string;
  requestTimeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** Loaded on first use: client-node is large, and most commands never talk to the cluster. */
export async function loadKubeconfig(yamlText: string): Promise<KubeConfig> {
  const { KubeConfig: KubeConfigClass } = await import('@kubernetes/client-node');
  const kubeconfig = new KubeConfigClass();
  try {
    kubeconfig.loadFromString(yamlText);
  } catch (error) {
    throw new ClawbarError(
      'kubeconfig-invalid',
      `The kubeconfig could not be loaded: ${(error as Error).message}`,
    );
  }
  if (!kubeconfig.getCurrentCluster())
    throw new ClawbarError('kubeconfig-invalid', 'The kubeconfig has no current cluster.');
  return kubeconfig;
}

/** The API address a kubeconfig points at, `127.0.0.1:PORT`, for messages. */
export function apiAddress(kubeconfig: KubeConfig): string {
  const server = kubeconfig.getCurrentCluster()?.server;
  return server ? new URL(server).host : 'the API';
}

interface RawResponse {
  status: number;
  body: string;
}

async function get(target: ProbeTarget, path: string): Promise<RawResponse> {
  const cluster = target.kubeconfig.getCurrentCluster();
  if (!cluster) throw new ClawbarError('kubeconfig-invalid', 'The kubeconfig has no current cluster.');
  const url = new URL(path, cluster.server);
  const options: RequestOptions = { method: 'GET', timeout: target.requestTimeoutMs };
  // The kubeconfig's CA, client certificate and key (or bearer token) go into the TLS options.
  await target.kubeconfig.applyToHTTPSOptions(options);
  return new Promise<RawResponse>((resolve, reject) => {
    const req = request(url, { ...options, signal: target.signal }, response => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (body.length < 256 * 1024) body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })),
    );
    req.on('error', reject);
    req.end();
  });
}

const nodeSchema = z.object({
  status: z
    .object({
      conditions: z
        .array(
          z.object({
            type: z.string(),
            status: z.string(),
            reason: z.string().optional(),
            message: z.string().optional(),
          }),
        )
        .optional(),
      nodeInfo: z.object({ kubeletVersion: z.string().optional() }).optional(),
    })
    .optional(),
});

/** One look: /readyz, then the node. Never throws for what the server or the network does. */
export async function probeK3s(target: ProbeTarget): Promise<ProbeOutcome> {
  let readyz: RawResponse;
  try {
    readyz = await get(target, '/readyz?verbose');
  } catch (error) {
    if (target.signal?.aborted) throw target.signal.reason;
    return classifyNetworkError(error);
  }
  if (readyz.status === 401 || readyz.status === 403) {
    return {
      kind: 'unauthorized',
      detail: `/readyz answered ${readyz.status}: the credentials were refused`,
    };
  }
  if (readyz.status >= 500) {
    const failing = readyz.body
      .split('\n')
      .filter(line => line.startsWith('[-]'))
      .join('; ');
    return { kind: 'api-not-ready', detail: failing || `/readyz answered ${readyz.status}` };
  }
  if (readyz.status !== 200) {
    return { kind: 'foreign', detail: `/readyz answered ${readyz.status}: not a Kubernetes API` };
  }
  let nodeResponse: RawResponse;
  try {
    nodeResponse = await get(target, `/api/v1/nodes/${encodeURIComponent(target.nodeName)}`);
  } catch (error) {
    if (target.signal?.aborted) throw target.signal.reason;
    return classifyNetworkError(error);
  }
  if (nodeResponse.status === 404) {
    return { kind: 'node-not-ready', detail: `the node ${target.nodeName} has not registered yet` };
  }
  if (nodeResponse.status !== 200) {
    return { kind: 'api-not-ready', detail: `reading the node answered ${nodeResponse.status}` };
  }
  let node: z.infer<typeof nodeSchema>;
  try {
    node = nodeSchema.parse(JSON.parse(nodeResponse.body));
  } catch {
    return { kind: 'foreign', detail: 'the node answer is not a Kubernetes Node' };
  }
  const ready = node.status?.conditions?.find(condition => condition.type === 'Ready');
  if (ready?.status !== 'True') {
    return {
      kind: 'node-not-ready',
      detail: ready
        ? `${ready.reason ?? 'NotReady'}: ${ready.message ?? ''}`.trim()
        : 'the node reports no Ready condition yet',
    };
  }
  return { kind: 'ready', version: node.status?.nodeInfo?.kubeletVersion };
}

const refusedCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
const foreignTlsCodes = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

export function classifyNetworkError(error: unknown): ProbeOutcome {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return { kind: 'wrong-address', detail: message };
  if (foreignTlsCodes.has(code) || /wrong version number|packet length too long/i.test(message)) {
    return { kind: 'foreign', detail: `${code || 'TLS'}: ${message}` };
  }
  if (refusedCodes.has(code) || /socket hang up/i.test(message))
    return { kind: 'refused', detail: `${code || 'ECONNRESET'}: ${message}` };
  return { kind: 'refused', detail: message };
}

const outcomeCodes: Record<Exclude<ProbeOutcome['kind'], 'ready'>, ErrorCode & ReasonCode> = {
  refused: 'k3s-connection-refused',
  foreign: 'k3s-port-in-use',
  'wrong-address': 'k3s-certificate-mismatch',
  unauthorized: 'k3s-unauthorized',
  'api-not-ready': 'k3s-api-not-ready',
  'node-not-ready': 'k3s-node-not-ready',
};

/** What the k3s card says after a quick look. */
export function outcomeReason(outcome: ProbeOutcome, address: string): Reason {
  if (outcome.kind === 'ready') {
    return {
      code: 'k3s-ready',
      message: `k3s ${outcome.version ?? ''} ready on ${address}`.replace('  ', ' '),
      params: { address },
    };
  }
  return { code: outcomeCodes[outcome.kind], message: `${address}: ${outcome.detail}`, params: { address } };
}

export class K3sNotReadyError extends ClawbarError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly logTail?: string,
  ) {
    super(code, message);
  }
}

export interface WaitOptions extends ProbeTarget {
  deadlineMs: number;
  pollMs: number;
  /** Reads k3s's unit state and journal in the guest, to tell "still starting" from a crash loop. */
  inspectService?: (() => Promise<K3sServiceState>) | undefined;
  /** Restarts at or above this mean crash-looping. */
  crashLoopRestarts?: number;
  onProgress?: ((outcome: ProbeOutcome, elapsedMs: number) => void) | undefined;
}

/**
 * Polls until k3s is ready or the deadline passes. A wrong certificate or another program on the
 * port will not fix itself: those fail at once. A refused connection is normal while k3s starts,
 * so only a climbing restart counter (or the deadline) turns it into a failure.
 */
export async function waitForK3s(options: WaitOptions): Promise<{ version: string | undefined }> {
  const started = Date.now();
  const address = apiAddress(options.kubeconfig);
  let attempts = 0;
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason;
    const outcome = await probeK3s(options);
    attempts++;
    options.onProgress?.(outcome, Date.now() - started);
    switch (outcome.kind) {
      case 'ready':
        return { version: outcome.version };
      case 'wrong-address':
        throw new K3sNotReadyError(
          'k3s-certificate-mismatch',
          `The certificate served on ${address} is not valid for that address (${outcome.detail}). k3s was set up for another address; restart the VM, or delete and recreate it.`,
        );
      case 'foreign':
        throw new K3sNotReadyError(
          'k3s-port-in-use',
          `Another program answers on ${address}, not the VM's k3s (${outcome.detail}). Quit it, then restart the VM: Clawbar picks a free port when the VM starts.`,
        );
      case 'unauthorized':
        throw new K3sNotReadyError(
          'k3s-unauthorized',
          `k3s on ${address} refused Clawbar's credentials (${outcome.detail}). Restart the VM so Clawbar copies fresh ones.`,
        );
      case 'refused':
        if (options.inspectService && attempts % 3 === 0) {
          const state = await options.inspectService().catch(() => undefined);
          if (state && state.restarts >= (options.crashLoopRestarts ?? 3)) {
            throw new K3sNotReadyError(
              'k3s-crash-looping',
              `k3s keeps crashing inside the VM: systemd restarted it ${state.restarts} times (${state.activeState}/${state.subState}). Its last log lines say why.`,
              state.journal,
            );
          }
        }
        break;
      default:
        break;
    }
    if (Date.now() - started >= options.deadlineMs) {
      const journal = options.inspectService
        ? (await options.inspectService().catch(() => undefined))?.journal
        : undefined;
      throw timeoutError(outcome, address, options.deadlineMs, journal);
    }
    await sleep(options.pollMs, options.signal);
  }
}

function timeoutError(
  outcome: ProbeOutcome,
  address: string,
  deadlineMs: number,
  journal: string | undefined,
): K3sNotReadyError {
  const seconds = Math.round(deadlineMs / 1000);
  switch (outcome.kind) {
    case 'api-not-ready':
      return new K3sNotReadyError(
        'k3s-api-not-ready',
        `The Kubernetes API on ${address} was still not ready after ${seconds} s: ${outcome.detail}.`,
        journal,
      );
    case 'node-not-ready':
      return new K3sNotReadyError(
        'k3s-node-not-ready',
        `The Kubernetes node was still not ready after ${seconds} s: ${outcome.detail}.`,
        journal,
      );
    default:
      return new K3sNotReadyError(
        'k3s-connection-refused',
        `Nothing answered on ${address} for ${seconds} s (${outcome.kind === 'refused' ? outcome.detail : outcome.kind}). k3s did not start in the VM; its last log lines may say why.`,
        journal,
      );
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      const reason: unknown = signal?.reason;
      reject(reason instanceof Error ? reason : new Error(String(reason)));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
