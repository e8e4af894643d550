import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterEach, describe, expect, it } from 'vitest';

import { fixtureSetRelative, projectRoot, requireFixtures } from '../services/metrics/test-fixtures';
import { runCliCaptured as run } from './test-support/run-cli';

const temporary: string[] = [];

afterEach(async () => {
  await Promise.all(temporary.splice(0).map(dir => rm(dir, { recursive: true, force: true })));
});

async function home(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'clawbar-cli-readouts-'));
  temporary.push(dir);
  return dir;
}

type Expected = Record<string, Record<string, unknown>>;

/** expected.json lists each parser's values; this is what they add up to in the readouts shape. */
function readoutsFromExpected(expected: Expected) {
  const ioreg = expected.ioreg as Record<string, number | string>;
  const plist = expected['powermetrics.plist[0]'] as Record<string, number>;
  const memory = expected.memory as Record<string, number | string>;
  const perModel = (expected.ollama as { perModel: Record<string, { vram: number; gpuFraction: number }> })
    .perModel;
  return {
    gpu: {
      model: ioreg.model,
      cores: ioreg.gpuCoreCount,
      utilizationPct: ioreg.deviceUtilizationPct,
      powerW: plist.gpuPowerW,
      freqMHz: plist['gpu.freq_hz(MHz!)'],
      inUseMemoryBytes: ioreg.inUseSystemMemoryBytes,
    },
    memory: {
      totalBytes: memory['hw.memsize'],
      usedBytes: memory['activityMonitorUsed=app+wired+compressed'],
      wiredBytes: memory.wiredBytes,
      compressedBytes: memory.compressedBytes,
      swapUsedBytes: memory.swapUsedBytes,
      swapTotalBytes: memory.swapTotalBytes,
      freePct: memory['memorystatus_level(freePct)'],
      pressure: String(memory.pressureLevel).replace(/\(\d\)$/, ''),
    },
    models: Object.entries(perModel).map(([name, model]) => ({
      name,
      sizeBytes: model.vram / model.gpuFraction,
      vramBytes: model.vram,
    })),
  };
}

describe('clawbar readouts --replay', () => {
  it('agrees with the fixture set’s expected.json, run as `npm run -s clawbar -- readouts --replay … --json`', async () => {
    requireFixtures();
    const { stdout } = await promisify(execFile)(
      'npm',
      ['run', '-s', 'clawbar', '--', 'readouts', '--replay', fixtureSetRelative, '--json'],
      { cwd: projectRoot },
    );
    const actual = JSON.parse(stdout) as ReturnType<typeof readoutsFromExpected>;
    const expected = readoutsFromExpected(
      JSON.parse(await readFile(join(requireFixtures(), 'expected.json'), 'utf8')) as Expected,
    );
    // Exactly the shape, in this order, numbers as numbers.
    expect(Object.keys(actual)).toEqual(['gpu', 'memory', 'models']);
    expect(Object.keys(actual.gpu)).toEqual(Object.keys(expected.gpu));
    expect(Object.keys(actual.memory)).toEqual(Object.keys(expected.memory));
    expect(actual).toStrictEqual(expected);
  }, 60_000);

  it('prints a readable table, in French too', async () => {
    const english = await run(['readouts', '--replay', requireFixtures()]);
    expect(english.code).toBe(0);
    expect(english.out).toMatch(/^GPU\s+Apple M3 Ultra · 80 GPU cores · Metal 3$/m);
    expect(english.out).toMatch(/^Power\s+84\.7 W$/m);
    expect(english.out).toMatch(/^Unified memory\s+106\.5 GB of 256 GB$/m);
    expect(english.out).toMatch(/^Pressure\s+Normal$/m);
    expect(english.out).toMatch(/^ {2}llama3\.3:70b\s+46 GB {2}100% on the GPU$/m);
    const french = await run(['readouts', '--replay', requireFixtures()], { LANG: 'fr_FR.UTF-8' });
    expect(french.out).toMatch(/^Mémoire unifiée\s+106,5\u202fGo sur 256\u202fGo$/m);
    expect(french.out).toMatch(/^Pression\s+Normale$/m);
  });

  it('says which recorded files it could not read, on stderr, and still prints the rest', async () => {
    const dir = await home();
    await cp(requireFixtures(), dir, { recursive: true });
    await writeFile(join(dir, 'vm_stat.txt'), 'vm_stat: not a Mac\n');
    const { code, out, err } = await run(['readouts', '--replay', dir, '--json']);
    expect(code).toBe(0);
    expect(err).toBe(
      'clawbar readouts: vm_stat.txt failed: unexpected output (vm_stat header without a page size)\n',
    );
    const json = JSON.parse(out) as {
      memory: { usedBytes: unknown; wiredBytes: unknown; totalBytes: unknown };
    };
    // memory_pressure.txt still gives wired memory; only the used total needs vm_stat.
    expect(json.memory).toMatchObject({ usedBytes: null, wiredBytes: 68719476736, totalBytes: 274877906944 });
  });

  it('fails clearly on a folder that is not there, and on usage mistakes', async () => {
    const missing = await run(['readouts', '--replay', '/nonexistent/recording', '--json']);
    expect(missing.code).toBe(1);
    expect(missing.err).toBe(
      'clawbar readouts: Cannot read the recording folder /nonexistent/recording: ENOENT\n',
    );
    expect(missing.out).toBe('');
    for (const argv of [
      ['readouts', 'frobnicate'],
      ['readouts', '--replay'],
      ['readouts', 'setup-power', '--replay', '.'],
      ['readouts', '--yes'],
      ['readouts', 'remove-power', 'extra'],
    ]) {
      const result = await run(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err).toContain('clawbar readouts [--replay DIR] [--json]');
    }
  });
});

