import { MetricsParseError } from './parse-error';

/**
 * Linux development fallback: /proc/meminfo (kB). Linux has no "wired" memory and no pressure level
 * in macOS's sense: those readouts stay absent rather than being made up.
 */
export interface ProcMeminfoReading {
  totalBytes: number;
  usedBytes: number;
  freePct: number;
  swapTotalBytes: number | null;
  swapUsedBytes: number | null;
  /** zswap's compressed pool, when the kernel reports it. */
  compressedBytes: number | null;
}

export function parseProcMeminfo(text: string): ProcMeminfoReading {
  const fields = new Map<string, number>();
  for (const match of text.matchAll(/^([\w()]+):\s+(\d+)(?: kB)?\s*$/gm)) {
    if (match[1] !== undefined && match[2] !== undefined) fields.set(match[1], Number(match[2]) * 1024);
  }
  const total = fields.get('MemTotal');
  if (total === undefined || total === 0) throw new MetricsParseError('/proc/meminfo has no MemTotal');
  // Kernels before 3.14 have no MemAvailable: free + buffers + page cache is the old estimate.
  const available =
    fields.get('MemAvailable') ??
    (fields.get('MemFree') ?? 0) + (fields.get('Buffers') ?? 0) + (fields.get('Cached') ?? 0);
  const swapTotal = fields.get('SwapTotal');
  const swapFree = fields.get('SwapFree');
  return {
    totalBytes: total,
    usedBytes: Math.max(0, total - available),
    freePct: Math.round((Math.min(available, total) / total) * 100),
    swapTotalBytes: swapTotal ?? null,
    swapUsedBytes:
      swapTotal === undefined || swapFree === undefined ? null : Math.max(0, swapTotal - swapFree),
    compressedBytes: fields.get('Zswap') ?? null,
  };
}
