import { describe, expect, it } from 'vitest';

import { MetricsParseError } from './parse-error';
import { parseIoregText, parseIoregXml } from './parse-ioreg';
import { expectedJson, fixture } from './test-fixtures';

describe('ioreg IOAccelerator', () => {
  it('reads the text fixture as expected.json says', async () => {
    const expected = (await expectedJson()).ioreg;
    const reading = parseIoregText(await fixture('ioreg_IOAccelerator.txt'));
    expect({
      deviceUtilizationPct: reading.deviceUtilizationPct,
      rendererUtilizationPct: reading.rendererUtilizationPct,
      tilerUtilizationPct: reading.tilerUtilizationPct,
      inUseSystemMemoryBytes: reading.inUseSystemMemoryBytes,
      allocSystemMemoryBytes: reading.allocSystemMemoryBytes,
      model: reading.model,
      gpuCoreCount: reading.gpuCoreCount,
    }).toEqual(expected);
    expect(reading.className).toBe('AGXAcceleratorG15X');
  });

  it('reads the -a XML shape to the same values', async () => {
    const text = parseIoregText(await fixture('ioreg_IOAccelerator.txt'));
    expect(parseIoregXml(await fixture('ioreg_IOAccelerator.xml'))).toEqual(text);
  });

  it('never mistakes "In use system memory (driver)" for "In use system memory"', async () => {
    const original = await fixture('ioreg_IOAccelerator.txt');
    // The trap: the driver variant comes first and the real key is missing.
    const withoutRealKey = original.replace(',"In use system memory"=51539607552', '');
    expect(withoutRealKey).toContain('"In use system memory (driver)"=0');
    expect(parseIoregText(withoutRealKey).inUseSystemMemoryBytes).toBeNull();
    const driverNonZero = original.replace(
      '"In use system memory (driver)"=0',
      '"In use system memory (driver)"=7',
    );
    expect(parseIoregText(driverNonZero).inUseSystemMemoryBytes).toBe(51539607552);
  });

  it('picks the AGX node among several, then the busiest', async () => {
    const agx = await fixture('ioreg_IOAccelerator.txt');
    const other =
      '+-o IntelAccelerator  <class IntelAccelerator, id 0x1, registered>\n    {\n      "PerformanceStatistics" = {"GPU Activity(%)"=120,"In use system memory"=5}\n    }\n';
    expect(parseIoregText(other + agx).model).toBe('Apple M3 Ultra');
    // Without an AGX node, the legacy key is read and clamped to 100 %.
    expect(parseIoregText(other).deviceUtilizationPct).toBe(100);
  });

  it('reads the quoted-data form of "model"', () => {
    const block =
      '+-o AGXAcceleratorG13X  <class AGXAcceleratorG13X>\n    {\n      "PerformanceStatistics" = {"Device Utilization %"=2,"In use system memory"=340983808}\n      "model" = <"Apple M1 Pro">\n    }\n';
    expect(parseIoregText(block)).toMatchObject({
      model: 'Apple M1 Pro',
      deviceUtilizationPct: 2,
      gpuCoreCount: null,
    });
  });

  it('refuses output without any PerformanceStatistics', () => {
    expect(() => parseIoregText('')).toThrow(MetricsParseError);
    expect(() => parseIoregText('+-o Foo  <class Foo>\n    {\n    }\n')).toThrow(/PerformanceStatistics/);
  });
});
