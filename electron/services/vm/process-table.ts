import type { ExecRunner } from '../platform/exec';

/** The host's processes, for finding what a crashed VM left behind. */
export interface ProcessInfo {
  pid: number;
  command: string;
}

export interface ProcessTable {
  list(): Promise<ProcessInfo[]>;
  isAlive(pid: number): boolean;
  kill(pid: number, signal: NodeJS.Signals): void;
}

/** `ps -axo pid=,command=` works the same on macOS and on Linux (procps). */
export function systemProcessTable(exec: ExecRunner): ProcessTable {
  return {
    list: async () =>
      parsePs((await exec.run('ps', ['-axo', 'pid=,command='], { timeoutMs: 10_000 })).stdout),
    isAlive: pid => {
      try {
        process.kill(pid, 0);
        return true;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'EPERM';
      }
    },
    kill: (pid, signal) => {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    },
  };
}

export function parsePs(stdout: string): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (match?.[1] && match[2]) processes.push({ pid: Number(match[1]), command: match[2] });
  }
  return processes;
}

/**
 * Processes that belong to this instance (Lima's host agent, or a QEMU driver) by their command
 * line naming a file in the instance directory. Other programs that merely mention the directory
 * (an editor, `tail -f` on a log) are left alone.
 */
export function instanceProcesses(processes: readonly ProcessInfo[], instanceDir: string): ProcessInfo[] {
  const dir = `${instanceDir.replace(/\/+$/, '')}/`;
  return processes.filter(
    info =>
      info.pid !== process.pid &&
      info.command.includes(dir) &&
      (/\bhostagent\b/.test(info.command) || /qemu-system-|\blimactl\b|\bvz\b/.test(info.command)),
  );
}
