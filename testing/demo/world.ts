import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { openDemoTelemetry, type DemoTelemetry } from './telemetry';

/**
 * The demo's simulated Mac: a CLAWBAR_HOME plus the stand-ins for Lima, k3s and the local model
 * servers. Stand-ins keep their state under the home, so separate commands (and the devhost)
 * given the same home see one consistent world.
 */
export interface DemoWorld {
  home: string;
  /** True when the world made a fresh temporary home (nothing was given); dispose() removes it. */
  freshHome: boolean;
  /** Environment for services and the stand-in executables: testing/bin first on PATH. */
  env: NodeJS.ProcessEnv;
  /** The simulated Mac's GPU and memory readouts (a moving recording) and its powermetrics permission. */
  telemetry: DemoTelemetry;
  dispose(): Promise<void>;
}

export const standInBinDir = resolve(fileURLToPath(new URL('../bin', import.meta.url)));

export async function openDemoWorld(
  options: { home?: string | undefined; env?: NodeJS.ProcessEnv } = {},
): Promise<DemoWorld> {
  const baseEnv = options.env ?? process.env;
  const given = options.home ?? baseEnv.CLAWBAR_HOME;
  const home = given && given.trim() !== '' ? resolve(given) : await mkdtemp(join(tmpdir(), 'clawbar-demo-'));
  await mkdir(home, { recursive: true });
  const freshHome = !given;
  const telemetry = await openDemoTelemetry(home);
  return {
    home,
    freshHome,
    telemetry,
    env: {
      ...baseEnv,
      CLAWBAR_HOME: home,
      // The stand-in sudo reads the demo Mac's sudoers rules here.
      CLAWBAR_SUDOERS_DIR: telemetry.sudoersDir,
      PATH: [standInBinDir, baseEnv.PATH ?? ''].filter(Boolean).join(delimiter),
    },
    dispose: async () => {
      if (freshHome) await rm(home, { recursive: true, force: true });
    },
  };
}
