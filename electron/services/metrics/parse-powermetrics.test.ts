import { describe, expect, it } from 'vitest';

import { MetricsParseError } from './parse-error';
import {
  parsePowermetricsText,
  PlistStreamSplitter,
  powermetricsArgs,
  readPowermetricsDocument,
  splitPlistStream,
} from './parse-powermetrics';
import { parsePlist, type PlistDict } from './plist';
import { expectedJson, fixture } from './test-fixtures';

const plistFixture = 'powermetrics_cpu_gpu_thermal.plist.nul';

describe('powermetrics plist stream', () => {
  it('holds NUL-separated documents: two in the fixture', async () => {
    const text = await fixture(plistFixture);
    expect(text).toContain('\0');
    const documents = splitPlistStream(text);
    expect(documents).toHaveLength(
      (await expectedJson())['powermetrics.plist[0]']?.documents_in_stream as number,
    );
    for (const document of documents) {
      expect(document.startsWith('<?xml')).toBe(true);
      expect(document).not.toContain('\0');
    }
  });

  it('reads the first document as expected.json says', async () => {
    const expected = (await expectedJson())['powermetrics.plist[0]'] as Record<string, number | string>;
    const [first] = splitPlistStream(await fixture(plistFixture));
    const reading = readPowermetricsDocument(first!);
    expect(reading.gpuPowerW).toBe(expected.gpuPowerW);
    expect(reading.cpuPowerW).toBe(expected.cpuPowerW);
    expect(reading.combinedPowerW).toBe(expected.combinedPowerW);
    expect(reading.gpuActivePct).toBe(expected.gpuActivePct);
    expect(reading.thermalPressure).toBe(expected.thermal_pressure);
    expect(reading.elapsedMs).toBe((expected.elapsed_ns as number) / 1e6);
    expect(reading.timestamp).toBe('2025-06-03T12:05:11.000Z');
    expect(reading.anePowerW).toBe(0);
  });

  it('takes gpu.freq_hz as MHz, while the CPU clusters’ freq_hz really are Hz', async () => {
    const [first] = splitPlistStream(await fixture(plistFixture));
    const document = parsePlist(first!) as PlistDict;
    const gpu = document.gpu as PlistDict;
    const cluster = ((document.processor as PlistDict).clusters as PlistDict[])[0]!;
    expect(cluster.freq_hz).toBeGreaterThan(1e8); // Hz
    expect(gpu.freq_hz).toBeLessThan(5000); // "Hz" that are MHz
    // Without residencies, freq_hz is read as the MHz it is.
    const withoutStates = first!.replace(
      /(<key>gpu<\/key>\s*<dict>[\s\S]*?)<key>dvfm_states<\/key>\s*<array>[\s\S]*?<\/array>/,
      '$1',
    );
    expect(withoutStates).not.toBe(first);
    expect(readPowermetricsDocument(withoutStates).gpuFreqMHz).toBe(1337.89);
  });

  it('computes the GPU frequency from the DVFM residencies, more precise than freq_hz', async () => {
    const [first] = splitPlistStream(await fixture(plistFixture));
    // 338 MHz for 100347 ns and 1338 MHz for 957414821 ns: 1337.8952 MHz, to the kHz.
    expect(readPowermetricsDocument(first!).gpuFreqMHz).toBe(1337.895);
  });

  it('tolerates the gpu dict repeating idle_ns and idle_ratio, keeping the last', async () => {
    const [first] = splitPlistStream(await fixture(plistFixture));
    const gpuBlock = first!.slice(first!.indexOf('<key>gpu</key>'));
    expect(gpuBlock.match(/<key>idle_ratio<\/key>/g)).toHaveLength(2);
    expect(gpuBlock.match(/<key>idle_ns<\/key>/g)).toHaveLength(2);
    const changedLast = first!.replace(
      /(<key>idle_ratio<\/key><real>)0\.0458(<\/real>\n<key>gpu_energy)/,
      '$10.25$2',
    );
    expect(readPowermetricsDocument(changedLast).gpuActivePct).toBe(75);
  });

  it('gives the second document its own values', async () => {
    const [, second] = splitPlistStream(await fixture(plistFixture));
    expect(readPowermetricsDocument(second!)).toMatchObject({
      gpuPowerW: 82.171,
      combinedPowerW: 84.0102,
      timestamp: '2025-06-03T12:05:12.000Z',
    });
  });

  it('reassembles documents split across reads, wherever the cut falls', async () => {
    const text = await fixture(plistFixture);
    const whole = splitPlistStream(text);
    for (const size of [5, 4096, 65536, 100_003]) {
      const splitter = new PlistStreamSplitter();
      const documents: string[] = [];
      // Strings are UTF-16 code units; every cut point is fine for this ASCII stream.
      for (let offset = 0; offset < text.length; offset += size)
        documents.push(...splitter.push(text.slice(offset, offset + size)));
      expect(documents, `chunk size ${size}`).toEqual(whole);
      expect(splitter.dropped).toBe(0);
    }
  });

  it('drops a document cut short by the next NUL and keeps going', async () => {
    const [first, second] = splitPlistStream(await fixture(plistFixture));
    const splitter = new PlistStreamSplitter();
    const truncated = first!.slice(0, 5000);
    const documents = splitter.push(`${truncated}\n\0${second!}\n`);
    expect(documents).toEqual([second]);
    expect(splitter.dropped).toBe(1);
  });

  it('bounds its buffer when a stream never closes a document', () => {
    const splitter = new PlistStreamSplitter(1000);
    expect(splitter.push('<?xml version="1.0"?><plist>'.padEnd(2000, ' '))).toEqual([]);
    expect(splitter.dropped).toBe(1);
    expect(splitter.push('<plist><integer>1</integer></plist>')).toEqual([
      '<plist><integer>1</integer></plist>',
    ]);
  });

  it('derives power from energy over the window when *_power is missing (older keys)', () => {
    const xml = `<plist><dict><key>elapsed_ns</key><integer>2000000000</integer><key>processor</key><dict><key>gpu_energy</key><integer>10000</integer></dict><key>gpu</key><dict><key>freq_hz</key><real>444</real><key>idle_ratio</key><real>1</real></dict></dict></plist>`;
    expect(readPowermetricsDocument(xml)).toMatchObject({
      gpuPowerW: 5,
      gpuFreqMHz: 444,
      gpuActivePct: 0,
      cpuPowerW: null,
      thermalPressure: null,
    });
  });

  it('refuses a document without processor or gpu data', () => {
    expect(() => readPowermetricsDocument('<plist><dict><key>is_delta</key><true/></dict></plist>')).toThrow(
      MetricsParseError,
    );
  });

  it('is run with exactly the arguments the sudoers rule pins', () => {
    expect(powermetricsArgs()).toEqual([
      '--samplers',
      'cpu_power,gpu_power,thermal',
      '-i',
      '1000',
      '-f',
      'plist',
    ]);
  });
});

