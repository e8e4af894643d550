import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { createLogger, MemorySink, RotatingFileSink } from './log';
import { Redactor } from './redact';

describe('logger', () => {
  it('redacts secrets before any sink sees them', () => {
    const redactor = new Redactor();
    redactor.register('super-secret-token-value');
    const sink = new MemorySink();
    const log = createLogger({ sinks: [sink], redactor });
    log.info('starting with super-secret-token-value', {
      token: 'anything',
      headers: { Authorization: 'Bearer xyzxyzxyz123' },
    });
    expect(sink.text).not.toContain('super-secret-token-value');
    expect(sink.text).not.toContain('anything');
    expect(sink.text).not.toContain('xyzxyzxyz123');
    expect(sink.text).toContain('[REDACTED]');
  });

  it('filters by level and scopes children', () => {
    const sink = new MemorySink();
    const log = createLogger({ sinks: [sink], level: 'info', scope: 'app' });
    log.debug('hidden');
    log.child('vm').warn('shown');
    expect(sink.records.map(record => `${record.scope}:${record.message}`)).toEqual(['app.vm:shown']);
    expect(sink.lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z WARN {2}\[app\.vm\] shown\n$/);
  });
});

describe('RotatingFileSink', () => {
  it('appends, rotates past the size limit and keeps only N files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clawbar-log-'));
    const sink = new RotatingFileSink({ dir, maxBytes: 200, keep: 2 });
    const log = createLogger({ sinks: [sink] });
    for (let index = 0; index < 30; index++) {
      log.info(`line ${index} ${'x'.repeat(40)}`);
      await log.flush();
    }
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(['clawbar.1.log', 'clawbar.2.log', 'clawbar.log']);
    for (const file of files) expect((await stat(join(dir, file))).size).toBeLessThanOrEqual(200);
    const current = await readFile(join(dir, 'clawbar.log'), 'utf8');
    expect(current).toContain('line 29');
    expect((await stat(join(dir, 'clawbar.log'))).mode & 0o777).toBe(0o600);
  });

  it('batches a burst of lines without losing or reordering any', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clawbar-log-'));
    const log = createLogger({ sinks: [new RotatingFileSink({ dir })] });
    for (let index = 0; index < 500; index++) log.info(`burst ${index}`);
    await log.flush();
    const lines = (await readFile(join(dir, 'clawbar.log'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(500);
    expect(lines.map(line => /burst (\d+)/.exec(line)?.[1])).toEqual(
      Array.from({ length: 500 }, (_, index) => String(index)),
    );
  });

  it('reports a write failure instead of throwing into the caller', async () => {
    const errors: unknown[] = [];
    const blocker = join(await mkdtemp(join(tmpdir(), 'clawbar-log-')), 'a-file');
    await writeFile(blocker, '');
    const sink = new RotatingFileSink({ dir: join(blocker, 'logs'), onError: error => errors.push(error) });
    const log = createLogger({ sinks: [sink] });
    expect(() => log.error('nowhere to go')).not.toThrow();
    await log.flush();
    expect(errors).toHaveLength(1);
  });
});
