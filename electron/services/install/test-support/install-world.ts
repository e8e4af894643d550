import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openDemoWorld, type DemoWorld } from '../../../../testing/demo/world';
import type { FaultsFile } from '../../../../testing/fake-kube-api/faults';
import { guestApiFaultsFile } from '../../../../testing/limactl/guest-k3s';
import { instancePaths } from '../../../../testing/limactl/store';
import type { InstallView } from '../../../../common/install';
import { createLogger, MemorySink } from '../../platform/log';
import { appPathsUnder } from '../../platform/paths';
import { createServices, type Services } from '../../services';
import { choosePort } from '../../platform/free-port';

/** What the stand-in limactl reads from its faults file (testing/limactl/faults.ts). */
export interface LimaFaults {
  paceMs?: number;
  hangAt?: string;
  failAt?: { stage: string; message: string };
  broken?: boolean;
  k3s?: string;
}

/**
 * The whole install against the demo's stand-ins, for integration tests: a temporary home with
 * the simulated Mac, the real services on it, and handles on every stand-in's faults. `relaunch`
 * disposes the services and builds new ones on the same home (a quit and a restart of Clawbar),
 * with environment changes for the processes they start (Ollama, the Keychain tool).
 */
export interface InstallWorld {
  home: string;
  services: Services;
  sink: MemorySink;
  lima(faults: LimaFaults): Promise<void>;
  /** The guest cluster's API misbehaves (testing/fake-kube-api/faults.ts); `{}` clears it. */
  kubeApi(faults: FaultsFile): Promise<void>;
  relaunch(env?: NodeJS.ProcessEnv): Promise<Services>;
  /** Resolves with the view once `predicate` holds (checked at every change). */
  until(predicate: (view: InstallView) => boolean, timeoutMs?: number): Promise<InstallView>;
  dispose(): Promise<void>;
}

export async function openInstallWorld(env: NodeJS.ProcessEnv = {}): Promise<InstallWorld> {
  const home = await mkdtemp(join(tmpdir(), 'clawbar-install-world-'));
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    CLAWBAR_HOME: home,
    FAKE_OLLAMA_PULL_SPEED: '4000000000',
  };
  delete base.LIMACTL_STANDIN_FAULTS;
  const world: DemoWorld = await openDemoWorld({ home, env: base });
  const paths = appPathsUnder(home);
  const gatewayLocalPort = await choosePort();
  const sink = new MemorySink();
  const log = createLogger({ sinks: [sink], level: 'debug' });
  const build = (extra: NodeJS.ProcessEnv): Services =>
    createServices({
      paths,
      mode: 'demo',
      log,
      env: { ...world.env, ...extra },
      ollama: {
        url: world.ollamaUrl,
        supervise: true,
        autoStart: false,
        supervisorTimings: { backoffInitialMs: 100 },
      },
      lmStudioUrl: world.lmStudioUrl,
      userHome: world.userHome,
      hostFacts: world.hostFacts,
      mac: world.mac,
      memory: { read: () => Promise.resolve({ totalBytes: world.memoryBytes, gpuWiredLimitBytes: null }) },
      statusIntervalMs: 500,
      stateThrottleMs: 20,
      readiness: { pollMs: 100, requestTimeoutMs: 2000 },
      installTiming: { pollMs: 100, portForwardMs: 10_000, connectMs: 30_000 },
      // Not 18789: the tests must not depend on (or take) the port the real app and the demo use.
      gatewayLocalPort,
    });
  let services = build(env);
  await services.start();
  const lima = async (faults: LimaFaults): Promise<void> => {
    await mkdir(join(paths.limaHome, '_standin'), { recursive: true });
    await writeFile(
      join(paths.limaHome, '_standin', 'faults.json'),
      JSON.stringify({ paceMs: 0, ...faults }),
    );
  };
  await lima({});
  return {
    home,
    get services() {
      return services;
    },
    sink,
    lima,
    kubeApi: async faults => {
      const file = guestApiFaultsFile(instancePaths(paths.limaHome, 'clawbar').standinDir);
      await mkdir(join(file, '..'), { recursive: true });
      await writeFile(file, JSON.stringify(faults));
    },
    relaunch: async (extra = {}) => {
      await services.dispose();
      services = build(extra);
      await services.start();
      return services;
    },
    until: (predicate, timeoutMs = 120_000) =>
      new Promise((resolve, reject) => {
        if (predicate(services.install.view)) {
          resolve(services.install.view);
          return;
        }
        const timer = setTimeout(() => {
          listener.dispose();
          reject(
            new Error(
              `The install did not get there in time: ${JSON.stringify(summary(services.install.view))}`,
            ),
          );
        }, timeoutMs);
        const listener = services.install.onDidChange(view => {
          if (!predicate(view)) return;
          clearTimeout(timer);
          listener.dispose();
          resolve(view);
        });
      }),
    dispose: async () => {
      await services.dispose();
      await world.dispose();
      // The stand-in VM's host agent exits once its directory is gone.
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Each step's status, for assertions and failure messages. */
export function summary(view: InstallView): Record<string, string> {
  return Object.fromEntries(view.steps.map(step => [step.id, step.status]));
}
