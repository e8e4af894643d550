import { statfs } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';

import type { ExecRunner } from '../platform/exec';

/**
 * What the VM needs to know about the Mac it runs on. The real answers come from sw_vers, sysctl,
 * os and statfs; the demo gives a simulated Mac with the same interface.
 */
export interface HostFacts {
  platform: NodeJS.Platform;
  macosVersion(): Promise<string | undefined>;
  /** True on Apple Silicon, even when this process runs under Rosetta. */
  appleSilicon(): Promise<boolean>;
  /** kern.hv_support; undefined when it cannot be read. */
  virtualization(): Promise<boolean | undefined>;
  totalMemoryBytes(): number;
  cpuCount(): number;
  disk(path: string): Promise<{ freeBytes: number; totalBytes: number }>;
  portFree(port: number): Promise<boolean>;
}

export function macHostFacts(exec: ExecRunner, platform: NodeJS.Platform = process.platform): HostFacts {
  const sysctl = async (name: string): Promise<string | undefined> => {
    try {
      return (await exec.run('sysctl', ['-n', name], { timeoutMs: 5000 })).stdout.trim();
    } catch {
      return undefined;
    }
  };
  return {
    platform,
    macosVersion: async () => {
      if (platform !== 'darwin') return undefined;
      try {
        return (
          (await exec.run('sw_vers', ['-productVersion'], { timeoutMs: 5000 })).stdout.trim() || undefined
        );
      } catch {
        return undefined;
      }
    },
    appleSilicon: async () =>
      platform === 'darwin' ? (await sysctl('hw.optional.arm64')) === '1' : process.arch === 'arm64',
    virtualization: async () => {
      const value = await sysctl('kern.hv_support');
      return value === undefined ? undefined : value === '1';
    },
    totalMemoryBytes: () => totalmem(),
    cpuCount: () => cpus().length,
    disk: diskSpace,
    portFree: isPortFree,
  };
}

export async function diskSpace(path: string): Promise<{ freeBytes: number; totalBytes: number }> {
  const stats = await statfs(path);
  return { freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
}

/** Free when something can listen on it on 127.0.0.1 right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
