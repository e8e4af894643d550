import { MetricsParseError } from './parse-error';

/**
 * Linux development fallback for a GPU: `nvidia-smi --query-gpu=… --format=csv,noheader,nounits`.
 * Fields the card does not support read "[N/A]" or "[Not Supported]": absent, not zero.
 */
export const nvidiaSmiArgs = [
  '--query-gpu=name,utilization.gpu,memory.used,memory.total,power.draw,clocks.gr',
  '--format=csv,noheader,nounits',
] as const;

export interface NvidiaReading {
  name: string;
  utilizationPct: number | null;
  memoryUsedBytes: number | null;
  memoryTotalBytes: number | null;
  powerW: number | null;
  freqMHz: number | null;
}

/** The first GPU's line. */
export function parseNvidiaSmi(text: string): NvidiaReading {
  const line = text.split('\n').find(candidate => candidate.trim() !== '');
  if (line === undefined) throw new MetricsParseError('nvidia-smi printed no GPU');
  const cells = line.split(',').map(cell => cell.trim());
  if (cells.length !== 6)
    throw new MetricsParseError(`nvidia-smi line has ${cells.length} fields, expected 6`);
  const [name = '', utilization, memoryUsed, memoryTotal, power, clock] = cells;
  const value = (cell: string | undefined): number | null => {
    if (cell === undefined || cell === '' || cell.startsWith('[')) return null;
    const number = Number(cell);
    return Number.isFinite(number) ? number : null;
  };
  const mib = (cell: string | undefined): number | null => {
    const number = value(cell);
    return number === null ? null : number * 1024 * 1024;
  };
  const utilizationPct = value(utilization);
  return {
    name,
    utilizationPct: utilizationPct === null ? null : Math.min(100, Math.max(0, utilizationPct)),
    memoryUsedBytes: mib(memoryUsed),
    memoryTotalBytes: mib(memoryTotal),
    powerW: value(power),
    freqMHz: value(clock),
  };
}
