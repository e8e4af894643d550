import { describe, expect, it } from 'vitest';

import { formatDuration, formatElapsed, formatNumber, formatPast, formatRelativeTime } from './format';

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

describe('formatPast', () => {
  const now = new Date('2026-12-03T10:00:00.000Z');

  it('reads a past time as the locale says it', () => {
    expect(formatPast('2026-12-03T09:57:00.000Z', now, 'en')).toBe('3 minutes ago');
    expect(formatPast('2026-12-03T09:57:00.000Z', now, 'fr')).toBe('il y a 3 minutes');
  });

  it('never reads a time stamped after the window’s last tick as the future', () => {
    expect(formatPast('2026-12-03T10:00:10.000Z', now, 'en')).toBe('now');
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

describe('formatDuration', () => {
  it('gives the two largest units, in the user’s language', () => {
    expect(formatDuration(3 * 3_600_000 + 12 * 60_000 + 5_000, 'en')).toBe('3 hr 12 min');
    // French puts a narrow no-break space between a number and its unit.
    expect(formatDuration(2 * 86_400_000 + 4 * 3_600_000, 'fr')).toBe('2\u202fj 4\u202fh');
    expect(formatDuration(40_900, 'en')).toBe('40 sec');
  });

  it('leaves out a smaller unit that is zero, and never skips to a unit two steps down', () => {
    expect(formatDuration(5 * 60_000, 'en')).toBe('5 min');
    expect(formatDuration(86_400_000 + 5 * 60_000, 'en')).toBe('1 day');
  });

  it('never goes negative (a clock that is slightly ahead)', () => {
    expect(formatDuration(-5_000, 'en')).toBe('0 sec');
  });
});
