import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

import { createExecRunner, type ExecRunner } from '../../platform/exec';
import { createLogger, MemorySink, type Logger } from '../../platform/log';
import { appPathsUnder, type AppPaths } from '../../platform/paths';
import { LimaDriver } from '../lima-driver';
import { LimactlLocator } from '../limactl-locator';
import { systemProcessTable } from '../process-table';

/**
 * For integration tests of the VM code: a temporary CLAWBAR_HOME whose LIMA_HOME is run by the
 * stand-in limactl (testing/bin first on PATH, reached as an executable, never imported), faults
 * written where the stand-in reads them, and a cleanup that force-stops whatever VM a test left.
 */
export const standInBin = resolve(import.meta.dirname, '../../../../testing/bin');

export interface StandInFaults {
  paceMs?: number;
  hangAt?: string;
  failAt?: { stage: string; message: string };
  broken?: boolean;
  k3s?: string;
}

export interface LimaWorld {
  home: string;
  paths: AppPaths;
  userHome: string;
  env: NodeJS.ProcessEnv;
  exec: ExecRunner;
  log: Logger;
  sink: MemorySink;
  driver: LimaDriver;
  faults(faults: StandInFaults): Promise<void>;
  /** Runs the stand-in limactl directly (with this world's LIMA_HOME). */
  limactl(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }>;
  dispose(): Promise<void>;
}

export async function openLimaWorld(options: { faults?: StandInFaults } = {}): Promise<LimaWorld> {
  const home = await mkdtemp(join(tmpdir(), 'clawbar-vm-'));
  const paths = appPathsUnder(home);
  const userHome = join(home, 'user');
  await mkdir(userHome, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: [standInBin, process.env.PATH ?? ''].join(delimiter),
    LIMA_HOME: paths.limaHome,
    KUBECONFIG: join(userHome, '.kube', 'config'),
  };
  delete env.LIMACTL_STANDIN_FAULTS;
  const exec = createExecRunner({ env });
  const sink = new MemorySink();
  const log = createLogger({ sinks: [sink], level: 'debug' });
  const driver = new LimaDriver({
    exec,
    limaHome: paths.limaHome,
    locator: new LimactlLocator({ exec, settingsPath: () => null }),
    processes: systemProcessTable(exec),
    log,
    eventPollMs: 20,
  });
  const faults = async (value: StandInFaults): Promise<void> => {
    await mkdir(join(paths.limaHome, '_standin'), { recursive: true });
    await writeFile(join(paths.limaHome, '_standin', 'faults.json'), JSON.stringify({ paceMs: 0, ...value }));
  };
  await faults(options.faults ?? {});
  const limactl = async (...args: string[]) => {
    try {
      const result = await exec.run('limactl', args, { timeoutMs: 60_000 });
      return { stdout: result.stdout, stderr: result.stderr, code: 0 };
    } catch (error) {
      const failure = error as { stdoutTail?: string; stderrTail?: string; exitCode?: number | null };
      return {
        stdout: failure.stdoutTail ?? '',
        stderr: failure.stderrTail ?? '',
        code: failure.exitCode ?? -1,
      };
    }
  };
  return {
    home,
    paths,
    userHome,
    env,
    exec,
    log,
    sink,
    driver,
    faults,
    limactl,
    dispose: async () => {
      await limactl('stop', '-f', driver.name);
      await rm(home, { recursive: true, force: true });
    },
  };
}
