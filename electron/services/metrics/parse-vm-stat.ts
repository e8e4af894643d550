import { MetricsParseError } from './parse-error';

/**
 * `vm_stat`: page counts, and the page size in its header. The page size is read from the header,
 * never assumed (16384 on Apple Silicon, 4096 in an x86 context). Labels it does not know (newer
 * macOS adds "Pages tagged:" lines) are kept but not needed.
 */
export interface VmStatReading {
  pageSize: number;
  pages: Record<string, number>;
}

export interface MemoryBreakdown {
  /** App memory + wired + compressed: Activity Monitor's "Memory Used". */
  usedBytes: number;
  appBytes: number;
  wiredBytes: number;
  compressedBytes: number;
}

const requiredLabels = [
  'Anonymous pages',
  'Pages purgeable',
  'Pages wired down',
  'Pages occupied by compressor',
] as const;

export function parseVmStat(text: string): VmStatReading {
  const pageSize = /page size of (\d+) bytes/.exec(text)?.[1];
  if (pageSize === undefined) throw new MetricsParseError('vm_stat header without a page size');
  const pages: Record<string, number> = {};
  for (const match of text.matchAll(/^"?([^":\n]+)"?:\s+(\d+)\.?\s*$/gm)) {
    const [, label, count] = match;
    if (label !== undefined && count !== undefined) pages[label.trim()] = Number(count);
  }
  const missing = requiredLabels.filter(label => !(label in pages));
  if (missing.length > 0) throw new MetricsParseError(`vm_stat lacks ${missing.join(', ')}`);
  return { pageSize: Number(pageSize), pages };
}

/**
 * Activity Monitor's formula: App Memory (anonymous − purgeable) + Wired + Compressed (the pages
 * the compressor occupies). Not `total − os.freemem()`, which counts the file cache and reads ≈ total.
 */
export function memoryBreakdown({ pageSize, pages }: VmStatReading): MemoryBreakdown {
  const count = (label: (typeof requiredLabels)[number]): number => pages[label] ?? 0;
  const appPages = Math.max(0, count('Anonymous pages') - count('Pages purgeable'));
  const wired = count('Pages wired down') * pageSize;
  const compressed = count('Pages occupied by compressor') * pageSize;
  const app = appPages * pageSize;
  return {
    usedBytes: app + wired + compressed,
    appBytes: app,
    wiredBytes: wired,
    compressedBytes: compressed,
  };
}
