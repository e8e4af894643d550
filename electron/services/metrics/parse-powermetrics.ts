import { MetricsParseError, roundTo } from './parse-error';
import { dictAt, isDict, numberAt, parsePlist, stringAt, type PlistDict } from './plist';

/**
 * powermetrics (root only): GPU power, frequency and active residency.
 *
 * Traps, each covered by a test on the fixtures:
 * - `-f plist` writes one document per sample, NUL-separated; in a pipe the NUL arrives at the start
 *   of the next document, and a document may be split across reads (PlistStreamSplitter);
 * - the `gpu` dict repeats `idle_ns` and `idle_ratio` (the tolerant plist parser keeps the last);
 * - `gpu.freq_hz` is in MHz despite its name, while the CPU clusters' `freq_hz` really are Hz;
 * - `*_power` values are mW averaged over the window, `*_energy` are mJ over the window;
 * - key sets change between macOS versions: only elapsed_ns, processor.*_power/_energy,
 *   gpu.freq_hz and gpu.idle_ratio are relied on;
 * - in the text format "GPU Power" appears twice per sample (the last one belongs to the GPU block)
 *   and the section order is not fixed, so it is read by pattern, not by position.
 */
export const powermetricsSamplers = 'cpu_power,gpu_power,thermal';

/** The exact argv Clawbar runs (and that the sudoers rule pins). */
export function powermetricsArgs(intervalMs = 1000): string[] {
  return ['--samplers', powermetricsSamplers, '-i', String(intervalMs), '-f', 'plist'];
}

export interface PowerReading {
  gpuActivePct: number | null;
  gpuFreqMHz: number | null;
  gpuPowerW: number | null;
  cpuPowerW: number | null;
  anePowerW: number | null;
  combinedPowerW: number | null;
  thermalPressure: string | null;
  elapsedMs: number | null;
  /** When the sample was taken (whole seconds in powermetrics' plist), if the document says. */
  timestamp: string | null;
}

const plistEnd = '</plist>';

/**
 * Cuts a powermetrics plist stream into documents. Bounded: a stream that never closes a document
 * is dropped once it exceeds maxBufferChars rather than growing without end.
 */
export class PlistStreamSplitter {
  private buffer = '';
  /** Where the search for the next end tag resumes: the buffer before it holds no end tag. */
  private scanFrom = 0;
  /** Documents dropped because they were cut short (a NUL arrived before their end) or too long. */
  dropped = 0;

  constructor(private readonly maxBufferChars = 4 * 1024 * 1024) {}

  push(chunk: string): string[] {
    this.buffer += chunk;
    const documents: string[] = [];
    for (;;) {
      const end = this.buffer.indexOf(plistEnd, this.scanFrom);
      if (end < 0) {
        // An end tag may straddle two chunks: rescan its length minus one next time.
        this.scanFrom = Math.max(0, this.buffer.length - plistEnd.length + 1);
        break;
      }
      let document = this.buffer.slice(0, end + plistEnd.length);
      this.buffer = this.buffer.slice(end + plistEnd.length);
      this.scanFrom = 0;
      // A NUL inside means the document before it was cut short: keep only what follows.
      const nul = document.lastIndexOf('\0');
      if (nul >= 0) {
        if (document.slice(0, nul).includes('<plist')) this.dropped++;
        document = document.slice(nul + 1);
      }
      documents.push(document.replace(/^\s+/, ''));
    }
    if (this.buffer.length > this.maxBufferChars) {
      this.dropped++;
      this.buffer = '';
      this.scanFrom = 0;
    }
    return documents;
  }
}

/** Every document of a recorded stream (a `.plist.nul` file), in order. */
export function splitPlistStream(text: string): string[] {
  return new PlistStreamSplitter(Number.MAX_SAFE_INTEGER).push(text);
}

