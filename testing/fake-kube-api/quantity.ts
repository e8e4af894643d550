/**
 * Kubernetes resource quantities (`500m`, `2`, `512Mi`, `1.5Gi`, `1e3`): parsed to a number of
 * base units (cores, bytes) and printed back in the canonical form `resource.Quantity.String()`
 * uses, keeping the binary or decimal family of the original.
 */
const binary: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const decimal: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const pattern = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

export const quantityPattern = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

export interface Quantity {
  value: number;
  format: 'BinarySI' | 'DecimalSI' | 'DecimalExponent';
}

export function parseQuantity(text: unknown): Quantity | null {
  if (typeof text === 'number') return Number.isFinite(text) ? { value: text, format: 'DecimalSI' } : null;
  if (typeof text !== 'string') return null;
  const match = pattern.exec(text.trim());
  if (!match) return null;
  const [, number = '0', suffix, exponent] = match;
  const base = Number(number);
  if (exponent !== undefined) return { value: base * 10 ** Number(exponent), format: 'DecimalExponent' };
  if (suffix && suffix in binary) return { value: base * (binary[suffix] ?? 1), format: 'BinarySI' };
  return { value: base * (decimal[suffix ?? ''] ?? 1), format: 'DecimalSI' };
}

/** Rounds away float noise: quantities are exact to the nano unit. */
function exact(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

export function formatQuantity(quantity: Quantity): string {
  const value = exact(quantity.value);
  if (value === 0) return '0';
  if (quantity.format === 'BinarySI' && Number.isInteger(value)) {
    for (const [suffix, factor] of Object.entries(binary).reverse()) {
      if (Math.abs(value) >= factor && value % factor === 0) return `${value / factor}${suffix}`;
    }
    if (Math.abs(value) < 1024) return String(value);
  }
  for (const suffix of ['E', 'P', 'T', 'G', 'M', 'k', '', 'm', 'u', 'n']) {
    const factor = decimal[suffix] ?? 1;
    const scaled = exact(value / factor);
    if (scaled !== 0 && Number.isInteger(scaled)) return `${scaled}${suffix}`;
  }
  return String(value);
}

export function sameFormatSum(values: Quantity[]): Quantity {
  return {
    value: values.reduce((total, item) => total + item.value, 0),
    format: values[0]?.format ?? 'DecimalSI',
  };
}
