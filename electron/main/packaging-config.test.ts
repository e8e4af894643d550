import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { isDict, parsePlist, type PlistDict } from '../services/metrics/plist';

const root = join(import.meta.dirname, '../..');

interface Resource {
  from: string;
  to: string;
  filter?: string[];
}

interface BuilderConfig {
  asar?: boolean;
  extraResources?: Resource[];
  mac?: {
    hardenedRuntime?: boolean;
    entitlements?: string;
    entitlementsInherit?: string;
    sign?: string;
    notarize?: boolean;
    identity?: string | null;
    extendInfo?: Record<string, unknown>;
    extraResources?: Resource[];
    target?: { target: string; arch: string[] }[];
  };
  linux?: { target?: string };
  electronFuses?: Record<string, boolean>;
}

async function builderConfig(): Promise<BuilderConfig> {
  return parse(await readFile(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}

async function scripts(): Promise<Record<string, string>> {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return pkg.scripts;
}

async function entitlements(file: string): Promise<{ keys: PlistDict; justified: string[]; text: string }> {
  const text = await readFile(join(root, file), 'utf8');
  const parsed = parsePlist(text);
  if (!isDict(parsed)) throw new Error(`${file} is not a dict`);
  // Every entitlement carries its reason: an XML comment right before its <key>.
  const justified = [...text.matchAll(/<!--(?:(?!-->)[\s\S])*-->\s*<key>([^<]+)<\/key>/g)].map(
    match => match[1] ?? '',
  );
  return { keys: parsed, justified, text };
}

/** Entitlements that weaken the hardened runtime; none may appear without a reason Clawbar has. */
const weakening = [
  'com.apple.security.cs.disable-library-validation',
  'com.apple.security.cs.allow-unsigned-executable-memory',
  'com.apple.security.cs.allow-dyld-environment-variables',
  'com.apple.security.cs.disable-executable-page-protection',
  'com.apple.security.cs.debugger',
  'com.apple.security.get-task-allow',
];

describe('electron-builder.yml', () => {
  it('is a valid electron-builder 26 configuration', async () => {
    const { validateConfiguration } = (await import('app-builder-lib/out/util/config/config.js')) as {
      validateConfiguration: (config: unknown, logger: unknown) => Promise<void>;
    };
    const { DebugLogger } = (await import('builder-util')) as {
      DebugLogger: new (enabled: boolean) => unknown;
    };
    await expect(
      validateConfiguration(await builderConfig(), new DebugLogger(false)),
    ).resolves.toBeUndefined();
  });

  it('flips every security fuse', async () => {
    const config = await builderConfig();
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
      resetAdHocDarwinSignature: true,
    });
    expect(config.asar).toBe(true);
  });

  it('ships a hardened-runtime menu-bar app for both Mac architectures', async () => {
    const config = await builderConfig();
    expect(config.mac?.hardenedRuntime).toBe(true);
    expect(config.mac?.extendInfo?.LSUIElement).toBe(true);
    expect(config.mac?.entitlements).toBe('assets/entitlements.mac.plist');
    expect(config.mac?.entitlementsInherit).toBe('assets/entitlements.mac.plist');
    expect(config.mac?.target).toEqual([{ target: 'dmg', arch: ['arm64', 'x64'] }]);
    // Signing is never switched off in the file: the identity comes from the environment (CSC_LINK).
    expect(config.mac).not.toHaveProperty('identity');
    expect(config.linux?.target).toBe('AppImage');
  });

  it('notarizes with the credentials of the environment, never ones written in the file', async () => {
    const config = await builderConfig();
    expect(config.mac?.notarize).toBe(true);
    const text = await readFile(join(root, 'electron-builder.yml'), 'utf8');
    expect(text).not.toMatch(/appleId|appleIdPassword|teamId|apiKey/i);
  });

  it('ships the manifests and the rendered tray icons as resources', async () => {
    const config = await builderConfig();
    expect(config.extraResources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from: 'manifests', to: 'manifests' }),
        { from: 'build/tray', to: 'tray', filter: ['*.png'] },
      ]),
    );
  });
});

describe('bundled limactl', () => {
  it('ships the fetched Lima of the build architecture as Resources/lima', async () => {
    const config = await builderConfig();
    expect(config.mac?.extraResources).toContainEqual(
      expect.objectContaining({ from: 'build/lima/${arch}', to: 'lima' }),
    );
  });

  it('is signed with its own entitlements by the sign hook', async () => {
    const config = await builderConfig();
    expect(config.mac?.sign).toBe('./scripts/mac-sign.ts');
    expect(existsSync(join(root, config.mac?.sign ?? ''))).toBe(true);
    const { limactlEntitlementsPath } = await import('../../scripts/mac-sign');
    expect(limactlEntitlementsPath).toBe(join(root, 'assets/entitlements.limactl.plist'));
  });

  it('is fetched when packaging, and never when installing', async () => {
    const all = await scripts();
    expect(all.dist).toMatch(/^npm run -s fetch:limactl && /);
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare', 'pretest'])
      expect(all[hook]).toBeUndefined();
  });
});

describe('npm run dist and build', () => {
  it('builds (tray icons included) and runs electron-builder under tsx, which loads the TypeScript sign hook', async () => {
    const all = await scripts();
    expect(all.dist).toContain('npm run -s build && ');
    expect(all.dist).toMatch(
      /node --import tsx node_modules\/electron-builder\/cli\.js --config electron-builder\.yml$/,
    );
    expect(all.build).toMatch(/^npm run -s build:tray-icons && electron-vite build$/);
    expect(all['build:tray-icons']).toBe('tsx scripts/render-tray-icons.ts');
  });
});

describe('entitlements', () => {
  it('the app gets JIT only, with its reason', async () => {
    const app = await entitlements('assets/entitlements.mac.plist');
    expect(app.keys).toEqual({ 'com.apple.security.cs.allow-jit': true });
    expect(app.justified).toEqual(Object.keys(app.keys));
    for (const key of [...weakening, 'com.apple.security.virtualization'])
      expect(Object.keys(app.keys)).not.toContain(key);
  });

  it('limactl gets virtualization only, with its reason', async () => {
    const limactl = await entitlements('assets/entitlements.limactl.plist');
    expect(limactl.keys).toEqual({ 'com.apple.security.virtualization': true });
    expect(limactl.justified).toEqual(Object.keys(limactl.keys));
    for (const key of weakening) expect(Object.keys(limactl.keys)).not.toContain(key);
  });
});
