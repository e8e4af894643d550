import { describe, expect, it } from 'vitest';

import { REDACTED, Redactor } from '../platform/redact';
import { BundleSecrets } from './bundle-secrets';

const token = 'f'.repeat(8) + '0123456789abcdef0123456789abcdef0123456789abcdef01234567';
const pem = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIO4nN6pQeUjqN2Q8\n-----END EC PRIVATE KEY-----';
const kubeconfig = `apiVersion: v1
kind: Config
users:
  - name: clawbar
    user:
      client-certificate-data: Y2VydA==
      client-key-data: ${Buffer.from(pem).toString('base64')}
  - name: other
    user:
      token: kube-token-0123456789
`;

describe('BundleSecrets', () => {
  it('redacts known values, their base64 form and private keys, and finds none afterwards', () => {
    const secrets = new BundleSecrets(new Redactor());
    secrets.add(token, 'the gateway token');
    secrets.addKubeconfig(kubeconfig, 'kubeconfig.yaml');
    const text = [
      `plain ${token}`,
      `base64 ${Buffer.from(token).toString('base64')}`,
      `key data ${Buffer.from(pem).toString('base64')}`,
      `pem ${pem}`,
      'bearer kube-token-0123456789',
    ].join('\n');
    const redacted = secrets.redact(text);
    for (const secret of [
      token,
      Buffer.from(token).toString('base64'),
      'MHcCAQEEIO4nN6pQeUjqN2Q8',
      'kube-token-0123456789',
    ]) {
      expect(redacted).not.toContain(secret);
    }
    expect(redacted.split(REDACTED).length - 1).toBeGreaterThanOrEqual(5);
    expect(secrets.scan([{ name: 'a.txt', text: redacted }])).toEqual([]);
  });

  it('names the entry and the kind of each secret it finds, never the value', () => {
    const secrets = new BundleSecrets(new Redactor());
    secrets.add(token, 'OPENCLAW_GATEWAY_TOKEN');
    const hits = secrets.scan([
      { name: 'logs/clawbar.log', text: `leaked ${Buffer.from(token).toString('base64')}` },
      { name: 'lima/serialv.log', text: pem },
    ]);
    expect(hits).toEqual([
      { entry: 'logs/clawbar.log', secret: 'OPENCLAW_GATEWAY_TOKEN (base64)' },
      { entry: 'lima/serialv.log', secret: 'a private key' },
    ]);
    expect(() => secrets.assertClean([{ name: 'x', text: token }])).toThrow(
      expect.objectContaining({ code: 'diagnostics-secret-found' }) as Error,
    );
    try {
      secrets.assertClean([{ name: 'x', text: token }]);
    } catch (error) {
      expect((error as Error).message).not.toContain(token);
    }
  });

  it('also finds what was registered with the process redactor', () => {
    const processRedactor = new Redactor();
    processRedactor.register('registered-secret-value');
    const secrets = new BundleSecrets(processRedactor);
    expect(secrets.scan([{ name: 'state.json', text: 'x registered-secret-value y' }])).toEqual([
      { entry: 'state.json', secret: 'a value registered with the redactor' },
    ]);
  });

  it('ignores values too short to search for, and kubeconfigs it cannot read', () => {
    const secrets = new BundleSecrets(new Redactor());
    secrets.add('abc', 'short');
    secrets.addKubeconfig(': not yaml : [', 'broken');
    secrets.addKubeconfig(undefined, 'absent');
    expect(secrets.size).toBe(0);
  });
});
