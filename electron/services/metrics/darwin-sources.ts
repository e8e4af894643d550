import type { ExecRunner } from '../platform/exec';
import type { MetricsSource } from './collector';
import { commandSource } from './command-source';
import { ioregArgs, parseIoregText } from './parse-ioreg';
import { parseSystemProfilerJson, systemProfilerArgs } from './parse-system-profiler';
import { parseSysctlNamed, sysctlNames } from './parse-sysctl';
import { parseVmStat } from './parse-vm-stat';

/**
 * The Mac's sudoless sources: ioreg each sample (GPU load moves fast), vm_stat and sysctl every
 * 2 s (memory does not, and each spawn costs the main process more than parsing its output),
 * system_profiler once in the background. Absolute paths: an app started from the Dock gets a
 * minimal PATH.
 */
const memoryPeriodMs = 2000;
export interface DarwinCommands {
  ioreg: string;
  vmStat: string;
  sysctl: string;
  systemProfiler: string;
}

export const darwinCommands: DarwinCommands = {
  ioreg: '/usr/sbin/ioreg',
  vmStat: '/usr/bin/vm_stat',
  sysctl: '/usr/sbin/sysctl',
  systemProfiler: '/usr/sbin/system_profiler',
};

export function darwinSources(exec: ExecRunner, commands: DarwinCommands = darwinCommands): MetricsSource[] {
  return [
    commandSource('ioreg', { exec, command: commands.ioreg, args: ioregArgs, parse: parseIoregText }),
    commandSource('vmStat', {
      exec,
      command: commands.vmStat,
      args: [],
      parse: parseVmStat,
      periodMs: memoryPeriodMs,
      retryMs: 0,
    }),
    // By name, not -n: see parse-sysctl.ts. An unknown key exits 1 after printing the others.
    commandSource('sysctl', {
      exec,
      command: commands.sysctl,
      args: sysctlNames,
      parse: parseSysctlNamed,
      parsePartialOutput: true,
      periodMs: memoryPeriodMs,
      retryMs: 0,
    }),
    {
      ...commandSource('gpuStatic', {
        exec,
        command: commands.systemProfiler,
        args: systemProfilerArgs,
        parse: text => ({ ...parseSystemProfilerJson(text), source: 'system_profiler' as const }),
        timeoutMs: 20_000,
        periodMs: Number.POSITIVE_INFINITY,
        retryMs: 60_000,
      }),
      timeoutMs: 20_000,
      background: true,
    },
  ];
}
