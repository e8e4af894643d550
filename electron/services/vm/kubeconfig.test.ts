import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

import { ClawbarError } from '../../../common/errors';
import { redactor } from '../platform/redact';
import { prepareKubeconfig, serverPortOf } from './kubeconfig';

const keyData = Buffer.from(
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEow-secret-key-material\n-----END RSA PRIVATE KEY-----\n',
).toString('base64');

/** The shape k3s writes to /etc/rancher/k3s/k3s.yaml: everything named `default`, server on 6443. */
function guestKubeconfig(
  user: Record<string, string> = { 'client-certificate-data': 'Y2VydA==', 'client-key-data': keyData },
): string {
  return stringify({
    apiVersion: 'v1',
    clusters: [
      {
        cluster: { 'certificate-authority-data': 'Y2E=', server: 'https://127.0.0.1:6443' },
        name: 'default',
      },
    ],
    contexts: [{ context: { cluster: 'default', user: 'default' }, name: 'default' }],
    'current-context': 'default',
    kind: 'Config',
    preferences: {},
    users: [{ name: 'default', user }],
  });
}

describe('prepareKubeconfig', () => {
  it('points the server at the forwarded port on 127.0.0.1 and names everything clawbar', () => {
    const prepared = prepareKubeconfig(guestKubeconfig(), 51234);
    const document = parse(prepared.yaml) as Record<string, unknown>;
    expect(document).toMatchObject({
      clusters: [
        {
          name: 'clawbar',
          cluster: { server: 'https://127.0.0.1:51234', 'certificate-authority-data': 'Y2E=' },
        },
      ],
      users: [{ name: 'clawbar', user: { 'client-key-data': keyData } }],
      contexts: [{ name: 'clawbar', context: { cluster: 'clawbar', user: 'clawbar' } }],
      'current-context': 'clawbar',
    });
    expect(serverPortOf(prepared.yaml)).toBe(51234);
  });

  it('registers the client key with the redactor, so it never reaches a log or an error', () => {
    const prepared = prepareKubeconfig(guestKubeconfig(), 51234);
    expect(redactor.text(`failed with ${prepared.yaml}`)).not.toContain(keyData);
    expect(JSON.stringify(redactor.value({ kubeconfig: prepared.yaml }))).not.toContain(keyData);
  });

  it('accepts a bearer token instead of a client certificate', () => {
    const prepared = prepareKubeconfig(guestKubeconfig({ token: 'k10-bearer-token-abcdef' }), 6443);
    expect((parse(prepared.yaml) as { users: { user: { token: string } }[] }).users[0]?.user.token).toBe(
      'k10-bearer-token-abcdef',
    );
    expect(redactor.text('token k10-bearer-token-abcdef')).not.toContain('k10-bearer-token-abcdef');
  });

  it.each([
    ['not YAML', 'clusters: [\n  - {'],
    ['no clusters', stringify({ users: [{ name: 'u', user: { token: 'abcdef' } }] })],
    ['no credentials', guestKubeconfig({})],
    ['a list', '- 1\n- 2\n'],
  ])('refuses a kubeconfig with %s', (_label, text) => {
    expect(() => prepareKubeconfig(text, 6443)).toThrow(ClawbarError);
    try {
      prepareKubeconfig(text, 6443);
    } catch (error) {
      expect((error as ClawbarError).code).toBe('kubeconfig-invalid');
    }
  });
});