export function readPowermetricsDocument(xml: string): PowerReading {
  const root = parsePlist(xml);
  if (!isDict(root)) throw new MetricsParseError('powermetrics document is not a dict');
  const processor = dictAt(root, 'processor');
  const gpu = dictAt(root, 'gpu');
  if (!processor && !gpu) throw new MetricsParseError('powermetrics document has neither processor nor gpu');
  const elapsedNs = numberAt(root, 'elapsed_ns');
  const seconds = elapsedNs === undefined || elapsedNs <= 0 ? undefined : elapsedNs / 1e9;
  // Prefer the averaged mW value; derive it from the window's energy (mJ) when it is missing.
  const watts = (name: 'gpu' | 'cpu' | 'ane'): number | null => {
    const milliwatts = processor ? numberAt(processor, `${name}_power`) : undefined;
    if (milliwatts !== undefined) return roundTo(milliwatts / 1000, 6);
    const millijoules = processor ? numberAt(processor, `${name}_energy`) : undefined;
    if (millijoules !== undefined && seconds !== undefined) return roundTo(millijoules / seconds / 1000, 6);
    return null;
  };
  const combined = processor ? numberAt(processor, 'combined_power') : undefined;
  const idleRatio = gpu ? numberAt(gpu, 'idle_ratio') : undefined;
  const freq = gpu ? (residencyWeightedMHz(gpu) ?? numberAt(gpu, 'freq_hz')) : undefined;
  const timestamp = stringAt(root, 'timestamp');
  return {
    gpuActivePct: idleRatio === undefined ? null : clampPercent(roundTo((1 - idleRatio) * 100, 4)),
    gpuFreqMHz: freq ?? null,
    gpuPowerW: watts('gpu'),
    cpuPowerW: watts('cpu'),
    anePowerW: watts('ane'),
    combinedPowerW: combined === undefined ? null : roundTo(combined / 1000, 6),
    thermalPressure: stringAt(root, 'thermal_pressure') ?? null,
    elapsedMs: elapsedNs === undefined ? null : elapsedNs / 1e6,
    timestamp: timestamp && !Number.isNaN(Date.parse(timestamp)) ? new Date(timestamp).toISOString() : null,
  };
}

/**
 * The GPU's mean frequency over the window, from its DVFM state residencies (`freq` in MHz,
 * `used_ns`), to the kHz. `gpu.freq_hz` is the same mean (in MHz despite its name) but printed
 * with six significant digits, so the residencies are the more precise source when present.
 */
function residencyWeightedMHz(gpu: PlistDict): number | undefined {
  const states = gpu.dvfm_states;
  if (!Array.isArray(states)) return undefined;
  let weighted = 0;
  let total = 0;
  for (const state of states) {
    if (!isDict(state)) continue;
    const mhz = numberAt(state, 'freq');
    const usedNs = numberAt(state, 'used_ns');
    if (mhz === undefined || usedNs === undefined || usedNs < 0) continue;
    weighted += mhz * usedNs;
    total += usedNs;
  }
  return total > 0 ? roundTo(weighted / total, 3) : undefined;
}

const samplePattern = /^\*\*\* Sampled system activity \((.+?)\) \(([\d.]+)ms elapsed\) \*\*\*$/gm;

const textPatterns = {
  gpuActive: /^GPU HW active residency:\s+([\d.]+)%/m,
  gpuIdle: /^GPU idle residency:\s+([\d.]+)%/m,
  gpuFreq: /^GPU HW active frequency:\s+(\d+)\s*MHz/m,
  gpuPower: /^GPU Power:\s+(\d+)\s*mW/gm,
  cpuPower: /^CPU Power:\s+(\d+)\s*mW/m,
  anePower: /^ANE Power:\s+(\d+)\s*mW/m,
  combined: /^Combined Power \(CPU \+ GPU \+ ANE\):\s+(\d+)\s*mW/m,
  thermal: /^Current pressure level:\s+(\w+)/m,
};

/** The text format (`powermetrics` without `-f plist`): every sample in the output, in order. */
export function parsePowermetricsText(text: string): PowerReading[] {
  const headers = [...text.matchAll(samplePattern)];
  if (headers.length === 0) throw new MetricsParseError('no "*** Sampled system activity" block');
  return headers.map((header, index) => {
    const start = header.index + header[0].length;
    const end = headers[index + 1]?.index ?? text.length;
    return readTextBlock(text.slice(start, end), Number(header[2]));
  });
}

function readTextBlock(block: string, elapsedMs: number): PowerReading {
  const number = (pattern: RegExp): number | null => {
    const match = pattern.exec(block)?.[1];
    return match === undefined ? null : Number(match);
  };
  const milliwatts = (pattern: RegExp): number | null => {
    const value = number(pattern);
    return value === null ? null : roundTo(value / 1000, 6);
  };
  // "GPU Power" is printed in the CPU summary and again at the end of the GPU block: take the last.
  const gpuPower = [...block.matchAll(textPatterns.gpuPower)].at(-1)?.[1];
  const active = number(textPatterns.gpuActive);
  const idle = number(textPatterns.gpuIdle);
  return {
    gpuActivePct: active ?? (idle === null ? null : clampPercent(roundTo(100 - idle, 4))),
    gpuFreqMHz: number(textPatterns.gpuFreq),
    gpuPowerW: gpuPower === undefined ? null : roundTo(Number(gpuPower) / 1000, 6),
    cpuPowerW: milliwatts(textPatterns.cpuPower),
    anePowerW: milliwatts(textPatterns.anePower),
    combinedPowerW: milliwatts(textPatterns.combined),
    thermalPressure: textPatterns.thermal.exec(block)?.[1] ?? null,
    elapsedMs,
    timestamp: null,
  };
}

function clampPercent(value: number): number {
  return Math.min(100, Math.max(0, value));
}
