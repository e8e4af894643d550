import { describe, expect, it } from 'vitest';

import { parseMemoryPressure } from './parse-memory-pressure';
import { parseProcMeminfo } from './parse-proc-meminfo';
import {
  parseSwapUsage,
  parseSysctlBatch,
  parseSysctlNamed,
  parseWiredLimit,
  pressureFromLevel,
} from './parse-sysctl';
import { memoryBreakdown, parseVmStat } from './parse-vm-stat';
import { expectedJson, fixture } from './test-fixtures';

async function expectedMemory(): Promise<Record<string, number | string>> {
  return (await expectedJson()).memory as Record<string, number | string>;
}

describe('vm_stat', () => {
  it('computes used memory as Activity Monitor does, with the page size from the header', async () => {
    const expected = await expectedMemory();
    const reading = parseVmStat(await fixture('vm_stat.txt'));
    expect(reading.pageSize).toBe(expected.pageSize);
    const breakdown = memoryBreakdown(reading);
    expect(breakdown.usedBytes).toBe(expected['activityMonitorUsed=app+wired+compressed']);
    expect(breakdown.usedBytes).toBe(
      expected['si.mem().active(>=5.31.10)=(anon-purgeable+wired+compressor)*page'],
    );
    expect(breakdown.wiredBytes).toBe(expected.wiredBytes);
    expect(breakdown.compressedBytes).toBe(expected.compressedBytes);
  });

  it('is not total − os.freemem(), which counts the file cache and reads near the total', async () => {
    const expected = await expectedMemory();
    const used = memoryBreakdown(parseVmStat(await fixture('vm_stat.txt'))).usedBytes;
    expect(used).not.toBe(expected['si.mem().used=total-os.freemem()']);
    expect(used).toBeLessThan(expected['si.mem().used=total-os.freemem()'] as number);
  });

  it('reads a 4096-byte page size from the header rather than assuming 16384', async () => {
    const text = (await fixture('vm_stat.txt')).replace(
      'page size of 16384 bytes',
      'page size of 4096 bytes',
    );
    expect(memoryBreakdown(parseVmStat(text)).wiredBytes).toBe(4194304 * 4096);
  });

  it('reads quoted labels and ignores labels it does not know', async () => {
    const text = `${await fixture('vm_stat.txt')}Pages tagged:                                  12.\n`;
    const reading = parseVmStat(text);
    expect(reading.pages['Translation faults']).toBe(2318477816);
    expect(reading.pages['Pages tagged']).toBe(12);
    expect(memoryBreakdown(reading).usedBytes).toBe(
      (await expectedMemory())['activityMonitorUsed=app+wired+compressed'],
    );
  });

  it('never counts negative app memory when purgeable exceeds anonymous', () => {
    const reading = {
      pageSize: 16384,
      pages: {
        'Anonymous pages': 10,
        'Pages purgeable': 50,
        'Pages wired down': 1,
        'Pages occupied by compressor': 0,
      },
    };
    expect(memoryBreakdown(reading)).toMatchObject({ appBytes: 0, usedBytes: 16384 });
  });

  it('refuses output without a page size or the counts it needs', () => {
    expect(() => parseVmStat('Pages free: 1.\n')).toThrow(/page size/);
    expect(() =>
      parseVmStat('Mach Virtual Memory Statistics: (page size of 16384 bytes)\nPages free: 1.\n'),
    ).toThrow(/Anonymous pages/);
  });
});

