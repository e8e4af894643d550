import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { SignOptions } from '@electron/osx-sign';
import { describe, expect, it } from 'vitest';

import { limactlEntitlementsPath, needsVirtualization, sign, withLimaEntitlements } from './mac-sign';

const app = '/tmp/dist/mac-arm64/Clawbar.app';

/** What electron-builder hands the hook: its own per-file options (entitlementsInherit for helpers). */
const builderOptions: SignOptions = {
  app,
  identity: 'Developer ID Application: Example (TEAMID1234)',
  optionsForFile: () => ({
    entitlements: 'assets/entitlements.mac.plist',
    hardenedRuntime: true,
    additionalArguments: [],
  }),
};

describe('the sign hook', () => {
  it('gives the virtualization entitlements to limactl and to nothing else', () => {
    const options = withLimaEntitlements(builderOptions);
    const forFile = (file: string) => options.optionsForFile?.(join(app, file));
    expect(forFile('Contents/Resources/lima/bin/limactl')).toEqual({
      entitlements: limactlEntitlementsPath,
      hardenedRuntime: true,
      additionalArguments: [],
    });
    expect(forFile('Contents/Resources/lima/libexec/lima/lima-driver-vz')?.entitlements).toBe(
      limactlEntitlementsPath,
    );
    for (const other of [
      'Contents/MacOS/Clawbar',
      'Contents/Frameworks/Clawbar Helper (Renderer).app',
      'Contents/Frameworks/Electron Framework.framework/Versions/A/Electron Framework',
      'Contents/Resources/lima/bin/limactl.bak',
      'Contents/Resources/app.asar.unpacked/node_modules/lima/bin/limactl-evil',
    ]) {
      expect(forFile(other)?.entitlements, other).toBe('assets/entitlements.mac.plist');
    }
    // Everything else electron-builder decided passes through.
    expect(options.identity).toBe(builderOptions.identity);
    expect(options.app).toBe(app);
  });

  it('matches limactl only at its place in the bundle', () => {
    expect(needsVirtualization(`${app}/Contents/Resources/lima/bin/limactl`)).toBe(true);
    expect(needsVirtualization('/usr/local/bin/limactl')).toBe(false);
    expect(needsVirtualization(`${app}/Contents/Resources/other/lima/bin/limactl2`)).toBe(false);
  });

  it('refuses to sign a bundle without limactl', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clawbar-sign-'));
    try {
      await expect(sign({ ...builderOptions, app: join(dir, 'Clawbar.app') })).rejects.toThrow(
        /limactl is missing: run `npm run fetch:limactl`/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
