import { describe, expect, it } from 'vitest';

import { exportFileName } from './export-file';
import { LineStore } from './line-store';
import { linesAsText, shortTime } from './line-text';

describe('exportFileName', () => {
  it('names the pod, the container and the UTC time, without characters Finder dislikes', () => {
    expect(exportFileName('openclaw-gateway-7d9f', 'gateway', new Date('2026-12-03T10:04:05.678Z'))).toBe(
      'openclaw-gateway-7d9f-gateway-20261203T100405Z.log',
    );
  });
});

describe('linesAsText', () => {
  const store = new LineStore(10);
  store.append([
    { seq: 0, text: '\u001b[32mok\u001b[0m', time: '2026-12-03T10:00:00.1Z' },
    { seq: 1, text: 'plain', time: null },
    { seq: 2, text: 'last', time: '2026-12-03T10:00:02Z' },
  ]);

  it('gives the plain text of a range, one line each, with the exact times when asked', () => {
    expect(linesAsText(store, 0, 3, false).join('')).toBe('ok\nplain\nlast\n');
    expect(linesAsText(store, 0, 2, true).join('')).toBe('2026-12-03T10:00:00.1Z ok\nplain\n');
    expect(linesAsText(store, -5, 99, false).join('')).toBe('ok\nplain\nlast\n');
  });

  it('cuts a big buffer into pieces', () => {
    expect(linesAsText(store, 0, 3, false, 2)).toEqual(['ok\nplain\n', 'last\n']);
  });
});

describe('shortTime', () => {
  it('shows local wall-clock time to the millisecond, whatever the precision given', () => {
    const local = new Date('2026-12-03T10:04:05Z');
    const hh = String(local.getHours()).padStart(2, '0');
    const mm = String(local.getMinutes()).padStart(2, '0');
    expect(shortTime('2026-12-03T10:04:05.123456789Z')).toBe(`${hh}:${mm}:05.123`);
    expect(shortTime('2026-12-03T10:04:05Z')).toBe(`${hh}:${mm}:05.000`);
    expect(shortTime('2026-12-03T10:04:05.5Z')).toBe(`${hh}:${mm}:05.500`);
    expect(shortTime('not a time')).toBeNull();
  });
});
