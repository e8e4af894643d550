import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

import { Collector, singleSource, type MetricsSource } from '../electron/services/metrics/collector';
import { composeSample } from '../electron/services/metrics/compose-sample';
import { ioregArgs, parseIoregText } from '../electron/services/metrics/parse-ioreg';
import { parseMacmonLine } from '../electron/services/metrics/parse-macmon';
import { parseOllamaPs } from '../electron/services/metrics/parse-ollama-ps';
import { parseOutcome } from '../electron/services/metrics/parse-outcome';
import {
  PlistStreamSplitter,
  powermetricsSamplers,
  readPowermetricsDocument,
  splitPlistStream,
} from '../electron/services/metrics/parse-powermetrics';
import { parseSysctlNamed, sysctlNames } from '../electron/services/metrics/parse-sysctl';
import { parseVmStat } from '../electron/services/metrics/parse-vm-stat';
import { recordingFiles } from '../electron/services/metrics/replay-sources';
import { SampleHistory } from '../electron/services/metrics/sample-history';
import { createExecRunner } from '../electron/services/platform/exec';
import { createLogger } from '../electron/services/platform/log';
import type { BenchRow } from './table';

/**
 * What the sampler costs the main process per sample, per source (parse, compose, history, the
 * IPC payload), against the peer: spawning each source's command once per second. CPU time, not
 * wall time: process.cpuUsage() for this process, and /proc/self/stat's cutime+cstime for the
 * children it waited for. The commands are the stand-ins in testing/bin replaying the M3 Ultra
 * recording (sh + cat for ioreg/vm_stat/sysctl, node for powermetrics/macmon/sudo), so the spawn
 * column is a floor for the real macOS tools, which do more work than cat.
 * Target: under 1 % of one core at 1 Hz for everything the sampler does itself.
 */
const root = join(import.meta.dirname, '..');
const recording = join(root, 'testing', 'recordings', 'm3ultra-256gb');
const standIns = join(root, 'testing', 'bin');
const log = createLogger({ sinks: [] });

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

/** CPU time of waited-for children, from /proc (Linux); NaN where there is no /proc. */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 (cutime, cstime) in clock ticks of 10 ms; the list starts at field 3.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return Number.NaN;
  }
}

async function inProcessMs(iterations: number, work: () => unknown): Promise<number> {
  for (let index = 0; index < Math.min(50, iterations); index++) await work(); // warm up the JIT
  const start = process.cpuUsage();
  for (let index = 0; index < iterations; index++) await work();
  return cpuMs(process.cpuUsage(start)) / iterations;
}

interface SpawnCost {
  parentMs: number;
  childrenMs: number;
}

async function spawnCost(iterations: number, spawnOnce: () => Promise<unknown>): Promise<SpawnCost> {
  await spawnOnce();
  const parent = process.cpuUsage();
  const children = childrenCpuMs();
  for (let index = 0; index < iterations; index++) await spawnOnce();
  return {
    parentMs: cpuMs(process.cpuUsage(parent)) / iterations,
    childrenMs: (childrenCpuMs() - children) / iterations,
  };
}

const percentAt1Hz = (ms: number) => `${((ms / 1000) * 100).toFixed(3)} %`;
const msText = (ms: number) => (Number.isNaN(ms) ? 'n/a' : `${ms.toFixed(3)} ms`);

