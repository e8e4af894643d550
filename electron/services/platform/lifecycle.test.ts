import { describe, expect, it } from 'vitest';

import { Lifecycle } from './lifecycle';
import { createLogger, MemorySink } from './log';

const never = () => new Promise<void>(() => undefined);
const after = (ms: number) => () => new Promise<void>(resolve => setTimeout(resolve, ms));

describe('Lifecycle.shutdown', () => {
  it('waits for every participant, concurrently', async () => {
    const lifecycle = new Lifecycle(createLogger({ sinks: [] }));
    lifecycle.register({ name: 'a', stop: after(50) });
    lifecycle.register({ name: 'b', stop: after(50) });
    const report = await lifecycle.shutdown(1000);
    expect(report.stopped.sort()).toEqual(['a', 'b']);
    expect(report.timedOut).toEqual([]);
    expect(report.elapsedMs).toBeLessThan(500);
  });

  it('gives up on a participant that does not stop by the deadline, and says which', async () => {
    const sink = new MemorySink();
    const lifecycle = new Lifecycle(createLogger({ sinks: [sink] }));
    lifecycle.register({ name: 'stuck', stop: never });
    lifecycle.register({ name: 'quick', stop: () => undefined });
    const report = await lifecycle.shutdown(100);
    expect(report).toMatchObject({ stopped: ['quick'], timedOut: ['stuck'] });
    expect(sink.text).toContain('stuck');
  });

  it('reports a participant that throws and still stops the others', async () => {
    const lifecycle = new Lifecycle(createLogger({ sinks: [] }));
    lifecycle.register({ name: 'broken', stop: () => Promise.reject(new Error('boom')) });
    lifecycle.register({ name: 'fine', stop: () => undefined });
    const report = await lifecycle.shutdown(1000);
    expect(report.failed).toEqual([{ name: 'broken', error: 'boom' }]);
    expect(report.stopped).toEqual(['fine']);
  });

  it('runs once: a second quit gets the same shutdown', async () => {
    const lifecycle = new Lifecycle(createLogger({ sinks: [] }));
    let calls = 0;
    lifecycle.register({
      name: 'counted',
      stop: () => {
        calls++;
      },
    });
    const [first, second] = await Promise.all([lifecycle.shutdown(1000), lifecycle.shutdown(1000)]);
    expect(first).toBe(second);
    expect(calls).toBe(1);
    expect(() => lifecycle.register({ name: 'late', stop: () => undefined })).toThrow(/shutdown has started/);
  });
});
