import { describe, expect, it } from 'vitest';

import {
  formatBytes,
  formatDecimal,
  formatMemory,
  formatMemoryBytes,
  formatPercent,
  formatRate,
  formatSeconds,
  parseMemorySize,
} from './units';

describe('units', () => {
  it('writes memory readouts 1024-based, as Activity Monitor does, in the user’s language', () => {
    expect(formatMemoryBytes(114353504256, 'en')).toBe('106.5 GB');
    expect(formatMemoryBytes(114353504256, 'fr')).toBe('106,5\u202fGo');
    expect(formatMemoryBytes(274877906944, 'en')).toBe('256 GB');
    expect(formatMemoryBytes(117702656, 'en')).toBe('112.3 MB');
    expect(formatMemoryBytes(512, 'en')).toBe('512 byte');
    expect(formatMemoryBytes(0, 'en')).toBe('0 byte');
  });

  it('writes percentages and decimals the local way', () => {
    expect(formatPercent(94, 'en')).toBe('94%');
    expect(formatPercent(95.42, 'fr', 1)).toBe('95,4\u00a0%');
    expect(formatDecimal(1337.89, 'en', 0)).toBe('1,338');
    expect(formatDecimal(84.7124, 'fr')).toBe('84,7');
  });

  it('formats sizes and speeds in the user’s language', () => {
    expect(formatBytes(5_225_388_164, 'en')).toBe('5.2 GB');
    expect(formatBytes(5_225_388_164, 'fr')).toMatch(/^5,2\s?Go$/);
    expect(formatBytes(270_898_672, 'en')).toBe('270.9 MB');
    expect(formatBytes(488, 'en')).toBe('488 byte');
    expect(formatMemory(32 * 1024 ** 3, 'en')).toBe('32 GB');
    expect(formatRate(310_000_000, 'en')).toBe('310 MB/s');
    expect(formatSeconds(95, 'en')).toBe('2 min');
    expect(formatSeconds(12.4, 'en')).toBe('12 sec');
    expect(formatPercent(42.4, 'en')).toBe('42%');
  });

  it.each([
    ['32GB', 32 * 1024 ** 3],
    ['32 G', 32 * 1024 ** 3],
    ['24GiB', 24 * 1024 ** 3],
    ['16384MB', 16 * 1024 ** 3],
    ['0.5T', 512 * 1024 ** 3],
    ['64', 64 * 1024 ** 3],
  ])('reads %s', (text, bytes) => {
    expect(parseMemorySize(text)).toBe(bytes);
  });

  it.each(['', 'lots', '-4GB', '32XB', '0', '1e9', '9999999T'])('refuses %j', text => {
    expect(parseMemorySize(text)).toBeUndefined();
  });
});
