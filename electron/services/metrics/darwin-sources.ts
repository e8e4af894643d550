import type { ExecRunner } from '../platform/exec';
import type { MetricsSource } from './collector';
import { commandSource } from './command-source';
import { ioregArgs, parseIoregText } from './parse-ioreg';
import { parseSystemProfilerJson, systemProfilerArgs } from './parse-system-profiler';
import { parseSysctlNamed, sysctlNames } from './parse-sysctl';
import { parseVmStat } from './parse-vm-stat';

/**
 * The Mac's sudoless sources: ioreg, vm_stat and sysctl each sample (short-lived, tiny output but
 * ioreg's), system_profiler once in the background. Absolute paths: an app started from the Dock
 * gets a minimal PATH.
 */
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
    commandSource('vmStat', { exec, command: commands.vmStat, args: [], parse: parseVmStat }),
    // By name, not -n: see parse-sysctl.ts. An unknown key exits 1 after printing the others.
    commandSource('sysctl', {
      exec,
      command: commands.sysctl,
      args: sysctlNames,
      parse: parseSysctlNamed,
      parsePartialOutput: true,
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
