import { describe, expect, it } from 'vitest';

import { suggestVmSize } from './vm-size';

const GiB = 2 ** 30;

describe('suggestVmSize', () => {
  it('gives the sandbox half the CPUs and a quarter of the memory, within what it can use', () => {
    expect(suggestVmSize({ cpuCount: 10, totalMemoryBytes: 32 * GiB, diskFreeBytes: 500 * GiB })).toEqual({
      cpus: 5,
      memoryGiB: 8,
      diskGiB: 60,
    });
    expect(suggestVmSize({ cpuCount: 24, totalMemoryBytes: 192 * GiB, diskFreeBytes: null })).toEqual({
      cpus: 6,
      memoryGiB: 8,
      diskGiB: 60,
    });
  });

  it('keeps what the sandbox needs on a small Mac, and never more than the Mac has', () => {
    expect(suggestVmSize({ cpuCount: 8, totalMemoryBytes: 16 * GiB, diskFreeBytes: 500 * GiB })).toEqual({
      cpus: 4,
      memoryGiB: 4,
      diskGiB: 60,
    });
    expect(suggestVmSize({ cpuCount: 2, totalMemoryBytes: 6 * GiB, diskFreeBytes: 500 * GiB })).toEqual({
      cpus: 2,
      memoryGiB: 2,
      diskGiB: 60,
    });
  });

  it('makes the disk smaller only when the Mac is short of space', () => {
    expect(suggestVmSize({ cpuCount: 8, totalMemoryBytes: 16 * GiB, diskFreeBytes: 45 * GiB }).diskGiB).toBe(
      35,
    );
    expect(suggestVmSize({ cpuCount: 8, totalMemoryBytes: 16 * GiB, diskFreeBytes: 12 * GiB }).diskGiB).toBe(
      20,
    );
  });
});
