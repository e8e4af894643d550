import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { ruleFileName } from '../../electron/services/metrics/power-setup';
import { sampleRecording } from '../../electron/services/metrics/sample-recording';
import { referenceFixtureSetDir } from '../../electron/services/metrics/test-fixtures';
import { createLogger } from '../../electron/services/platform/log';
import { openDemoTelemetry, recordingsDir } from './telemetry';

const log = createLogger({ sinks: [] });
const temporary: string[] = [];
afterEach(async () => {
  await Promise.all(temporary.splice(0).map(dir => rm(dir, { recursive: true, force: true })));
});

async function home(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'clawbar-demo-telemetry-'));
  temporary.push(dir);
  return dir;
}

describe('the demo Mac’s telemetry', () => {
  it('is a recording whose values move with time, read like any other', async () => {
    let now = 0;
    const telemetry = await openDemoTelemetry(await home(), () => now);
    const first = (await sampleRecording(telemetry.dir, { log })).sample;
    now = 6_000;
    await telemetry.refresh();
    const later = (await sampleRecording(telemetry.dir, { log })).sample;
    expect(first.gpu.model).toBe('Apple M3 Ultra');
    expect(later.gpu.utilizationPct).not.toBe(first.gpu.utilizationPct);
    expect(later.gpu.inUseMemoryBytes).not.toBe(first.gpu.inUseMemoryBytes);
    expect(later.memory.usedBytes).not.toBe(first.memory.usedBytes);
    for (const sample of [first, later]) {
      expect(sample.gpu.utilizationPct).toBeGreaterThanOrEqual(0);
      expect(sample.gpu.utilizationPct).toBeLessThanOrEqual(100);
      expect(sample.memory.pressure).toBe('normal');
      expect(sample.models?.map(model => model.name)).toEqual(['llama3.3:70b', 'nomic-embed-text:latest']);
    }
  });

  it('has powermetrics output only while its permission is installed', async () => {
    const telemetry = await openDemoTelemetry(await home(), () => 12_345);
    expect((await sampleRecording(telemetry.dir, { log })).sample.gpu.powerW).toBeNull();
    await mkdir(telemetry.sudoersDir, { recursive: true });
    await writeFile(join(telemetry.sudoersDir, ruleFileName), 'rule\n');
    await telemetry.refresh();
    const powered = (await sampleRecording(telemetry.dir, { log })).sample;
    expect(powered.gpu.powerW).toBeGreaterThan(0);
    expect(powered.gpu.freqMHz).toBeGreaterThan(1000);
    expect(powered.from['gpu.powerW']).toBe('powermetrics');
    await rm(join(telemetry.sudoersDir, ruleFileName));
    await telemetry.refresh();
    expect((await sampleRecording(telemetry.dir, { log })).sample.gpu.powerW).toBeNull();
    expect((await readdir(telemetry.dir)).some(name => name.endsWith('.tmp'))).toBe(false);
  });

  it.skipIf(!existsSync(referenceFixtureSetDir))(
    'starts from a verbatim copy of the reference fixture set',
    async () => {
      const shared = referenceFixtureSetDir;
      const names = (await readdir(shared)).sort();
      expect((await readdir(recordingsDir)).sort()).toEqual(names);
      for (const name of names) {
        expect(await readFile(join(recordingsDir, name)), name).toEqual(await readFile(join(shared, name)));
      }
    },
  );
});
