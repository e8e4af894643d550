import { describe, expect, it } from 'vitest';

import { ContainerLog, formatLogTime, logClock } from './container-log';

describe('container logs', () => {
  it('prints times as Go’s RFC3339Nano, trailing zeros trimmed', () => {
    expect(formatLogTime(1767225600, 0)).toBe('2026-01-01T00:00:00Z');
    expect(formatLogTime(1767225600, 120_000_000)).toBe('2026-01-01T00:00:00.12Z');
    expect(formatLogTime(1767225600, 123_456_789)).toBe('2026-01-01T00:00:00.123456789Z');
  });

  it('gives every line its own, increasing time', () => {
    const first = logClock();
    const second = logClock();
    expect(second.seconds * 1e9 + second.nanos).toBeGreaterThan(first.seconds * 1e9 + first.nanos);
  });

  it('drops the oldest lines beyond its size and keeps numbering them', () => {
    const log = new ContainerLog(1000);
    log.writeBatch(100, index => `line ${index}`);
    expect(log.end).toBe(100);
    expect(log.first).toBeGreaterThan(0);
    const kept = log.read(0);
    expect(kept[kept.length - 1]?.text).toBe('line 99');
    expect(kept[0]?.text).toBe(`line ${log.first}`);
  });
});
