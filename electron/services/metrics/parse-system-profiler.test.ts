import { describe, expect, it } from 'vitest';

import {
  correctSiGraphicsController,
  parseSystemProfilerJson,
  parseSystemProfilerXml,
  type SiGraphicsController,
} from './parse-system-profiler';
import { expectedJson, fixture } from './test-fixtures';

describe('system_profiler SPDisplaysDataType', () => {
  it('reads model, numeric cores and the Metal family from -json', async () => {
    expect(parseSystemProfilerJson(await fixture('system_profiler_SPDisplaysDataType.json'))).toEqual({
      model: 'Apple M3 Ultra',
      cores: 80,
      metalFamily: 'Metal 3',
      vendor: 'Apple',
    });
  });

  it('reads the -xml form to the same values', async () => {
    expect(parseSystemProfilerXml(await fixture('system_profiler_SPDisplaysDataType.xml'))).toEqual(
      parseSystemProfilerJson(await fixture('system_profiler_SPDisplaysDataType.json')),
    );
  });

  it('uses sppci_model, not _name, which is a localisation key on older macOS', () => {
    const json = JSON.stringify({
      SPDisplaysDataType: [
        {
          _name: 'kHW_AppleM1Item',
          spdisplays_metalfamily: 'spdisplays_mtlgpufamilyapple7',
          sppci_bus: 'spdisplays_builtin',
          sppci_cores: '7',
          sppci_device_type: 'spdisplays_gpu',
          sppci_model: 'Apple M1',
        },
      ],
    });
    expect(parseSystemProfilerJson(json)).toMatchObject({
      model: 'Apple M1',
      cores: 7,
      metalFamily: 'Apple 7',
    });
  });

  it('refuses output that is not SPDisplaysDataType', () => {
    expect(() => parseSystemProfilerJson('not json')).toThrow(/not JSON/);
    expect(() => parseSystemProfilerJson('{"SPDisplaysDataType": []}')).toThrow(/no GPU/);
  });
});

describe('systeminformation graphics() on Apple Silicon', () => {
  it('gets cores as a string, metalVersion empty and vram null; the correction fixes what it can', async () => {
    const controller = (await expectedJson())['si.graphics().controllers[0]'] as SiGraphicsController;
    // What systeminformation gets wrong, as recorded in expected.json:
    expect(controller.cores).toBe('80');
    expect(controller.metalVersion).toBe('');
    expect(controller.vram).toBeNull();
    const profiler = parseSystemProfilerXml(await fixture('system_profiler_SPDisplaysDataType.xml'));
    expect(correctSiGraphicsController(controller, profiler)).toEqual({
      model: 'Apple M3 Ultra',
      cores: 80,
      metalFamily: 'Metal 3',
      vendor: 'Apple',
    });
  });

  it('keeps what systeminformation got right and leaves unknowns null without system_profiler', () => {
    expect(
      correctSiGraphicsController({ model: 'NVIDIA GeForce RTX 4090', cores: 'n/a', metalVersion: '' }),
    ).toEqual({
      model: 'NVIDIA GeForce RTX 4090',
      cores: null,
      metalFamily: null,
      vendor: null,
    });
  });
});
