/**
 * Sizes, speeds and durations for people, in their language (Intl: "5.2 GB" / "5,2 Go"). Model
 * sizes are decimal (GB), as Ollama shows them; memory is binary (GiB), as Macs count it.
 */
function unit(language: string, value: number, name: string, digits: number): string {
  return new Intl.NumberFormat(language, {
    style: 'unit',
    unit: name,
    unitDisplay: 'short',
    maximumFractionDigits: digits,
  }).format(value);
}

export function formatBytes(bytes: number, language: string): string {
  const steps: [number, string][] = [
    [1e12, 'terabyte'],
    [1e9, 'gigabyte'],
    [1e6, 'megabyte'],
    [1e3, 'kilobyte'],
  ];
  for (const [size, name] of steps) {
    if (Math.abs(bytes) >= size) return unit(language, bytes / size, name, 1);
  }
  return unit(language, bytes, 'byte', 0);
}

/** Memory in GiB, labelled GB as macOS labels it. */
export function formatMemory(bytes: number, language: string): string {
  return unit(language, bytes / 1024 ** 3, 'gigabyte', 1);
}

export function formatRate(bytesPerSecond: number, language: string): string {
  if (bytesPerSecond >= 1e9) return unit(language, bytesPerSecond / 1e9, 'gigabyte-per-second', 1);
  if (bytesPerSecond >= 1e6) return unit(language, bytesPerSecond / 1e6, 'megabyte-per-second', 1);
  return unit(language, bytesPerSecond / 1e3, 'kilobyte-per-second', 0);
}

export function formatSeconds(seconds: number, language: string): string {
  if (seconds >= 3600) return unit(language, seconds / 3600, 'hour', 1);
  if (seconds >= 60) return unit(language, Math.round(seconds / 60), 'minute', 0);
  return unit(language, Math.max(0, Math.round(seconds)), 'second', 0);
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

/** Memory readouts 1024-based in the largest fitting unit, labelled GB/MB as Activity Monitor does. */
export function formatMemoryBytes(bytes: number, language: string): string {
  const steps: [number, string][] = [
    [1024 ** 4, 'terabyte'],
    [1024 ** 3, 'gigabyte'],
    [1024 ** 2, 'megabyte'],
    [1024, 'kilobyte'],
  ];
  for (const [size, name] of steps) {
    if (Math.abs(bytes) >= size) return unit(language, bytes / size, name, bytes / size >= 1000 ? 0 : 1);
  }
  return unit(language, bytes, 'byte', 0);
}

/**
 * Reads a memory size such as `32GB`, `32 G`, `24GiB`, `16384MB` or `32` (GB). Macs count memory
 * in binary units whatever the label, so GB and GiB are both 2³⁰ bytes. Undefined when unreadable.
 */
export function parseMemorySize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(t|g|m|k)?(?:i?b)?\s*$/i.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  const power = { t: 4, g: 3, m: 2, k: 1 }[(match[2] ?? 'g').toLowerCase() as 't' | 'g' | 'm' | 'k'];
  const bytes = Math.round(value * 1024 ** power);
  return Number.isFinite(bytes) && bytes > 0 && bytes <= 2 ** 50 ? bytes : undefined;
}
