import type { MemoryPressure } from '../../../common/metrics';
import { MetricsParseError } from './parse-error';

/**
 * sysctl values for memory, all readable without root. Live, Clawbar asks by name
 * (`sysctl hw.memsize …`) and reads `name: value` lines, because `sysctl -n a b c` is positional and
 * an unknown key (iogpu.wired_limit_mb before macOS 14) makes it exit 1 — or, with -i, silently
 * drop a line so every later value shifts. Recordings hold the `-n` batch, checked line by line.
 */
export const sysctlNames = [
  'hw.memsize',
  'hw.pagesize',
  'kern.memorystatus_level',
  'kern.memorystatus_vm_pressure_level',
  'iogpu.wired_limit_mb',
  'vm.swapusage',
] as const;
export type SysctlName = (typeof sysctlNames)[number];

export interface SwapUsage {
  totalBytes: number;
  usedBytes: number;
  freeBytes: number;
  encrypted: boolean;
}

export interface SysctlReading {
  memsizeBytes: number | null;
  pageSize: number | null;
  /** kern.memorystatus_level: the system-wide free percentage memory_pressure prints. */
  freePct: number | null;
  /** kern.memorystatus_vm_pressure_level as a level; null when absent or not a known level. */
  pressure: MemoryPressure | null;
  /** The raw level, so an unknown one can be reported rather than guessed. */
  pressureLevel: number | null;
  /** iogpu.wired_limit_mb: 0 = the system default. */
  gpuWiredLimitMiB: number | null;
  swap: SwapUsage | null;
}

/** `kern.memorystatus_vm_pressure_level`: 1 normal, 2 warning, 4 critical (a notification level that can latch). */
export function pressureFromLevel(level: number): MemoryPressure | null {
  switch (level) {
    case 1:
      return 'normal';
    case 2:
      return 'warning';
    case 4:
      return 'critical';
    default:
      return null;
  }
}

const swapPattern =
  /total = ([\d.]+)([KMGT]?)\s+used = ([\d.]+)([KMGT]?)\s+free = ([\d.]+)([KMGT]?)(\s+\(encrypted\))?/;
const unitFactor: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** `vm.swapusage`: "total = 1024.00M  used = 112.25M  free = 911.75M  (encrypted)", MiB with two decimals. */
export function parseSwapUsage(text: string): SwapUsage {
  const match = swapPattern.exec(text);
  if (!match) throw new MetricsParseError('vm.swapusage not in the "total = …M  used = …M  free = …M" form');
  const size = (value: string | undefined, unit: string | undefined): number =>
    Math.round(Number(value) * (unitFactor[unit ?? ''] ?? 1));
  return {
    totalBytes: size(match[1], match[2]),
    usedBytes: size(match[3], match[4]),
    freeBytes: size(match[5], match[6]),
    encrypted: match[7] !== undefined,
  };
}

/** `sysctl iogpu.wired_limit_mb` ("iogpu.wired_limit_mb: 245760") or its bare value. */
export function parseWiredLimit(text: string): number {
  const value = /^(?:iogpu\.wired_limit_mb:\s*)?(\d+)\s*$/m.exec(text.trim())?.[1];
  if (value === undefined) throw new MetricsParseError('iogpu.wired_limit_mb is not a number');
  return Number(value);
}

/** Named output: `name: value` per line, in any order, unknown keys missing. */
export function parseSysctlNamed(text: string): SysctlReading {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([\w.]+):\s?(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) values.set(match[1], match[2].trim());
  }
  if (![...values.keys()].some(key => (sysctlNames as readonly string[]).includes(key)))
    throw new MetricsParseError('sysctl printed none of the expected keys');
  return readingFrom(name => values.get(name));
}

/** The recorded `sysctl -n hw.memsize hw.pagesize … vm.swapusage` batch: exactly one line per name. */
export function parseSysctlBatch(text: string): SysctlReading {
  const lines = text.replace(/\n+$/, '').split('\n');
  if (lines.length !== sysctlNames.length)
    throw new MetricsParseError(
      `expected ${sysctlNames.length} lines (${sysctlNames.join(' ')}), got ${lines.length}: a missing key shifts every value`,
    );
  const reading = readingFrom(name => lines[sysctlNames.indexOf(name)]?.trim());
  // Positional values must each have their own shape, or the batch is misaligned.
  if (reading.swap === null) throw new MetricsParseError('the last line is not vm.swapusage');
  return reading;
}

function readingFrom(get: (name: SysctlName) => string | undefined): SysctlReading {
  const integer = (name: SysctlName): number | null => {
    const raw = get(name);
    if (raw === undefined || raw === '') return null;
    if (!/^\d+$/.test(raw)) throw new MetricsParseError(`${name} is not an integer: ${raw.slice(0, 40)}`);
    return Number(raw);
  };
  const level = integer('kern.memorystatus_vm_pressure_level');
  const swap = get('vm.swapusage');
  const freePct = integer('kern.memorystatus_level');
  if (freePct !== null && freePct > 100)
    throw new MetricsParseError(`kern.memorystatus_level is not a percentage: ${freePct}`);
  return {
    memsizeBytes: integer('hw.memsize'),
    pageSize: integer('hw.pagesize'),
    freePct,
    pressure: level === null ? null : pressureFromLevel(level),
    pressureLevel: level,
    gpuWiredLimitMiB: integer('iogpu.wired_limit_mb'),
    swap: swap === undefined || swap === '' ? null : parseSwapUsage(swap),
  };
}
