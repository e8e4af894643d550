import type { V1Secret } from '@kubernetes/client-node';

import { managedByLabel, managedByValue } from './sandbox-apply';

export const sandboxSecretName = 'openclaw-secrets';

/**
 * Secret `openclaw-secrets` with real values, built only at apply time and never kept, logged or
 * written to a file; the rendered manifests carry placeholders instead.
 */
export function sandboxSecret(namespace: string, values: Readonly<Record<string, string>>): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: sandboxSecretName,
      namespace,
      labels: { [managedByLabel]: managedByValue, 'app.kubernetes.io/part-of': 'clawbar' },
    },
    type: 'Opaque',
    // `data`, not `stringData`: the server stores only `data`, so server-side apply can remove a
    // key we stop sending only when we own it there.
    data: Object.fromEntries(
      Object.entries(values).map(([key, value]) => [key, Buffer.from(value, 'utf8').toString('base64')]),
    ),
  };
}
