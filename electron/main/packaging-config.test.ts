import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '../..');

interface BuilderConfig {
  asar?: boolean;
  mac?: {
    hardenedRuntime?: boolean;
    entitlements?: string;
    extendInfo?: Record<string, unknown>;
    extraResources?: { from: string; to: string }[];
  };
  electronFuses?: Record<string, boolean>;
}

describe('electron-builder.yml', () => {
  it('flips every security fuse', async () => {
    const config = parse(await readFile(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.asar).toBe(true);
  });

  it('ships a hardened-runtime menu-bar app', async () => {
    const config = parse(await readFile(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
    expect(config.mac?.hardenedRuntime).toBe(true);
    expect(config.mac?.extendInfo?.LSUIElement).toBe(true);
    expect(config.mac?.entitlements).toBe('assets/entitlements.mac.plist');
  });
});

describe('bundled limactl', () => {
  it('ships the fetched Lima of the build architecture as Resources/lima', async () => {
    const config = parse(await readFile(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
    expect(config.mac?.extraResources).toContainEqual(
      expect.objectContaining({ from: 'build/lima/${arch}', to: 'lima' }),
    );
  });

  it('is fetched when packaging, and never when installing', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.dist).toMatch(/^npm run -s fetch:limactl && /);
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare', 'pretest'])
      expect(pkg.scripts[hook]).toBeUndefined();
  });
});

describe('app entitlements', () => {
  it('grant JIT only, none of the entitlements that weaken the hardened runtime', async () => {
    const plist = await readFile(join(root, 'assets/entitlements.mac.plist'), 'utf8');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map(match => match[1]);
    expect(keys).toEqual(['com.apple.security.cs.allow-jit']);
  });
});