describe('powermetrics text', () => {
  it('reads the sample as expected.json says', async () => {
    const expected = (await expectedJson())['powermetrics.text'] as Record<string, number | string>;
    const [sample, ...rest] = parsePowermetricsText(await fixture('powermetrics_cpu_gpu_thermal.txt'));
    expect(rest).toHaveLength(0);
    expect(sample).toEqual({
      gpuActivePct: expected.gpuActiveResidencyPct,
      gpuFreqMHz: expected.gpuFreqMHz,
      gpuPowerW: expected.gpuPowerW,
      cpuPowerW: expected.cpuPowerW,
      anePowerW: expected.anePowerW,
      combinedPowerW: expected.combinedPowerW,
      thermalPressure: expected.thermalPressure,
      elapsedMs: expected.elapsedMs,
      timestamp: null,
    });
  });

  it('takes the last "GPU Power" line of a sample (it appears twice)', async () => {
    const text = await fixture('powermetrics_cpu_gpu_thermal.txt');
    expect(text.match(/^GPU Power:/gm)).toHaveLength(2);
    const lastDiffers = text.replace(/GPU Power: 84712 mW\s*$/, 'GPU Power: 80000 mW\n');
    expect(parsePowermetricsText(lastDiffers)[0]?.gpuPowerW).toBe(80);
  });

  it('does not depend on the order of the sections', async () => {
    const text = await fixture('powermetrics_cpu_gpu_thermal.txt');
    const thermal = '**** Thermal pressure ****\n\nCurrent pressure level: Nominal\n';
    expect(text).toContain(thermal);
    const moved = `${text.replace(thermal, '')}\n${thermal.replace('Nominal', 'Heavy')}`;
    expect(parsePowermetricsText(moved)[0]).toMatchObject({ thermalPressure: 'Heavy', gpuFreqMHz: 1338 });
  });

  it('splits several samples and derives active residency from idle when needed', () => {
    const text = [
      '*** Sampled system activity (Tue Feb 24 14:58:16 2026 -1000) (502.26ms elapsed) ***',
      'GPU HW active frequency: 338 MHz',
      'GPU idle residency:  77.75%',
      'GPU Power: 4 mW',
      '*** Sampled system activity (Tue Feb 24 14:58:17 2026 -1000) (500.01ms elapsed) ***',
      'GPU HW active frequency: 444 MHz',
      'GPU HW active residency:   7.08% (444 MHz: 7.1%)',
    ].join('\n');
    expect(parsePowermetricsText(text)).toMatchObject([
      { gpuActivePct: 22.25, gpuFreqMHz: 338, gpuPowerW: 0.004, elapsedMs: 502.26, cpuPowerW: null },
      { gpuActivePct: 7.08, gpuFreqMHz: 444, gpuPowerW: null, elapsedMs: 500.01 },
    ]);
  });

  it('refuses output without a sample', () => {
    expect(() => parsePowermetricsText('powermetrics must be invoked as the superuser\n')).toThrow(
      MetricsParseError,
    );
  });
});
