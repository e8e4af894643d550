import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { ClawbarError } from '../../../common/errors';
import { singleSource, type MetricsSource } from './collector';
import { parseIoregText, parseIoregXml } from './parse-ioreg';
import { parseMacmonLines } from './parse-macmon';
import { parseMemoryPressure } from './parse-memory-pressure';
import { parseOllamaPs } from './parse-ollama-ps';
import { MetricsParseError } from './parse-error';
import { parseOutcome } from './parse-outcome';
import { parsePowermetricsText, readPowermetricsDocument, splitPlistStream } from './parse-powermetrics';
import { parseSystemProfilerJson, parseSystemProfilerXml } from './parse-system-profiler';
import { parseSwapUsage, parseSysctlBatch, parseWiredLimit } from './parse-sysctl';
import { parseVmStat } from './parse-vm-stat';
import { failure, reasons, type ReadingKey, type ReadingValue } from './readings';

/**
 * Recordings: the outputs of the sampler's commands saved as files, named as in
 * reference/telemetry-fixtures/<set>/. `clawbar readouts --replay DIR` and the demo's simulated Mac
 * compute samples from them with the same parsers and the same composition as the live sampler.
 * Any file may be missing: its readouts are then null, with the file named in the reason.
 *
 * A stream recording (powermetrics, macmon) starts when the snapshot was taken, so its first
 * sample is the one that goes with the other files.
 */
export const recordingFiles = {
  ioregText: 'ioreg_IOAccelerator.txt',
  ioregXml: 'ioreg_IOAccelerator.xml',
  systemProfilerJson: 'system_profiler_SPDisplaysDataType.json',
  systemProfilerXml: 'system_profiler_SPDisplaysDataType.xml',
  powermetricsPlist: 'powermetrics_cpu_gpu_thermal.plist.nul',
  powermetricsText: 'powermetrics_cpu_gpu_thermal.txt',
  macmon: 'macmon_pipe.jsonl',
  vmStat: 'vm_stat.txt',
  sysctlBatch: 'sysctl_n_batch.txt',
  swapUsage: 'sysctl_vm.swapusage.txt',
  wiredLimit: 'sysctl_iogpu.wired_limit_mb.txt',
  memoryPressure: 'memory_pressure.txt',
  ollamaPs: 'ollama_api_ps.json',
} as const;

type Alternative<K extends ReadingKey> = [file: string, parse: (text: string) => ReadingValue<K>];

/** Reads the first of the alternatives that exists. */
function recordingSource<K extends ReadingKey>(
  key: K,
  dir: string,
  alternatives: Alternative<K>[],
): MetricsSource {
  const [first] = alternatives;
  if (!first) throw new Error('a recording source needs at least one file');
  return singleSource(key, first[0], async () => {
    for (const [file, parse] of alternatives) {
      let text: string;
      try {
        text = await readFile(join(dir, file), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        return failure(reasons.failed(file, (error as Error).message));
      }
      return parseOutcome(file, () => parse(text));
    }
    return failure(reasons.notRecorded(first[0]));
  });
}

function first<T>(items: T[], what: string): T {
  const [item] = items;
  if (item === undefined) throw new MetricsParseError(`no ${what}`);
  return item;
}

export function replaySources(dir: string): MetricsSource[] {
  const files = recordingFiles;
  return [
    recordingSource('ioreg', dir, [
      [files.ioregText, parseIoregText],
      [files.ioregXml, parseIoregXml],
    ]),
    recordingSource('gpuStatic', dir, [
      [
        files.systemProfilerJson,
        text => ({ ...parseSystemProfilerJson(text), source: 'system_profiler' as const }),
      ],
      [
        files.systemProfilerXml,
        text => ({ ...parseSystemProfilerXml(text), source: 'system_profiler' as const }),
      ],
    ]),
    recordingSource('powermetrics', dir, [
      [
        files.powermetricsPlist,
        text => readPowermetricsDocument(first(splitPlistStream(text), 'plist document')),
      ],
    ]),
    recordingSource('powermetricsText', dir, [
      [files.powermetricsText, text => first(parsePowermetricsText(text), 'sample')],
    ]),
    recordingSource('macmon', dir, [[files.macmon, text => first(parseMacmonLines(text), 'macmon line')]]),
    recordingSource('vmStat', dir, [[files.vmStat, parseVmStat]]),
    recordingSource('sysctl', dir, [[files.sysctlBatch, parseSysctlBatch]]),
    recordingSource('swapUsage', dir, [[files.swapUsage, parseSwapUsage]]),
    recordingSource('wiredLimit', dir, [[files.wiredLimit, parseWiredLimit]]),
    recordingSource('memoryPressure', dir, [[files.memoryPressure, parseMemoryPressure]]),
    recordingSource('ollama', dir, [[files.ollamaPs, parseOllamaPs]]),
  ];
}

/** A recording folder must exist and be a folder; an empty one is valid (every readout null). */
export async function checkRecordingDir(dir: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch (error) {
    throw new ClawbarError(
      'metrics-replay-unreadable',
      `Cannot read the recording folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  if (!isDirectory)
    throw new ClawbarError('metrics-replay-unreadable', `The recording path ${dir} is not a folder`);
}
