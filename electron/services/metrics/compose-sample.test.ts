import { describe, expect, it } from 'vitest';

import { metricsSampleSchema } from '../../../common/metrics';
import { composeSample } from './compose-sample';
import type { PowerReading } from './parse-powermetrics';
import { failure, reasons, success, type Readings } from './readings';

const at = new Date('2026-12-03T10:00:00.000Z');
const power = (overrides: Partial<PowerReading>): PowerReading => ({
  gpuActivePct: null,
  gpuFreqMHz: null,
  gpuPowerW: null,
  cpuPowerW: null,
  anePowerW: null,
  combinedPowerW: null,
  thermalPressure: null,
  elapsedMs: null,
  timestamp: null,
  ...overrides,
});

describe('composeSample', () => {
  it('is all nulls with "no source" reasons when nothing exists here', () => {
    const sample = composeSample({}, { at, intervalMs: 1000 });
    expect(metricsSampleSchema.parse(sample)).toEqual(sample);
    expect(sample.at).toBe('2026-12-03T10:00:00.000Z');
    expect(sample.models).toBeNull();
    expect(Object.keys(sample.absent)).toHaveLength(19);
    expect(Object.values(sample.absent).every(reason => reason.code === 'metrics-no-source')).toBe(true);
    expect(sample.from).toEqual({});
  });

  it('takes the first source with a value and names it', () => {
    const readings: Readings = {
      powermetrics: failure(reasons.needsPowerSetup()),
      macmon: success({
        ...power({ gpuPowerW: 12.5, gpuFreqMHz: 900 }),
        ramTotalBytes: null,
        swapTotalBytes: null,
        swapUsedBytes: null,
      }),
    };
    const sample = composeSample(readings, { at, intervalMs: 1000 });
    expect(sample.gpu).toMatchObject({ powerW: 12.5, freqMHz: 900 });
    expect(sample.from).toMatchObject({ 'gpu.powerW': 'macmon', 'gpu.freqMHz': 'macmon' });
    expect(sample.absent['gpu.powerW']).toBeUndefined();
  });

  it('explains a missing readout with the first source’s failure', () => {
    const readings: Readings = {
      powermetrics: failure(reasons.needsPowerSetup()),
      macmon: failure(reasons.waiting('macmon')),
    };
    expect(composeSample(readings, { at, intervalMs: 1000 }).absent['gpu.powerW']?.code).toBe(
      'metrics-needs-power-setup',
    );
  });

  it('reports an unknown pressure level instead of guessing one', () => {
    const sample = composeSample(
      {
        sysctl: success({
          memsizeBytes: 1,
          pageSize: 16384,
          freePct: 50,
          pressure: null,
          pressureLevel: 3,
          gpuWiredLimitMiB: 245760,
          swap: null,
        }),
      },
      { at, intervalMs: 1000 },
    );
    expect(sample.memory.pressure).toBeNull();
    expect(sample.absent['memory.pressure']?.message).toBe(
      'sysctl: unknown kern.memorystatus_vm_pressure_level 3',
    );
    expect(sample.memory.gpuWiredLimitMiB).toBe(245760);
    // vm.swapusage absent from this sysctl output: said so, not zero.
    expect(sample.memory.swapUsedBytes).toBeNull();
    expect(sample.absent['memory.swapUsedBytes']?.message).toMatch(/sysctl does not report it/);
  });

  it('keeps an empty model list (nothing loaded) apart from an unknown one', () => {
    expect(composeSample({ ollama: success([]) }, { at, intervalMs: 1000 }).models).toEqual([]);
    expect(composeSample({}, { at, intervalMs: 1000 }).models).toBeNull();
  });
});
