import { createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * Certificates like the ones k3s generates on first start (ECDSA P-256, as k3s uses): a CA, a
 * serving certificate with the API's SANs, an admin client certificate. Node can make and sign
 * keys but not build certificates, so this encodes the X.509 DER itself: a few dozen lines, and
 * milliseconds instead of the seconds RSA key generation costs a test run.
 */
export interface KeyAndCert {
  keyPem: string;
  certPem: string;
}

interface Subject {
  commonName: string;
  organization?: string;
}

interface Usage {
  server?: boolean;
  client?: boolean;
  altNames?: { dns?: string[]; ips?: string[] };
}

export function createCa(commonName: string): KeyAndCert {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const subject = name({ commonName });
  const certPem = certificate({
    subject,
    issuer: subject,
    spki: publicKey.export({ type: 'spki', format: 'der' }),
    extensions: [
      extension(oids.basicConstraints, true, sequence(boolean(true))),
      extension(oids.keyUsage, true, keyUsage({ digitalSignature: true, keyCertSign: true, cRLSign: true })),
    ],
    signingKeyPem: privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
  });
  return { keyPem: privateKey.export({ type: 'sec1', format: 'pem' }).toString(), certPem };
}

export function issueCertificate(ca: KeyAndCert, subject: Subject, usage: Usage): KeyAndCert {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const extensions = [
    extension(oids.basicConstraints, true, sequence()),
    extension(oids.keyUsage, true, keyUsage({ digitalSignature: true, keyEncipherment: true })),
    extension(
      oids.extKeyUsage,
      false,
      sequence(
        ...[...(usage.server ? [oid(oids.serverAuth)] : []), ...(usage.client ? [oid(oids.clientAuth)] : [])],
      ),
    ),
  ];
  const dns = usage.altNames?.dns ?? [];
  const ips = usage.altNames?.ips ?? [];
  if (dns.length + ips.length > 0) {
    extensions.push(
      extension(
        oids.subjectAltName,
        false,
        sequence(
          ...dns.map(value => tagged(0x82, Buffer.from(value, 'ascii'))),
          ...ips.map(value => tagged(0x87, ipBytes(value))),
        ),
      ),
    );
  }
  const certPem = certificate({
    subject: name(subject),
    issuer: issuerName(ca.certPem),
    spki: publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
    signingKeyPem: ca.keyPem,
  });
  return { keyPem: privateKey.export({ type: 'sec1', format: 'pem' }).toString(), certPem };
}

const oids = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};

function certificate(options: {
  subject: Buffer;
  issuer: Buffer;
  spki: Buffer;
  extensions: Buffer[];
  signingKeyPem: string;
}): string {
  const now = Date.now();
  const algorithm = sequence(oid(oids.ecdsaWithSha256));
  const tbs = sequence(
    tagged(0xa0, integer(Buffer.from([2]))), // v3
    integer(Buffer.concat([Buffer.from([0x01]), randomBytes(15)])),
    algorithm,
    options.issuer,
    sequence(time(new Date(now - 60 * 60 * 1000)), time(new Date(now + 10 * 365 * 24 * 60 * 60 * 1000))),
    options.subject,
    options.spki,
    tagged(0xa3, sequence(...options.extensions)),
  );
  const signature = sign('sha256', tbs, createPrivateKey(options.signingKeyPem));
  const der = sequence(tbs, algorithm, bitString(signature));
  const base64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
}

/** The issuer of a leaf is the CA's subject, taken verbatim from the CA certificate. */
function issuerName(caPem: string): Buffer {
  const der = Buffer.from(caPem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
  // Certificate → tbsCertificate → [version, serial, algorithm, issuer, validity, subject, …]
  const tbs = children(der)[0];
  const subject = tbs ? children(tbs)[5] : undefined;
  if (!subject) throw new Error('not a certificate');
  return subject;
}

/** The TLV elements inside a constructed DER element. */
function children(element: Buffer): Buffer[] {
  const { headerLength, length } = header(element, 0);
  const content = element.subarray(headerLength, headerLength + length);
  const out: Buffer[] = [];
  for (let offset = 0; offset < content.length;) {
    const child = header(content, offset);
    out.push(content.subarray(offset, offset + child.headerLength + child.length));
    offset += child.headerLength + child.length;
  }
  return out;
}

function header(buffer: Buffer, offset: number): { headerLength: number; length: number } {
  const first = buffer[offset + 1] ?? 0;
  if (first < 0x80) return { headerLength: 2, length: first };
  const bytes = first & 0x7f;
  let length = 0;
  for (let index = 0; index < bytes; index++) length = length * 256 + (buffer[offset + 2 + index] ?? 0);
  return { headerLength: 2 + bytes, length };
}

function name(subject: Subject): Buffer {
  const attribute = (type: string, value: string) =>
    set(sequence(oid(type), tagged(0x0c, Buffer.from(value, 'utf8'))));
  return sequence(
    ...(subject.organization ? [attribute(oids.organization, subject.organization)] : []),
    attribute(oids.commonName, subject.commonName),
  );
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), tagged(0x04, value));
}

function keyUsage(bits: {
  digitalSignature?: boolean;
  keyEncipherment?: boolean;
  keyCertSign?: boolean;
  cRLSign?: boolean;
}): Buffer {
  let byte = 0;
  if (bits.digitalSignature) byte |= 0x80;
  if (bits.keyEncipherment) byte |= 0x20;
  if (bits.keyCertSign) byte |= 0x04;
  if (bits.cRLSign) byte |= 0x02;
  let unused = 0;
  while (unused < 7 && (byte & (1 << unused)) === 0) unused++;
  return tagged(0x03, Buffer.from([unused, byte]));
}

function ipBytes(value: string): Buffer {
  if (isIP(value) !== 4) throw new Error(`only IPv4 SANs are supported: ${value}`);
  return Buffer.from(value.split('.').map(Number));
}

function time(date: Date): Buffer {
  const iso = date.toISOString();
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  // UTCTime until 2049, GeneralizedTime from 2050 on (RFC 5280).
  return date.getUTCFullYear() < 2050
    ? tagged(0x17, Buffer.from(digits.slice(2), 'ascii'))
    : tagged(0x18, Buffer.from(digits, 'ascii'));
}

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let value = arc >>> 7; value > 0; value >>>= 7) chunk.unshift((value & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tagged(0x06, Buffer.from(bytes));
}

function integer(bytes: Buffer): Buffer {
  return tagged(0x02, (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function boolean(value: boolean): Buffer {
  return tagged(0x01, Buffer.from([value ? 0xff : 0]));
}

function bitString(bytes: Buffer): Buffer {
  return tagged(0x03, Buffer.concat([Buffer.from([0]), bytes]));
}

function sequence(...items: Buffer[]): Buffer {
  return tagged(0x30, Buffer.concat(items));
}

function set(...items: Buffer[]): Buffer {
  return tagged(0x31, Buffer.concat(items));
}

function tagged(tag: number, content: Buffer): Buffer {
  const length = content.length;
  const lengthBytes =
    length < 0x80 ? [length] : length < 0x100 ? [0x81, length] : [0x82, (length >> 8) & 0xff, length & 0xff];
  return Buffer.concat([Buffer.from([tag, ...lengthBytes]), content]);
}
