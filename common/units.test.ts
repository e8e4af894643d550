import { describe, expect, it } from 'vitest';

import { formatBytes, formatDecimal, formatPercent } from './units';

describe('units', () => {
  it('writes memory sizes 1024-based, as Activity Monitor does, in the user’s language', () => {
    expect(formatBytes(114353504256, 'en')).toBe('106.5 GB');
    expect(formatBytes(114353504256, 'fr')).toBe('106,5\u202fGo');
    expect(formatBytes(274877906944, 'en')).toBe('256 GB');
    expect(formatBytes(117702656, 'en')).toBe('112.3 MB');
    expect(formatBytes(512, 'en')).toBe('512 byte');
    expect(formatBytes(0, 'en')).toBe('0 byte');
  });

  it('writes percentages and decimals the local way', () => {
    expect(formatPercent(94, 'en')).toBe('94%');
    expect(formatPercent(95.42, 'fr', 1)).toBe('95,4\u00a0%');
    expect(formatDecimal(1337.89, 'en', 0)).toBe('1,338');
    expect(formatDecimal(84.7124, 'fr')).toBe('84,7');
  });
});
