import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { openDemoTelemetry, type DemoTelemetry } from './telemetry';
import { startFakeLmStudio, type FakeLmStudio } from '../fake-lmstudio/server';
import { diskSpace, isPortFree, type HostFacts } from '../../electron/services/vm/host-facts';
import { choosePort } from '../../electron/services/platform/free-port';

/**
 * The demo's simulated Mac: a CLAWBAR_HOME plus the stand-ins for Lima, k3s and the local model
 * servers. Stand-ins keep their state under the home, so separate commands (and the devhost)
 * given the same home see one consistent world:
 * - Ollama: the stand-in `ollama` (testing/bin) on a port chosen once per home, so the services
 *   spawn `ollama serve` from PATH (or adopt the one another process of this world started);
 *   nothing here touches a real Ollama on 11434.
 * - LM Studio: the stand-in `lms` and a fake server on the world's LM Studio port.
 * - The Mac's filesystem (/Applications, ~/Applications, Homebrew) lives under <home>/mac.
 */
export interface DemoWorld {
  home: string;
  /** True when the world made a fresh temporary home (nothing was given); dispose() removes it. */
  freshHome: boolean;
  /** Environment for services and the stand-in executables: testing/bin first on PATH. */
  env: NodeJS.ProcessEnv;
  /** The simulated Mac's GPU and memory readouts (a moving recording) and its powermetrics permission. */
  telemetry: DemoTelemetry;
  ollamaUrl: string;
  lmStudioUrl: string;
  /** The port the demo's gateway is forwarded to on 127.0.0.1. */
  gatewayPort: number;
  mac: { root: string; userHome: string };
  /** The simulated Mac's unified memory (simulatedMac). */
  memoryBytes: number;
  /** The simulated user's home: the VM mounts its ~/.openclaw; ~/.kube/config lives here too. */
  userHome: string;
  /** The simulated Mac: Apple Silicon, macOS 15, 10 CPUs, 32 GiB (disk and ports are this machine's). */
  hostFacts: HostFacts;
  dispose(): Promise<void>;
}

export const simulatedMac = { macos: '15.5', cpus: 10, memoryBytes: 32 * 2 ** 30 } as const;

export function simulatedHostFacts(): HostFacts {
  return {
    platform: 'darwin',
    macosVersion: () => Promise.resolve(simulatedMac.macos),
    appleSilicon: () => Promise.resolve(true),
    virtualization: () => Promise.resolve(true),
    totalMemoryBytes: () => simulatedMac.memoryBytes,
    cpuCount: () => simulatedMac.cpus,
    disk: diskSpace,
    portFree: isPortFree,
  };
}

export const standInBinDir = resolve(fileURLToPath(new URL('../bin', import.meta.url)));

/** Demo pulls: a 2 GB model in about seven seconds, so the progress can be watched. */
const demoPullSpeed = '300000000';

interface Ports {
  ollama: number;
  lmstudio: number;
  /** Where the demo's gateway is forwarded (not 18789, so a real OpenClaw on this machine is safe). */
  gateway: number;
}

/** The world's ports, chosen on first use and kept in the home. */
async function worldPorts(home: string): Promise<Ports> {
  const file = join(home, 'stand-ins', 'ports.json');
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<Ports>;
    if (
      typeof parsed.ollama === 'number' &&
      typeof parsed.lmstudio === 'number' &&
      typeof parsed.gateway === 'number'
    ) {
      return { ollama: parsed.ollama, lmstudio: parsed.lmstudio, gateway: parsed.gateway };
    }
  } catch {
    // First use of this home.
  }
  const ports = { ollama: await choosePort(), lmstudio: await choosePort(), gateway: await choosePort() };
  await mkdir(join(home, 'stand-ins'), { recursive: true });
  await writeFile(file, `${JSON.stringify(ports, null, 2)}\n`);
  return ports;
}

export async function openDemoWorld(
  options: { home?: string | undefined; env?: NodeJS.ProcessEnv } = {},
): Promise<DemoWorld> {
  const baseEnv = options.env ?? process.env;
  const given = options.home ?? baseEnv.CLAWBAR_HOME;
  const home = given && given.trim() !== '' ? resolve(given) : await mkdtemp(join(tmpdir(), 'clawbar-demo-'));
  await mkdir(home, { recursive: true });
  // One simulated Mac: its filesystem (/Applications, Homebrew) and its user's home live under <home>/mac.
  const mac = { root: join(home, 'mac'), userHome: join(home, 'mac', 'Users', 'me') };
  const userHome = mac.userHome;
  await mkdir(userHome, { recursive: true });
  const freshHome = !given;
  const telemetry = await openDemoTelemetry(home);
  const ports = await worldPorts(home);
  await writeFile(join(home, 'stand-ins', 'lmstudio.json'), `${JSON.stringify({ port: ports.lmstudio })}\n`);
  let lmStudio: FakeLmStudio | undefined;
  try {
    lmStudio = await startFakeLmStudio({ port: ports.lmstudio });
  } catch (error) {
    // Another process of this world (the devhost) already serves it: share that one.
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
  }
  return {
    home,
    freshHome,
    telemetry,
    userHome,
    hostFacts: simulatedHostFacts(),
    env: {
      ...baseEnv,
      CLAWBAR_HOME: home,
      // The stand-in sudo reads the demo Mac's sudoers rules here.
      CLAWBAR_SUDOERS_DIR: telemetry.sudoersDir,
      PATH: [standInBinDir, baseEnv.PATH ?? ''].filter(Boolean).join(delimiter),
      FAKE_OLLAMA_PULL_SPEED: baseEnv.FAKE_OLLAMA_PULL_SPEED ?? demoPullSpeed,
      // The stand-in VM's simulated network answers the self-test's Ollama probe from this server.
      CLAWBAR_DEMO_OLLAMA_URL: `http://127.0.0.1:${ports.ollama}`,
      // The simulated user's kubeconfig, should they opt in to the merge.
      KUBECONFIG: join(userHome, '.kube', 'config'),
    },
    ollamaUrl: `http://127.0.0.1:${ports.ollama}`,
    lmStudioUrl: `http://127.0.0.1:${ports.lmstudio}`,
    gatewayPort: ports.gateway,
    mac,
    memoryBytes: simulatedMac.memoryBytes,
    dispose: async () => {
      await lmStudio?.close();
      if (freshHome) await rm(home, { recursive: true, force: true });
    },
  };
}
