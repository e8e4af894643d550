import { MetricsParseError } from './parse-error';

/**
 * `memory_pressure` (without -l/-p/-w it only prints and exits). Its percentage is the same number as
 * `kern.memorystatus_level`; every stat line ends with a trailing space.
 */
export interface MemoryPressureReading {
  totalBytes: number | null;
  pageSize: number | null;
  freePct: number;
  wiredBytes: number | null;
  /** "Pages used by compressor": the same count as vm_stat's "Pages occupied by compressor". */
  compressedBytes: number | null;
}

export function parseMemoryPressure(text: string): MemoryPressureReading {
  const free = /System-wide memory free percentage:\s*(\d+)%/.exec(text)?.[1];
  if (free === undefined) throw new MetricsParseError('no "System-wide memory free percentage" line');
  const header = /The system has (\d+) \((\d+) pages with a page size of (\d+)\)/.exec(text);
  const pageSize = header?.[3] === undefined ? null : Number(header[3]);
  const pages = (label: string): number | null => {
    const count = new RegExp(`^${label}: (\\d+) ?$`, 'm').exec(text)?.[1];
    return count === undefined || pageSize === null ? null : Number(count) * pageSize;
  };
  return {
    totalBytes: header?.[1] === undefined ? null : Number(header[1]),
    pageSize,
    freePct: Math.min(100, Number(free)),
    wiredBytes: pages('Pages wired down'),
    compressedBytes: pages('Pages used by compressor'),
  };
}
