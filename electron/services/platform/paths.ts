import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where Clawbar keeps everything it owns. One root, so uninstall and tests know the whole set. */
export interface AppPaths {
  home: string;
  settingsFile: string;
  logsDir: string;
  /** Private LIMA_HOME: Clawbar's VM never mixes with the user's own Lima instances. */
  limaHome: string;
  /** Dedicated kubeconfig (mode 0600); ~/.kube/config is only touched on explicit opt-in. */
  kubeconfig: string;
  stateDir: string;
  cacheDir: string;
}

export interface PathsEnvironment {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  userHome: string;
}

export function defaultAppHome({ env, platform, userHome }: PathsEnvironment): string {
  if (platform === 'darwin') return join(userHome, 'Library', 'Application Support', 'Clawbar');
  const configHome = env.XDG_CONFIG_HOME;
  return join(configHome?.startsWith('/') ? configHome : join(userHome, '.config'), 'Clawbar');
}

/** `CLAWBAR_HOME` overrides the root (tests, demos, support); otherwise the platform's app data dir. */
export function resolveAppPaths(
  environment: PathsEnvironment = { env: process.env, platform: process.platform, userHome: homedir() },
): AppPaths {
  const override = environment.env.CLAWBAR_HOME;
  const home = override && override.trim() !== '' ? override : defaultAppHome(environment);
  return appPathsUnder(home);
}

export function appPathsUnder(home: string): AppPaths {
  return {
    home,
    settingsFile: join(home, 'settings.json'),
    logsDir: join(home, 'logs'),
    limaHome: join(home, 'lima'),
    kubeconfig: join(home, 'kubeconfig.yaml'),
    stateDir: join(home, 'state'),
    cacheDir: join(home, 'cache'),
  };
}
