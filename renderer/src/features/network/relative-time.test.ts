import { describe, expect, it } from 'vitest';

import { formatPast } from './relative-time';

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
