import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { Resvg } from '@resvg/resvg-js';

import { trayIconStates, type TrayIconState } from '../electron/main/tray-menu';

/**
 * Build time (`npm run build`, `npm start`, `npm run dist`): renders the tray template icons drawn
 * in assets/tray/<state>.svg (18×18 pt) to build/tray/<state>Template.png (18×18 px) and
 * <state>Template@2x.png (36×36 px). The `Template` suffix makes Electron's nativeImage mark them
 * as template images, which macOS tints for light and dark menu bars; electron-builder ships
 * build/tray as Resources/tray.
 */
export const trayIconPoints = 18;
export const trayIconScales = [1, 2] as const;

const root = resolve(import.meta.dirname, '..');

export function trayIconFileName(state: TrayIconState, scale: (typeof trayIconScales)[number]): string {
  return `${state}Template${scale === 1 ? '' : `@${scale}x`}.png`;
}

/** One SVG at one scale, as PNG bytes. */
export function renderTrayIcon(svg: string, scale: number): Buffer {
  const rendered = new Resvg(svg, {
    fitTo: { mode: 'width', value: trayIconPoints * scale },
    // Icons are shapes only: no text, so no system fonts to look up.
    font: { loadSystemFonts: false },
  }).render();
  if (rendered.width !== trayIconPoints * scale || rendered.height !== trayIconPoints * scale) {
    throw new Error(
      `A tray icon must be ${trayIconPoints}×${trayIconPoints} pt; this one renders to ${rendered.width}×${rendered.height} at @${scale}x.`,
    );
  }
  return rendered.asPng();
}

export async function renderTrayIcons(
  sourceDir = join(root, 'assets', 'tray'),
  outDir = join(root, 'build', 'tray'),
): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const state of trayIconStates) {
    const source = join(sourceDir, `${state}.svg`);
    const svg = await readFile(source, 'utf8').catch((error: unknown) => {
      throw new Error(`The tray icon ${source} is missing: ${String(error)}`);
    });
    for (const scale of trayIconScales) {
      const file = join(outDir, trayIconFileName(state, scale));
      await writeFile(file, renderTrayIcon(svg, scale));
      written.push(file);
    }
  }
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  renderTrayIcons().then(
    files => process.stdout.write(`Rendered ${files.length} tray icons to build/tray\n`),
    (error: unknown) => {
      process.stderr.write(`render-tray-icons: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