export async function metricsBenchmark(iterations = 400, spawns = 25): Promise<BenchRow[]> {
  const text = async (name: string) => readFile(join(recording, name), 'utf8');
  const [ioreg, vmStat, sysctlBatch, plistStream, macmon, ollama] = await Promise.all([
    text(recordingFiles.ioregText),
    text(recordingFiles.vmStat),
    text(recordingFiles.sysctlBatch),
    text(recordingFiles.powermetricsPlist),
    text(recordingFiles.macmon),
    text(recordingFiles.ollamaPs),
  ]);
  const sysctlNamed = sysctlBatch
    .trimEnd()
    .split('\n')
    .map((value, index) => `${sysctlNames[index] ?? ''}: ${value}`)
    .join('\n');
  const [document] = splitPlistStream(plistStream);
  if (!document) throw new Error('the recording has no powermetrics document');
  const macmonLine = macmon.split('\n')[0] ?? '';
  // One stream document as it arrives from the pipe: a NUL, then the plist, in 64 KiB reads.
  const chunks = `\0${document}`.match(/[\s\S]{1,65536}/g) ?? [];
  const streamSample = () => {
    const splitter = new PlistStreamSplitter();
    const documents = chunks.flatMap(chunk => splitter.push(chunk));
    return readPowermetricsDocument(documents.at(-1) ?? '');
  };

  const perSource: {
    name: string;
    inProcess: () => unknown;
    spawn?: () => Promise<unknown>;
    note: string;
    /** How often the live sampler spawns it, per sample at 1 Hz (0: it does not). */
    spawnsPerSample: number;
  }[] = [];
  const exec = createExecRunner({
    env: {
      PATH: `${standIns}${delimiter}${process.env.PATH ?? ''}`,
      CLAWBAR_TELEMETRY_DIR: recording,
    },
    platform: 'linux',
  });
  perSource.push(
    {
      name: 'ioreg',
      inProcess: () => parseIoregText(ioreg),
      spawn: () => exec.run(join(standIns, 'ioreg'), ioregArgs),
      note: 'the sampler spawns it each sample',
      spawnsPerSample: 1,
    },
    {
      name: 'vm_stat',
      inProcess: () => parseVmStat(vmStat),
      spawn: () => exec.run(join(standIns, 'vm_stat')),
      note: 'the sampler spawns it every 2 s',
      spawnsPerSample: 0.5,
    },
    {
      name: 'sysctl',
      inProcess: () => parseSysctlNamed(sysctlNamed),
      spawn: () => exec.run(join(standIns, 'sysctl'), sysctlNames),
      note: 'the sampler spawns it every 2 s',
      spawnsPerSample: 0.5,
    },
    {
      name: 'powermetrics',
      inProcess: streamSample,
      // Run directly (as if root), -i 1 so the bench does not wait out a 1 s window: sudo's own
      // spawn and powermetrics' sampling window would come on top of this on a Mac.
      spawn: () =>
        exec.run(
          join(standIns, 'powermetrics'),
          ['--samplers', powermetricsSamplers, '-i', '1', '-n', '1', '-f', 'plist'],
          {
            env: { SUDO_USER: 'bench' },
          },
        ),
      note: 'one stream; peer: a process per sample (-n 1), sudo not counted',
      spawnsPerSample: 0,
    },
    {
      name: 'macmon',
      inProcess: () => parseMacmonLine(macmonLine),
      spawn: () => exec.run(join(standIns, 'macmon'), ['pipe', '-i', '1', '-s', '1']),
      note: 'one stream; peer: a process per sample (-s 1)',
      spawnsPerSample: 0,
    },
    {
      name: 'ollama /api/ps',
      inProcess: () => parseOllamaPs(ollama),
      note: 'HTTP, no spawn',
      spawnsPerSample: 0,
    },
  );

  const rows: BenchRow[] = [];
  let sumParts = 0;
  let spawnParentPerSample = 0;
  for (const source of perSource) {
    const own = await inProcessMs(iterations, source.inProcess);
    sumParts += own;
    rows.push({
      benchmark: `metrics: ${source.name}`,
      metric: 'in-process CPU per sample',
      value: msText(own),
      note: `${percentAt1Hz(own)} of a core at 1 Hz`,
    });
    if (source.spawn) {
      const cost = await spawnCost(spawns, source.spawn);
      const total = cost.parentMs + cost.childrenMs;
      spawnParentPerSample += cost.parentMs * source.spawnsPerSample;
      rows.push({
        benchmark: `metrics: ${source.name}`,
        metric: 'spawn per sample (parent + children CPU)',
        value: `${msText(cost.parentMs)} + ${msText(cost.childrenMs)}`,
        note: `${percentAt1Hz(total)} of a core at 1 Hz; ${(total / own).toFixed(0)}× the in-process cost; ${source.note}`,
      });
    }
  }

  // The whole tick as the sampler runs it, sources reading the recorded texts from memory.
  const history = new SampleHistory<unknown>(600);
  const memorySources: MetricsSource[] = [
    singleSource('ioreg', 'ioreg', () => Promise.resolve(parseOutcome('ioreg', () => parseIoregText(ioreg)))),
    singleSource('vmStat', 'vm_stat', () =>
      Promise.resolve(parseOutcome('vm_stat', () => parseVmStat(vmStat))),
    ),
    singleSource('sysctl', 'sysctl', () =>
      Promise.resolve(parseOutcome('sysctl', () => parseSysctlNamed(sysctlNamed))),
    ),
    singleSource('powermetrics', 'powermetrics', () =>
      Promise.resolve(parseOutcome('powermetrics', streamSample)),
    ),
    singleSource(
      'ollama',
      'ollama',
      () => Promise.resolve(parseOutcome('ollama', () => parseOllamaPs(ollama))),
      {
        periodMs: 2000,
      },
    ),
  ];
  const collector = new Collector(memorySources, { log });
  const tick = await inProcessMs(iterations, async () => {
    const sample = composeSample(await collector.collect(), { at: new Date(), intervalMs: 1000 });
    history.push(sample);
    return JSON.stringify(sample); // what goes over IPC to each watching window
  });
  collector.dispose();
  rows.push({
    benchmark: 'metrics: whole sampler tick',
    metric: 'in-process CPU per sample',
    value: msText(tick),
    note: `${percentAt1Hz(tick)} of a core at 1 Hz (target < 1 %: ${tick < 10 ? 'met' : 'NOT met'}); parts sum ${msText(sumParts)}`,
  });
  const withSpawns = tick + spawnParentPerSample;
  rows.push({
    benchmark: 'metrics: whole sampler tick',
    metric: 'with the parent side of its spawns',
    value: msText(withSpawns),
    note: `${percentAt1Hz(withSpawns)} of a core at 1 Hz: ioreg each sample, vm_stat and sysctl every 2 s`,
  });
  return rows;
}
