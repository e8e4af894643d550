import { MetricsParseError } from './parse-error';

/**
 * Memory sizes as other tools write them.
 * - Kubernetes quantities (metrics API): "123456Ki", "512Mi", "1Gi", "1e9", "100M" (decimal), "1500m".
 * - Lima's `memory:` ("4GiB", "4G", "4096MiB"): go-units RAMInBytes, where every unit is binary.
 */
const binary: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const decimal: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, m: 1e-3 };

export function parseKubernetesQuantity(text: string): number {
  const match = /^([+]?[\d.]+(?:[eE][+-]?\d+)?)([KMGTPE]i|[kMGTPEm]?)$/.exec(text.trim());
  const factor = match ? (binary[match[2] ?? ''] ?? decimal[match[2] ?? '']) : undefined;
  const value = match ? Number(match[1]) : NaN;
  if (!match || factor === undefined || !Number.isFinite(value))
    throw new MetricsParseError(`not a Kubernetes quantity: ${text.slice(0, 40)}`);
  return Math.round(value * factor);
}

const ramUnits: Record<string, number> = { b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };

export function parseRamSize(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  const match = typeof value === 'string' ? /^\s*([\d.]+)\s*([bkmgtp])?(?:i?b)?\s*$/i.exec(value) : null;
  const amount = Number(match?.[1]);
  if (!match || !Number.isFinite(amount))
    throw new MetricsParseError(`not a memory size: ${String(value).slice(0, 40)}`);
  return Math.round(amount * (ramUnits[(match[2] ?? 'b').toLowerCase()] ?? 1));
}
