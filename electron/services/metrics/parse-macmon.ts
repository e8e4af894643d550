import { MetricsParseError, roundTo } from './parse-error';
import type { PowerReading } from './parse-powermetrics';

/**
 * `macmon pipe -i <ms>`: one JSON object per line, read from Apple's IOReport without root.
 * v0.8 names (`gpu_freq_mhz`, `gpu_active_ratio`, `gpu_power` in W); older installs only have the
 * v0.7 aliases (`gpu_usage: [mhz, ratio]`), still read here.
 */
export function macmonArgs(intervalMs: number): string[] {
  return ['pipe', '-i', String(intervalMs)];
}

export interface MacmonReading extends PowerReading {
  ramTotalBytes: number | null;
  swapTotalBytes: number | null;
  swapUsedBytes: number | null;
}

export function parseMacmonLine(line: string): MacmonReading {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new MetricsParseError('macmon line is not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new MetricsParseError('macmon line is not an object');
  const record = json as Record<string, unknown>;
  const gpuUsage = Array.isArray(record.gpu_usage) ? (record.gpu_usage as unknown[]) : [];
  const memory = isRecord(record.memory) ? record.memory : {};
  const freq = num(record.gpu_freq_mhz) ?? num(gpuUsage[0]);
  const ratio = num(record.gpu_active_ratio) ?? num(gpuUsage[1]);
  const timestamp = typeof record.timestamp === 'string' ? Date.parse(record.timestamp) : NaN;
  return {
    gpuActivePct: ratio === null ? null : Math.min(100, Math.max(0, roundTo(ratio * 100, 4))),
    gpuFreqMHz: freq,
    gpuPowerW: num(record.gpu_power),
    cpuPowerW: num(record.cpu_power),
    anePowerW: num(record.ane_power),
    combinedPowerW: num(record.all_power),
    thermalPressure: null,
    elapsedMs: null,
    timestamp: Number.isNaN(timestamp) ? null : new Date(timestamp).toISOString(),
    ramTotalBytes: num(memory.ram_total),
    swapTotalBytes: num(memory.swap_total),
    swapUsedBytes: num(memory.swap_usage),
  };
}

/** Every complete line of a recorded `macmon pipe` output, parsed; blank lines are skipped. */
export function parseMacmonLines(text: string): MacmonReading[] {
  const lines = text.split('\n').filter(line => line.trim() !== '');
  if (lines.length === 0) throw new MetricsParseError('no macmon line');
  return lines.map(parseMacmonLine);
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
