/**
 * Locale-aware numbers with units, shared by the control room and the CLI. Memory sizes are
 * 1024-based and labelled GB/MB as Activity Monitor does, so Clawbar's figures match the Mac's.
 */
const byteUnits = [
  ['terabyte', 1024 ** 4],
  ['gigabyte', 1024 ** 3],
  ['megabyte', 1024 ** 2],
  ['kilobyte', 1024],
] as const;

export function formatBytes(bytes: number, language: string): string {
  const [unit, size] = byteUnits.find(([, candidate]) => bytes >= candidate) ?? ['byte', 1];
  const value = bytes / size;
  return new Intl.NumberFormat(language, {
    style: 'unit',
    unit,
    maximumFractionDigits: value >= 1000 || unit === 'byte' ? 0 : 1,
  }).format(value);
}

/** 94 → "94 %" (fr) / "94%" (en). */
export function formatPercent(percent: number, language: string, fractionDigits = 0): string {
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: fractionDigits }).format(
    percent / 100,
  );
}

export function formatDecimal(value: number, language: string, fractionDigits = 1): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: fractionDigits }).format(value);
}
