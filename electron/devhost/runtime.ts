import { homedir } from 'node:os';

import { openDemoWorld, type DemoWorld } from '../../testing/demo/world';
import {
  createLogger,
  logLevels,
  RotatingFileSink,
  streamSink,
  type LogLevel,
  type LogSink,
} from '../services/platform/log';
import { Lifecycle } from '../services/platform/lifecycle';
import { appPathsUnder, resolveAppPaths } from '../services/platform/paths';
import { createServices, type Services } from '../services/services';

/**
 * The composition root for the Node fronts (devhost and CLI): the twin of electron/main/app.ts.
 * With `demo`, services run against the demo world's stand-ins in its CLAWBAR_HOME; without, against
 * this machine.
 */
export interface RuntimeOptions {
  demo: boolean;
  mode: 'demo' | 'cli';
  env?: NodeJS.ProcessEnv;
  /** Mirror log lines at or above this level to stderr (the file log always gets everything). */
  stderrLevel?: LogLevel | 'off';
  /** An Ollama address given by the user (`--host`): used as it is, never started or stopped. */
  ollamaUrl?: string | undefined;
}

export interface Runtime {
  services: Services;
  lifecycle: Lifecycle;
  world: DemoWorld | undefined;
  logFile: string;
}

export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  const env = options.env ?? process.env;
  const world = options.demo ? await openDemoWorld({ env }) : undefined;
  const paths = world
    ? appPathsUnder(world.home)
    : resolveAppPaths({ env, platform: process.platform, userHome: homedir() });
  const fileSink = new RotatingFileSink({ dir: paths.logsDir });
  const sinks: LogSink[] = [fileSink];
  if (options.stderrLevel && options.stderrLevel !== 'off') {
    const stderrLevel = options.stderrLevel;
    const stderr = streamSink(process.stderr);
    sinks.push({
      write: (line, record) => {
        if (logLevels.indexOf(record.level) >= logLevels.indexOf(stderrLevel)) stderr.write(line, record);
      },
      flush: () => stderr.flush(),
    });
  }
  const log = createLogger({ sinks, level: 'debug', scope: options.mode });
  const services = createServices({
    paths,
    mode: options.demo ? 'demo' : options.mode,
    log,
    // The uninstall removes the log folder: the file log stops first (stderr goes on).
    closeLogFiles: () => fileSink.close(),
    env: world?.env ?? env,
    ollama: {
      url: options.ollamaUrl ?? world?.ollamaUrl,
      supervise: options.ollamaUrl === undefined,
      // A CLI command never starts a server as a side effect; the ones that need one ask for it.
      ...(options.mode === 'cli' ? { autoStart: false } : {}),
    },
    ...(world
      ? {
          lmStudioUrl: world.lmStudioUrl,
          gatewayLocalPort: world.gatewayPort,
          userHome: world.userHome,
          hostFacts: world.hostFacts,
          mac: world.mac,
          memory: {
            read: () => Promise.resolve({ totalBytes: world.memoryBytes, gpuWiredLimitBytes: null }),
          },
          metrics: {
            recording: {
              dir: world.telemetry.dir,
              refresh: () => world.telemetry.refresh(),
              powerPaths: world.telemetry.powerPaths,
            },
          },
        }
      : {}),
  });
  const lifecycle = new Lifecycle(log.child('lifecycle'));
  lifecycle.register({
    name: 'services',
    stop: async () => {
      await services.dispose();
      // After the services: the world may delete its temporary home, logs included.
      await world?.dispose();
    },
  });
  return { services, lifecycle, world, logFile: fileSink.path };
}
