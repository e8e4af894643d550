import type { KubernetesObject } from '@kubernetes/client-node';

import { ClawbarError } from '../../../common/errors';
import { httpStatusError, kubeError, readBody, type KubeConnection } from '../cluster/kube-connection';
import { contains } from '../cluster/policy-state';
import type { SandboxObject } from '../cluster/render-manifests';
import { objectKey } from '../cluster/sandbox-apply';

/** The collection each rendered kind lives in (REST paths use the plural). */
const plurals: Record<string, string> = {
  Namespace: 'namespaces',
  NetworkPolicy: 'networkpolicies',
  Deployment: 'deployments',
  Service: 'services',
  ConfigMap: 'configmaps',
  Secret: 'secrets',
  ServiceAccount: 'serviceaccounts',
  PersistentVolumeClaim: 'persistentvolumeclaims',
  PersistentVolume: 'persistentvolumes',
  ResourceQuota: 'resourcequotas',
  LimitRange: 'limitranges',
};

/**
 * The object as the server has it, as JSON: the typed clients rename fields that are reserved
 * words in JavaScript (`from` becomes `_from`, `default` `_default`), which a comparison with the
 * rendered YAML must not see.
 */
async function readRaw(
  connection: KubeConnection,
  wanted: SandboxObject,
  signal: AbortSignal,
): Promise<KubernetesObject> {
  const plural = plurals[wanted.kind];
  if (!plural) throw new ClawbarError('internal', `No REST path known for ${wanted.kind}.`);
  const group = wanted.apiVersion.includes('/') ? `/apis/${wanted.apiVersion}` : `/api/${wanted.apiVersion}`;
  const scope = wanted.metadata.namespace
    ? `/namespaces/${encodeURIComponent(wanted.metadata.namespace)}`
    : '';
  const path = `${group}${scope}/${plural}/${encodeURIComponent(wanted.metadata.name)}`;
  const response = await connection.stream(path, AbortSignal.any([signal, AbortSignal.timeout(10_000)]));
  const body = await readBody(response, 4 * 1024 * 1024);
  if (response.statusCode !== 200)
    throw httpStatusError(response.statusCode ?? 0, body, `Reading ${objectKey(wanted)}`);
  return JSON.parse(body) as KubernetesObject;
}

/** What an apply sets and the server keeps as given; the rest (status, defaults) is the server's. */
function applied(object: KubernetesObject): Record<string, unknown> {
  const record = object as KubernetesObject & { spec?: unknown; data?: unknown; rules?: unknown };
  return {
    metadata: { labels: object.metadata?.labels ?? {}, annotations: object.metadata?.annotations ?? {} },
    ...(record.spec === undefined ? {} : { spec: record.spec }),
    ...(record.data === undefined ? {} : { data: record.data }),
  };
}

/**
 * Whether the server holds the sandbox as Clawbar renders it for the current settings: every
 * object exists and says everything the rendered one says (the server may add defaults). The
 * Secret is compared by its keys only: its values are the Keychain's, never rendered.
 */
export async function verifySandbox(
  connection: KubeConnection,
  rendered: readonly SandboxObject[],
  /** The keys Secret `openclaw-secrets` must hold: the gateway token and the provider keys set. */
  secretKeys: readonly string[],
  signal: AbortSignal,
): Promise<{ matches: boolean; detail: string }> {
  const problems: string[] = [];
  for (const wanted of rendered) {
    if (signal.aborted) return { matches: false, detail: 'Cancelled.' };
    const key = objectKey(wanted);
    let actual: KubernetesObject;
    try {
      actual = await readRaw(connection, wanted, signal);
    } catch (error) {
      const failure = kubeError(error, `Reading ${key}`);
      problems.push(failure.code === 'not-found' ? `${key} is not on the server.` : failure.message);
      continue;
    }
    if (wanted.kind === 'Secret') {
      const held = Object.keys((actual as { data?: Record<string, string> }).data ?? {})
        .sort()
        .join(', ');
      const expected = [...secretKeys].sort().join(', ');
      if (held !== expected) problems.push(`${key} holds the keys [${held}], not [${expected}].`);
    } else if (!contains(applied(actual), applied(wanted))) {
      problems.push(
        `${key} differs from what Clawbar renders (changed behind its back, or the settings changed).`,
      );
    }
  }
  return problems.length === 0
    ? {
        matches: true,
        detail: `All ${rendered.length} objects of the sandbox are on the server as rendered.`,
      }
    : { matches: false, detail: problems.join('\n') };
}
