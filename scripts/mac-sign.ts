import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { signAsync, type SignOptions } from '@electron/osx-sign';

/**
 * electron-builder's `mac.sign` hook (electron-builder.yml). electron-builder gives every file of
 * the bundle the app's entitlements (the helpers and any other Mach-O get `entitlementsInherit`),
 * with no per-file choice. The bundled limactl is the one program that needs more: it runs the VM
 * through Apple's Virtualization.framework, which only starts for a binary signed with
 * `com.apple.security.virtualization`. So this hook passes electron-builder's own signing options
 * to @electron/osx-sign unchanged, except for limactl (and Lima's vz driver, should a release
 * ship it separately), which get assets/entitlements.limactl.plist. The app itself never has the
 * virtualization entitlement.
 *
 * Runs under tsx: `npm run dist` starts electron-builder with `node --import tsx`.
 */
const root = resolve(import.meta.dirname, '..');

export const limactlEntitlementsPath = join(root, 'assets', 'entitlements.limactl.plist');

/** Inside the bundle, relative to Contents/Resources: where scripts/fetch-limactl.ts's layout lands. */
export const bundledLimactl = join('lima', 'bin', 'limactl');

/** The Mach-O files of the bundled Lima that talk to Virtualization.framework. */
export function needsVirtualization(file: string): boolean {
  return /\/Contents\/Resources\/lima\/(bin\/limactl|libexec\/lima\/lima-driver-vz)$/.test(file);
}

/** electron-builder's options, with the virtualization entitlements for Lima's binaries only. */
export function withLimaEntitlements(
  options: SignOptions,
  entitlements = limactlEntitlementsPath,
): SignOptions {
  const base = options.optionsForFile;
  return {
    ...options,
    optionsForFile: file => {
      const defaults = base?.(file) ?? {};
      return needsVirtualization(file) ? { ...defaults, entitlements, hardenedRuntime: true } : defaults;
    },
  };
}

export async function sign(options: SignOptions): Promise<void> {
  const limactl = join(options.app, 'Contents', 'Resources', bundledLimactl);
  // Without limactl in the bundle the app cannot run its VM: refuse to sign (and ship) it.
  if (!existsSync(limactl)) {
    throw new Error(`${limactl} is missing: run \`npm run fetch:limactl\` before packaging.`);
  }
  await signAsync(withLimaEntitlements(options));
}

export default sign;
