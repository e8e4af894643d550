import { join } from 'node:path';

import { ClawbarError } from '../../../common/errors';
import type { limactlSources } from '../../../common/vm-model';
import { ExecError, type ExecRunner } from '../platform/exec';
import { compareVersions, parseLimactlVersion } from './limactl-output';

/** `base:` templates and the JSON formats Clawbar reads arrived in Lima 2.0. */
export const minimumLimactlVersion = '2.0.0';

export interface LimactlInfo {
  path: string;
  version: string;
  source: (typeof limactlSources)[number];
}

export interface LimactlLocatorOptions {
  exec: ExecRunner;
  /** The app's bundled Lima (`<resources>/lima`, holding bin/limactl and share/lima); absent in dev. */
  bundledLimaDir?: string | undefined;
  /** The path set in Settings, read at each lookup. */
  settingsPath: () => string | null;
  versionTimeoutMs?: number;
}

/**
 * Finds limactl: the one bundled in the app's resources, else the path from Settings (an explicit
 * choice wins over the bundled one), else PATH (with the macOS GUI PATH fix the exec runner
 * applies). Then checks its version. The answer is cached until the candidate changes.
 */
export class LimactlLocator {
  private cached: { candidate: string; info: LimactlInfo } | undefined;

  constructor(private readonly options: LimactlLocatorOptions) {}

  invalidate(): void {
    this.cached = undefined;
  }

  async locate(): Promise<LimactlInfo> {
    const { path, source } = await this.candidate();
    if (this.cached?.candidate === path) return this.cached.info;
    const version = await this.version(path);
    if (compareVersions(version, minimumLimactlVersion) < 0) {
      throw new ClawbarError(
        'vm-limactl-unsupported',
        `limactl ${version} at ${path} is too old: Clawbar needs ${minimumLimactlVersion} or later.`,
      );
    }
    const info: LimactlInfo = { path, version, source };
    this.cached = { candidate: path, info };
    return info;
  }

  private async candidate(): Promise<{ path: string; source: LimactlInfo['source'] }> {
    const fromSettings = this.options.settingsPath();
    if (fromSettings) {
      const found = await this.options.exec.which(fromSettings);
      if (!found) {
        throw new ClawbarError(
          'vm-limactl-not-found',
          `The limactl set in Settings (${fromSettings}) does not exist or is not executable.`,
        );
      }
      return { path: found, source: 'settings' };
    }
    if (this.options.bundledLimaDir) {
      const bundled = await this.options.exec.which(join(this.options.bundledLimaDir, 'bin', 'limactl'));
      if (bundled) return { path: bundled, source: 'bundled' };
    }
    const onPath = await this.options.exec.which('limactl');
    if (onPath) return { path: onPath, source: 'path' };
    throw new ClawbarError(
      'vm-limactl-not-found',
      'limactl was not found: not bundled with this build, not set in Settings, not on PATH.',
    );
  }

  private async version(path: string): Promise<string> {
    let stdout: string;
    try {
      ({ stdout } = await this.options.exec.run(path, ['--version'], {
        timeoutMs: this.options.versionTimeoutMs ?? 15_000,
      }));
    } catch (error) {
      const detail = error instanceof ExecError ? error.message : String(error);
      throw new ClawbarError('vm-limactl-unsupported', `${path} --version failed: ${detail}`, undefined, {
        cause: error,
      });
    }
    const version = parseLimactlVersion(stdout);
    if (!version) {
      throw new ClawbarError(
        'vm-limactl-unsupported',
        `${path} --version printed no version: ${JSON.stringify(stdout.slice(0, 200))}`,
      );
    }
    return version;
  }
}
