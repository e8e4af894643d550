import { stringify } from 'yaml';

import type { KeyAndCert } from '../limactl/tls';

/**
 * Kubeconfigs for the fake: over HTTPS with the cluster CA and either the admin client
 * certificate or the bearer token, or over plain HTTP with the token, in the shape
 * `KubeConfig.loadFromString` (and kubectl) read.
 */
export type KubeconfigUser = { certificate: KeyAndCert } | { token: string };

const base64 = (text: string) => Buffer.from(text).toString('base64');

export function kubeconfigYaml(
  server: string,
  user: KubeconfigUser,
  caCertPem?: string,
  name = 'fake-kube-api',
): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          server,
          ...(caCertPem ? { 'certificate-authority-data': base64(caCertPem) } : {}),
          // client-node refuses http:// servers unless TLS verification is explicitly off.
          ...(server.startsWith('http://') ? { 'insecure-skip-tls-verify': true } : {}),
        },
      },
    ],
    users: [
      {
        name,
        user:
          'token' in user
            ? { token: user.token }
            : {
                'client-certificate-data': base64(user.certificate.certPem),
                'client-key-data': base64(user.certificate.keyPem),
              },
      },
    ],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
  });
}
