import { describe, expect, it } from 'vitest';

import { parseMacmonLine, parseMacmonLines } from './parse-macmon';
import { parseNvidiaSmi } from './parse-nvidia-smi';
import { parseOllamaPs } from './parse-ollama-ps';
import { parseKubernetesQuantity, parseRamSize } from './parse-quantity';
import { expectedJson, fixture } from './test-fixtures';

describe('Ollama /api/ps', () => {
  it('reads each loaded model’s size and GPU share as expected.json says', async () => {
    const expected = (await expectedJson()).ollama as {
      totalSizeVram: number;
      perModel: Record<string, { gpuFraction: number; vram: number }>;
    };
    const models = parseOllamaPs(await fixture('ollama_api_ps.json'));
    expect(models.map(model => model.name)).toEqual(Object.keys(expected.perModel));
    for (const model of models) {
      const entry = expected.perModel[model.name]!;
      expect(model.vramBytes).toBe(entry.vram);
      expect(model.vramBytes! / model.sizeBytes!).toBe(entry.gpuFraction);
    }
    expect(models.reduce((sum, model) => sum + (model.vramBytes ?? 0), 0)).toBe(expected.totalSizeVram);
  });

  it('treats a missing size_vram (old servers) as 0 and ignores a missing context_length', async () => {
    const text = await fixture('ollama_api_ps.cpu_only_old.json');
    expect(text).not.toContain('size_vram');
    expect(text).not.toContain('context_length');
    expect(parseOllamaPs(text)).toEqual([{ name: 'qwen2.5:0.5b', sizeBytes: 994000000, vramBytes: 0 }]);
  });

  it('reads an empty list, falls back to "model" for the name and skips unusable entries', () => {
    expect(parseOllamaPs('{"models":[]}')).toEqual([]);
    expect(
      parseOllamaPs(
        '{"models":[{"model":"a:1","size":5,"size_vram":5},{"size":1},null,{"name":"b","size":"big"}]}',
      ),
    ).toEqual([
      { name: 'a:1', sizeBytes: 5, vramBytes: 5 },
      { name: 'b', sizeBytes: null, vramBytes: 0 },
    ]);
  });

  it('refuses an answer that is not a model list', () => {
    expect(() => parseOllamaPs('<html>')).toThrow(/not JSON/);
    expect(() => parseOllamaPs('{"error":"x"}')).toThrow(/no models list/);
  });
});

describe('macmon pipe', () => {
  it('reads v0.8 fields', async () => {
    const [first, second] = parseMacmonLines(await fixture('macmon_pipe.jsonl'));
    expect(first).toEqual({
      gpuActivePct: 95.42,
      gpuFreqMHz: 1338,
      gpuPowerW: 84.712,
      cpuPowerW: 1.8392,
      anePowerW: 0,
      combinedPowerW: 86.552,
      thermalPressure: null,
      elapsedMs: null,
      timestamp: '2025-06-03T12:05:11.000Z',
      ramTotalBytes: 274877906944,
      swapTotalBytes: 1073741824,
      swapUsedBytes: 117702656,
    });
    expect(second?.gpuPowerW).toBe(82.171);
  });

  it('falls back to the v0.7 aliases on older installs', () => {
    expect(parseMacmonLine('{"gpu_usage":[1338,0.9541],"gpu_power":3.5}')).toMatchObject({
      gpuFreqMHz: 1338,
      gpuActivePct: 95.41,
      gpuPowerW: 3.5,
      ramTotalBytes: null,
    });
  });

  it('refuses lines that are not JSON objects', () => {
    expect(() => parseMacmonLine('Error: IOReport not available')).toThrow(/not JSON/);
    expect(() => parseMacmonLine('[1,2]')).toThrow(/not an object/);
    expect(() => parseMacmonLines('\n\n')).toThrow(/no macmon line/);
  });
});

describe('nvidia-smi', () => {
  it('reads the first GPU, with unsupported fields absent rather than zero', () => {
    expect(
      parseNvidiaSmi(
        'NVIDIA GeForce RTX 4090, 37, 10240, 24564, 215.31, 2520\nNVIDIA T4, 0, 0, 15360, [N/A], 300\n',
      ),
    ).toEqual({
      name: 'NVIDIA GeForce RTX 4090',
      utilizationPct: 37,
      memoryUsedBytes: 10240 * 2 ** 20,
      memoryTotalBytes: 24564 * 2 ** 20,
      powerW: 215.31,
      freqMHz: 2520,
    });
    expect(parseNvidiaSmi('Tesla K80, [Not Supported], 10, 100, [N/A], 562')).toMatchObject({
      utilizationPct: null,
      powerW: null,
    });
  });

  it('refuses output that is not the queried CSV', () => {
    expect(() => parseNvidiaSmi('')).toThrow(/no GPU/);
    expect(() =>
      parseNvidiaSmi("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."),
    ).toThrow(/fields/);
  });
});

describe('memory sizes', () => {
  it.each([
    ['123456Ki', 123456 * 1024],
    ['512Mi', 512 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1e9', 1e9],
    ['100M', 100e6],
    ['2048', 2048],
  ])('reads the Kubernetes quantity %s', (text, bytes) => {
    expect(parseKubernetesQuantity(text)).toBe(bytes);
  });

  it('refuses what is not a quantity', () => {
    expect(() => parseKubernetesQuantity('12 GB')).toThrow(/quantity/);
  });

  it.each([
    ['4GiB', 4 * 2 ** 30],
    ['8G', 8 * 2 ** 30],
    ['4096MiB', 4 * 2 ** 30],
    [4294967296, 4294967296],
  ])('reads Lima’s memory %s the way Lima does (binary units)', (value, bytes) => {
    expect(parseRamSize(value)).toBe(bytes);
  });

  it('refuses a memory size it cannot read', () => {
    expect(() => parseRamSize('lots')).toThrow(/memory size/);
  });
});