describe('clawbar readouts on a machine', () => {
  it('samples this (Linux) machine: memory from /proc/meminfo, macOS-only readouts null', async () => {
    const { code, out } = await run(['readouts', '--json'], { CLAWBAR_HOME: await home() });
    expect(code).toBe(0);
    const json = JSON.parse(out) as {
      memory: { totalBytes: number; pressure: unknown; wiredBytes: unknown };
    };
    const memTotal = /^MemTotal:\s+(\d+) kB$/m.exec(await readFile('/proc/meminfo', 'utf8'))?.[1];
    expect(json.memory.totalBytes).toBe(Number(memTotal) * 1024);
    expect(json.memory.pressure).toBeNull();
    expect(json.memory.wiredBytes).toBeNull();
  });

  it('samples the demo’s simulated Mac, whose power needs the consented setup, which it installs and removes', async () => {
    const env = { CLAWBAR_HOME: await home() };
    const before = await run(['--demo', 'readouts', '--json'], env);
    expect(before.code).toBe(0);
    const sample = JSON.parse(before.out) as {
      gpu: Record<string, unknown>;
      memory: Record<string, unknown>;
    };
    expect(sample.gpu).toMatchObject({ model: 'Apple M3 Ultra', cores: 80, powerW: null, freqMHz: null });
    expect(sample.gpu.utilizationPct).toEqual(expect.any(Number));
    expect(sample.memory).toMatchObject({ totalBytes: 274877906944, pressure: 'normal' });
    expect((await run(['--demo', 'readouts'], env)).out).toMatch(
      /^Power\s+— {2}Needs the one-time permission for powermetrics, or macmon\.$/m,
    );

    const asked = await run(['--demo', 'readouts', 'setup-power'], env);
    expect(asked.code).toBe(2);
    expect(asked.out).toContain(
      '/testing/bin/powermetrics --samplers cpu_power,gpu_power,thermal -i 1000 -f plist',
    );
    expect(asked.out).toContain('Run again with --yes');

    const installed = await run(['--demo', 'readouts', 'setup-power', '--yes'], env);
    expect(installed.code).toBe(0);
    expect(installed.out).toMatch(/^Installed .*\/demo\/sudoers\.d\/clawbar-powermetrics\./);
    const powered = JSON.parse((await run(['--demo', 'readouts', '--json'], env)).out) as {
      gpu: { powerW: unknown };
    };
    expect(powered.gpu.powerW).toEqual(expect.any(Number));

    expect((await run(['--demo', 'readouts', 'remove-power'], env)).out).toMatch(
      /^Removed .*clawbar-powermetrics\.\n$/,
    );
    expect((await run(['--demo', 'readouts', 'remove-power'], env)).out).toBe('No permission to remove.\n');
    const unpowered = JSON.parse((await run(['--demo', 'readouts', '--json'], env)).out) as {
      gpu: { powerW: unknown };
    };
    expect(unpowered.gpu.powerW).toBeNull();
  });

  it('changes nothing when the administrator prompt is cancelled', async () => {
    const env = { CLAWBAR_HOME: await home(), CLAWBAR_OSASCRIPT: 'cancel' };
    const result = await run(['--demo', 'readouts', 'setup-power', '--yes'], env);
    expect(result.code).toBe(1);
    expect(result.err).toBe('clawbar readouts: The administrator prompt was cancelled\n');
  });
});
