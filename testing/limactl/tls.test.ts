import { X509Certificate } from 'node:crypto';
import { createServer } from 'node:https';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { TLSSocket } from 'node:tls';

import { describe, expect, it } from 'vitest';

import { createCa, issueCertificate } from './tls';

describe('stand-in certificates', () => {
  const ca = createCa('k3s-server-ca@1');
  const serving = issueCertificate(
    ca,
    { commonName: 'k3s' },
    { server: true, altNames: { dns: ['kubernetes', 'localhost'], ips: ['127.0.0.1', '10.43.0.1'] } },
  );
  const admin = issueCertificate(
    ca,
    { commonName: 'system:admin', organization: 'system:masters' },
    { client: true },
  );

  it('are X.509 certificates that OpenSSL reads, signed by their CA', () => {
    const caCert = new X509Certificate(ca.certPem);
    const leaf = new X509Certificate(serving.certPem);
    expect(caCert.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.verify(caCert.publicKey)).toBe(true);
    expect(leaf.checkIssued(caCert)).toBe(true);
    expect(leaf.issuer).toBe('CN=k3s-server-ca@1');
    expect(leaf.subjectAltName).toBe(
      'DNS:kubernetes, DNS:localhost, IP Address:127.0.0.1, IP Address:10.43.0.1',
    );
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkIP('192.168.1.10')).toBeUndefined();
    expect(new X509Certificate(admin.certPem).subject).toBe('O=system:masters\nCN=system:admin');
    expect(new Date(leaf.validTo).getTime()).toBeGreaterThan(Date.now() + 5 * 365 * 24 * 3600 * 1000);
  });

  it('carry a real TLS handshake with client authentication', async () => {
    const server = createServer(
      {
        key: serving.keyPem,
        cert: serving.certPem,
        ca: [ca.certPem],
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) =>
        res.end(req.socket instanceof TLSSocket ? req.socket.getPeerCertificate().subject.CN : 'not TLS'),
    );
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, ca: ca.certPem, key: admin.keyPem, cert: admin.certPem },
        res => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end();
    });
    server.close();
    expect(body).toBe('system:admin');
  });
});
