import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import { expect } from 'vitest';

import { simulatedHostFacts, standInBinDir } from '../../../../testing/demo/world';
import { KubeConnection } from '../../cluster/kube-connection';
import { createExecRunner, type ExecRunner } from '../../platform/exec';
import { createLogger, MemorySink, RotatingFileSink } from '../../platform/log';
import { appPathsUnder, type AppPaths } from '../../platform/paths';
import { interactiveLine } from '../../platform/secret-store';
import { createServices, type Services } from '../../services';
import { readKubeconfig } from '../../vm/kubeconfig';
import type { LoginItemPort } from '../uninstall';

/**
 * A simulated Mac for the support tests: the data folder where macOS keeps it
 * (`<root>/Library/Application Support/Clawbar`) with neighbours, a user home, the stand-in
 * limactl (its VM in Clawbar's private LIMA_HOME) and the stand-in Keychain tool, whose keychain
 * file lives outside the data folder, as the real login keychain does.
 */
export interface SupportWorld {
  root: string;
  userHome: string;
  paths: AppPaths;
  env: NodeJS.ProcessEnv;
  exec: ExecRunner;
  services: Services;
  logs: MemorySink;
  /** Adds a generic password through the stand-in `security -i`, as any app would. */
  keychainAdd(service: string, account: string, value: string): Promise<void>;
  /** `security find-generic-password`: is the item there? */
  keychainHas(service: string, account: string): Promise<boolean>;
  startVm(): Promise<void>;
  /** A client of the VM's k3s through Clawbar's kubeconfig. */
  connection(): Promise<KubeConnection>;
  limactl(...args: string[]): Promise<string>;
  dispose(): Promise<void>;
}

export async function openSupportWorld(
  options: { env?: NodeJS.ProcessEnv; loginItem?: LoginItemPort; diagnosticsDir?: string } = {},
): Promise<SupportWorld> {
  const root = await mkdtemp(join(tmpdir(), 'clawbar-support-'));
  const paths = appPathsUnder(join(root, 'Library', 'Application Support', 'Clawbar'));
  const userHome = join(root, 'Users', 'me');
  await mkdir(userHome, { recursive: true });
  await mkdir(join(paths.limaHome, '_standin'), { recursive: true });
  await writeFile(join(paths.limaHome, '_standin', 'faults.json'), JSON.stringify({ paceMs: 0 }));
  const env: NodeJS.ProcessEnv = {
    PATH: [standInBinDir, process.env.PATH ?? ''].join(delimiter),
    // The stand-in Keychain keeps its file under $CLAWBAR_HOME/stand-ins: here, outside the data folder.
    CLAWBAR_HOME: join(root, 'keychain'),
    KUBECONFIG: join(userHome, '.kube', 'config'),
    ...options.env,
  };
  const exec = createExecRunner({ env });
  const logs = new MemorySink();
  const fileSink = new RotatingFileSink({ dir: paths.logsDir });
  const log = createLogger({ sinks: [logs, fileSink], level: 'debug' });
  const dead = 'http://127.0.0.1:9';
  const services = createServices({
    paths,
    mode: 'demo',
    log,
    env,
    mac: { root: join(root, 'mac'), userHome },
    userHome,
    hostFacts: simulatedHostFacts(),
    ollama: { url: dead, autoStart: false },
    lmStudioUrl: dead,
    stateThrottleMs: 10,
    statusIntervalMs: 60_000,
    closeLogFiles: () => fileSink.close(),
    ...(options.loginItem ? { loginItem: options.loginItem } : {}),
    ...(options.diagnosticsDir ? { diagnosticsDir: options.diagnosticsDir } : {}),
  });
  await services.start();
  const security = (script: string) => exec.run('security', ['-i'], { input: script, timeoutMs: 30_000 });
  return {
    root,
    userHome,
    paths,
    env,
    exec,
    services,
    logs,
    keychainAdd: async (service, account, value) => {
      await security(
        interactiveLine(['add-generic-password', '-U', '-s', service, '-a', account, '-w', value]),
      );
    },
    keychainHas: async (service, account) => {
      const result = await security(
        `${interactiveLine(['find-generic-password', '-s', service, '-a', account])}\n`,
      );
      return !result.stderr.includes('returned -25300');
    },
    startVm: async () => {
      const operation = await services.vm.perform('start');
      expect(operation, operation.error?.message).toMatchObject({ status: 'succeeded' });
    },
    connection: async () => new KubeConnection((await readKubeconfig(paths.kubeconfig)) ?? ''),
    limactl: async (...args) =>
      (await exec.run('limactl', args, { env: { LIMA_HOME: paths.limaHome }, timeoutMs: 60_000 })).stdout,
    dispose: async () => {
      await services.dispose();
      await exec
        .run('limactl', ['stop', '-f', 'clawbar'], { env: { LIMA_HOME: paths.limaHome }, timeoutMs: 60_000 })
        .catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}
