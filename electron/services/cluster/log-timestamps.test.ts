import { describe, expect, it } from 'vitest';

import { compareLogTimes, parseLogTime, sinceTimeFor, splitTimestamp } from './log-timestamps';

describe('kubelet log timestamps', () => {
  it('orders times whose fractions Go trimmed to different lengths', () => {
    const a = parseLogTime('2026-12-04T10:00:00.5Z');
    const b = parseLogTime('2026-12-04T10:00:00.123456789Z');
    const c = parseLogTime('2026-12-04T10:00:01Z');
    if (!a || !b || !c) throw new Error('unparsed');
    expect(compareLogTimes(b, a)).toBeLessThan(0);
    expect(compareLogTimes(a, c)).toBeLessThan(0);
    expect(compareLogTimes(a, parseLogTime('2026-12-04T10:00:00.500000000Z')!)).toBe(0);
  });

  it('reads offsets other than Z', () => {
    const local = parseLogTime('2026-12-04T11:00:00.25+01:00');
    const utc = parseLogTime('2026-12-04T10:00:00.25Z');
    expect(local && utc && compareLogTimes(local, utc)).toBe(0);
  });

  it('splits the time from the text, and keeps a line without one whole', () => {
    expect(splitTimestamp('2026-12-04T10:00:00.1Z hello world')).toMatchObject({
      text: 'hello world',
      time: { text: '2026-12-04T10:00:00.1Z' },
    });
    expect(splitTimestamp('unable to retrieve container logs')).toEqual({
      time: null,
      text: 'unable to retrieve container logs',
    });
    expect(splitTimestamp('2026-13-45T99:00:00Z text').time).toBeNull();
    expect(splitTimestamp('2026-12-04T10:00:00Z ')).toMatchObject({ text: '' });
  });

  it('asks to resume from the whole second the last line was written in', () => {
    expect(sinceTimeFor(parseLogTime('2026-12-04T10:00:07.999999999Z')!)).toBe('2026-12-04T10:00:07Z');
  });
});