describe('sysctl', () => {
  it('reads the recorded -n batch: one value per line in the documented order', async () => {
    const expected = await expectedMemory();
    expect(parseSysctlBatch(await fixture('sysctl_n_batch.txt'))).toEqual({
      memsizeBytes: expected['hw.memsize'],
      pageSize: expected.pageSize,
      freePct: expected['memorystatus_level(freePct)'],
      pressure: 'normal',
      pressureLevel: 1,
      gpuWiredLimitMiB: expected['iogpu.wired_limit_mb.default'],
      swap: {
        totalBytes: expected.swapTotalBytes,
        usedBytes: expected.swapUsedBytes,
        freeBytes: 956039168,
        encrypted: true,
      },
    });
  });

  it('refuses a batch with a line missing rather than shifting every value', async () => {
    // `sysctl -i -n …` drops an unknown key silently (iogpu.wired_limit_mb before macOS 14).
    const lines = (await fixture('sysctl_n_batch.txt')).split('\n');
    const shifted = [...lines.slice(0, 4), ...lines.slice(5)].join('\n');
    expect(() => parseSysctlBatch(shifted)).toThrow(/expected 6 lines/);
    const swapped = [lines[0], lines[1], lines[2], lines[3], lines[5], lines[4]].join('\n');
    expect(() => parseSysctlBatch(swapped)).toThrow(/not an integer/);
  });

  it('reads named output in any order, with an unknown key simply missing', () => {
    const reading = parseSysctlNamed(
      [
        'vm.swapusage: total = 2048.00M  used = 0.00M  free = 2048.00M  (encrypted)',
        'hw.memsize: 17179869184',
        'kern.memorystatus_vm_pressure_level: 4',
        'kern.memorystatus_level: 9',
        'hw.pagesize: 16384',
      ].join('\n'),
    );
    expect(reading).toEqual({
      memsizeBytes: 17179869184,
      pageSize: 16384,
      freePct: 9,
      pressure: 'critical',
      pressureLevel: 4,
      gpuWiredLimitMiB: null,
      swap: { totalBytes: 2147483648, usedBytes: 0, freeBytes: 2147483648, encrypted: true },
    });
  });

  it('refuses named output with none of its keys', () => {
    expect(() => parseSysctlNamed("sysctl: unknown oid 'hw.memsize'\n")).toThrow(/none of the expected keys/);
  });

  it('maps pressure levels 1/2/4 and leaves any other level unknown', () => {
    expect([1, 2, 4].map(pressureFromLevel)).toEqual(['normal', 'warning', 'critical']);
    expect(pressureFromLevel(0)).toBeNull();
    expect(pressureFromLevel(3)).toBeNull();
  });

  it('reads vm.swapusage in MiB with two decimals', async () => {
    const expected = await expectedMemory();
    expect(parseSwapUsage(await fixture('sysctl_vm.swapusage.txt'))).toEqual({
      totalBytes: expected.swapTotalBytes,
      usedBytes: expected.swapUsedBytes,
      freeBytes: 956039168,
      encrypted: true,
    });
    expect(parseSwapUsage('total = 0.00M  used = 0.00M  free = 0.00M')).toMatchObject({
      totalBytes: 0,
      encrypted: false,
    });
    expect(() => parseSwapUsage('total 1G')).toThrow(/vm.swapusage/);
  });

  it('reads iogpu.wired_limit_mb, where 0 means the system default', async () => {
    const expected = await expectedMemory();
    expect(parseWiredLimit(await fixture('sysctl_iogpu.wired_limit_mb.default.txt'))).toBe(
      expected['iogpu.wired_limit_mb.default'],
    );
    expect(parseWiredLimit(await fixture('sysctl_iogpu.wired_limit_mb.raised.txt'))).toBe(
      expected['iogpu.wired_limit_mb.raised'],
    );
    expect(() => parseWiredLimit("sysctl: unknown oid 'iogpu.wired_limit_mb'")).toThrow(/not a number/);
  });
});

describe('memory_pressure', () => {
  it('reads the same free percentage as kern.memorystatus_level, despite trailing spaces', async () => {
    const expected = await expectedMemory();
    const text = await fixture('memory_pressure.txt');
    expect(text).toMatch(/Pages wired down: 4194304 \n/);
    expect(parseMemoryPressure(text)).toEqual({
      totalBytes: expected['hw.memsize'],
      pageSize: expected.pageSize,
      freePct: expected['memorystatus_level(freePct)'],
      wiredBytes: expected.wiredBytes,
      compressedBytes: expected.compressedBytes,
    });
  });

  it('refuses output without the percentage', () => {
    expect(() => parseMemoryPressure('The system has 1 (1 pages with a page size of 1).')).toThrow(
      /free percentage/,
    );
  });
});

describe('/proc/meminfo (Linux development fallback)', () => {
  const meminfo = [
    'MemTotal:       24683792 kB',
    'MemFree:        22066020 kB',
    'MemAvailable:   24184408 kB',
    'Buffers:           76012 kB',
    'Cached:          1920864 kB',
    'SwapTotal:       2097148 kB',
    'SwapFree:        1048576 kB',
    'Zswap:              1024 kB',
  ].join('\n');

  it('reads total, used (total − available), free % and swap', () => {
    expect(parseProcMeminfo(meminfo)).toEqual({
      totalBytes: 24683792 * 1024,
      usedBytes: (24683792 - 24184408) * 1024,
      freePct: 98,
      swapTotalBytes: 2097148 * 1024,
      swapUsedBytes: (2097148 - 1048576) * 1024,
      compressedBytes: 1024 * 1024,
    });
  });

  it('estimates available memory on kernels without MemAvailable', () => {
    const old = meminfo.replace(/^MemAvailable.*\n/m, '').replace(/^Zswap.*$/m, '');
    expect(parseProcMeminfo(old)).toMatchObject({
      usedBytes: (24683792 - 22066020 - 76012 - 1920864) * 1024,
      compressedBytes: null,
    });
  });

  it('refuses text without MemTotal', () => {
    expect(() => parseProcMeminfo('garbage')).toThrow(/MemTotal/);
  });
});
