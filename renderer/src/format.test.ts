import { describe, expect, it } from 'vitest';

import { formatElapsed, formatNumber, formatRelativeTime } from './format';

describe('formatRelativeTime', () => {
  const now = new Date('2026-12-03T10:00:00.000Z');

  it('speaks English and French', () => {
    expect(formatRelativeTime('2026-12-03T09:57:00.000Z', now, 'en')).toBe('3 minutes ago');
    expect(formatRelativeTime('2026-12-03T09:57:00.000Z', now, 'fr')).toBe('il y a 3 minutes');
  });

  it('picks the largest sensible unit', () => {
    expect(formatRelativeTime('2026-12-01T10:00:00.000Z', now, 'en')).toBe('2 days ago');
    expect(formatRelativeTime('2026-12-03T07:00:00.000Z', now, 'en')).toBe('3 hours ago');
    expect(formatRelativeTime('2026-12-03T09:59:58.000Z', now, 'en')).toBe('2 seconds ago');
  });
});

describe('formatNumber', () => {
  it('uses the locale separators', () => {
    expect(formatNumber(12345.5, 'en')).toBe('12,345.5');
    expect(formatNumber(12345.5, 'fr')).toMatch(/^12\s345,5$/u);
  });
});

describe('formatElapsed', () => {
  it('reads like a clock', () => {
    expect(formatElapsed(7_400)).toBe('0:07');
    expect(formatElapsed(750_000)).toBe('12:30');
    expect(formatElapsed(3_723_000)).toBe('1:02:03');
    expect(formatElapsed(-5)).toBe('0:00');
  });
});
