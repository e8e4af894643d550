import { createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * Names, ids and times the way Kubernetes makes them: `generateName` suffixes and
 * pod-template-hash values from the "safe" alphabet (no vowels, no 0/1/3), RFC 3339 times,
 * container ids and image digests.
 */
const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(length = 5): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += safeAlphabet.charAt(byte % safeAlphabet.length);
  return out;
}

/** `rand.SafeEncodeString`: each character of the text mapped onto the safe alphabet. */
export function safeEncode(text: string): string {
  let out = '';
  for (const char of text) out += safeAlphabet.charAt(char.charCodeAt(0) % safeAlphabet.length);
  return out;
}

/** FNV-1a, 32 bits: the hash behind pod-template-hash. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** JSON with sorted keys, so equal templates hash equally. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function newUid(): string {
  return randomUUID();
}

/** RFC 3339 with whole seconds, as metadata times are serialized. */
export function rfc3339(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** RFC 3339 with microseconds (MicroTime), as events' eventTime and leases use. */
export function rfc3339Micro(date: Date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function containerId(): string {
  return `containerd://${randomBytes(32).toString('hex')}`;
}

/** A stable digest per image reference, so imageID does not change between pulls. */
export function imageDigest(image: string): string {
  return `sha256:${createHash('sha256').update(image).digest('hex')}`;
}

/** How containerd reports an image: `busybox:1.37` is `docker.io/library/busybox:1.37`. */
export function normalizeImage(image: string): string {
  const [name = image, digest] = image.split('@');
  const firstSlash = name.indexOf('/');
  const first = firstSlash >= 0 ? name.slice(0, firstSlash) : '';
  const hasRegistry =
    firstSlash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let full = hasRegistry ? name : firstSlash >= 0 ? `docker.io/${name}` : `docker.io/library/${name}`;
  const lastSlash = full.lastIndexOf('/');
  if (!digest && !full.slice(lastSlash + 1).includes(':')) full = `${full}:latest`;
  return digest ? `${full}@${digest}` : full;
}

export function imageId(image: string): string {
  const normalized = normalizeImage(image);
  const repository = normalized.split('@')[0]?.replace(/:[^/:]+$/, '') ?? normalized;
  return `${repository}@${imageDigest(normalized)}`;
}
