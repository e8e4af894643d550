import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { metricsSampleSchema } from '../../../common/metrics';
import { createLogger } from '../platform/log';
import { readoutsJson } from './readouts-json';
import { recordingFiles } from './replay-sources';
import { sampleRecording } from './sample-recording';
import { requireFixtures } from './test-fixtures';

const log = createLogger({ sinks: [] });
const temporary: string[] = [];

async function copyOfFixtures(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'clawbar-replay-'));
  temporary.push(dir);
  await cp(requireFixtures(), dir, { recursive: true });
  return dir;
}

afterEach(async () => {
  await Promise.all(temporary.splice(0).map(dir => rm(dir, { recursive: true, force: true })));
});

describe('a sample from recorded outputs', () => {
  it('fills every readout from the full fixture set, with its source named', async () => {
    const { sample, problems } = await sampleRecording(requireFixtures(), { log });
    expect(problems).toEqual([]);
    expect(metricsSampleSchema.parse(sample)).toEqual(sample);
    expect(sample.absent).toEqual({
      'vm.configuredBytes': expect.objectContaining({ code: 'metrics-no-source' }),
      'vm.podUsageBytes': expect.objectContaining({ code: 'metrics-no-source' }),
    });
    expect(sample.from).toMatchObject({
      'gpu.model': 'ioreg',
      'gpu.utilizationPct': 'ioreg',
      'gpu.powerW': 'powermetrics',
      'gpu.metalFamily': 'system_profiler',
      'memory.usedBytes': 'vm_stat',
      'memory.pressure': 'sysctl',
      models: 'ollama',
    });
    expect(sample.gpu.metalFamily).toBe('Metal 3');
    expect(sample.memory.gpuWiredLimitMiB).toBe(0);
  });

  it('falls back along each readout’s sources as files go missing', async () => {
    const dir = await copyOfFixtures();
    await rm(join(dir, recordingFiles.powermetricsPlist));
    let json = readoutsJson((await sampleRecording(dir, { log })).sample);
    expect(json.gpu).toMatchObject({ powerW: 84.712, freqMHz: 1338 }); // powermetrics text
    await rm(join(dir, recordingFiles.powermetricsText));
    const { sample } = await sampleRecording(dir, { log });
    expect(sample.from['gpu.powerW']).toBe('macmon');
    expect(sample.gpu).toMatchObject({ powerW: 84.712, freqMHz: 1338 });
    await rm(join(dir, recordingFiles.macmon));
    await rm(join(dir, recordingFiles.ioregText));
    await rm(join(dir, recordingFiles.sysctlBatch));
    await rm(join(dir, recordingFiles.vmStat));
    const degraded = await sampleRecording(dir, { log });
    json = readoutsJson(degraded.sample);
    expect(json.gpu).toMatchObject({
      model: 'Apple M3 Ultra', // ioreg's XML form
      powerW: null,
      freqMHz: null,
    });
    expect(degraded.sample.absent['gpu.powerW']).toMatchObject({
      code: 'metrics-not-recorded',
      params: { file: recordingFiles.powermetricsPlist },
    });
    // Without the sysctl batch, memory_pressure and the single-value sysctl files take over.
    expect(json.memory).toEqual({
      totalBytes: 274877906944,
      usedBytes: null,
      wiredBytes: 68719476736,
      compressedBytes: 2147483648,
      swapUsedBytes: 117702656,
      swapTotalBytes: 1073741824,
      freePct: 72,
      pressure: null,
    });
    expect(degraded.sample.absent['memory.usedBytes']).toMatchObject({
      params: { file: recordingFiles.vmStat },
    });
  });

  it('gives all-null readouts for an empty folder, never zeros', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clawbar-replay-'));
    temporary.push(dir);
    const { sample } = await sampleRecording(dir, { log });
    expect(readoutsJson(sample)).toEqual({
      gpu: {
        model: null,
        cores: null,
        utilizationPct: null,
        powerW: null,
        freqMHz: null,
        inUseMemoryBytes: null,
      },
      memory: {
        totalBytes: null,
        usedBytes: null,
        wiredBytes: null,
        compressedBytes: null,
        swapUsedBytes: null,
        swapTotalBytes: null,
        freePct: null,
        pressure: null,
      },
      models: null,
    });
    expect(
      Object.values(sample.absent).every(
        reason => reason.code === 'metrics-not-recorded' || reason.code === 'metrics-no-source',
      ),
    ).toBe(true);
  });

  it('reports garbage files as problems and keeps every other readout', async () => {
    const dir = await copyOfFixtures();
    await writeFile(join(dir, recordingFiles.ioregText), 'ioreg: command not found\n');
    await writeFile(join(dir, recordingFiles.ollamaPs), '{"models": "nope"}');
    const { sample, problems } = await sampleRecording(dir, { log });
    // The XML form is only an alternative when the text file is missing, not when it is broken.
    expect(sample.gpu.utilizationPct).toBe(95.42); // powermetrics takes over
    expect(sample.gpu.inUseMemoryBytes).toBeNull();
    expect(sample.models).toBeNull();
    expect(problems.map(problem => problem.path)).toEqual(
      expect.arrayContaining(['gpu.inUseMemoryBytes', 'models']),
    );
    expect(sample.absent.models?.message).toMatch(
      /ollama_api_ps\.json: unexpected output \(\/api\/ps answer has no models list\)/,
    );
    expect(sample.memory.usedBytes).toBe(114353504256);
  });

  it('refuses a folder that does not exist or is a file', async () => {
    await expect(sampleRecording('/nonexistent/clawbar-recording', { log })).rejects.toMatchObject({
      code: 'metrics-replay-unreadable',
    });
    const dir = await copyOfFixtures();
    await expect(sampleRecording(join(dir, recordingFiles.vmStat), { log })).rejects.toThrow(/not a folder/);
  });
});
