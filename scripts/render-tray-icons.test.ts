import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { inflateSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { trayIconStates } from '../electron/main/tray-menu';
import { renderTrayIcon, renderTrayIcons, trayIconFileName } from './render-tray-icons';

/** Just enough of a PNG decoder to read what resvg writes: 8-bit RGBA, not interlaced. */
function decodePng(png: Buffer): { width: number; height: number; rgba: Uint8Array } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect({ bitDepth: body[8], colorType: body[9], interlace: body[12] }).toEqual({
        bitDepth: 8,
        colorType: 6,
        interlace: 0,
      });
    } else if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * 4;
  const rgba = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x] ?? 0;
      const left = x >= 4 ? (rgba[y * stride + x - 4] ?? 0) : 0;
      const up = y > 0 ? (rgba[(y - 1) * stride + x] ?? 0) : 0;
      const upLeft = x >= 4 && y > 0 ? (rgba[(y - 1) * stride + x - 4] ?? 0) : 0;
      const predictor = [0, left, up, Math.floor((left + up) / 2), paeth(left, up, upLeft)][filter ?? 0];
      rgba[y * stride + x] = (value + (predictor ?? 0)) & 0xff;
    }
  }
  return { width, height, rgba };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function alphaOf(rgba: Uint8Array): number[] {
  return Array.from({ length: rgba.length / 4 }, (_, index) => rgba[index * 4 + 3] ?? 0);
}

let outDir: string;
let files: string[];

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'clawbar-tray-'));
  files = await renderTrayIcons(undefined, outDir);
});

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('tray template icons', () => {
  it('renders every state at @1x (18 px) and @2x (36 px), named as macOS template images', () => {
    expect(files.map(file => basename(file)).sort()).toEqual(
      trayIconStates.flatMap(state => [`${state}Template.png`, `${state}Template@2x.png`]).sort(),
    );
  });

  it.each(trayIconStates)('%s: black on transparent, shaped by alpha only', async state => {
    for (const [scale, size] of [
      [1, 18],
      [2, 36],
    ] as const) {
      const { width, height, rgba } = decodePng(await readFile(join(outDir, trayIconFileName(state, scale))));
      expect({ width, height }).toEqual({ width: size, height: size });
      for (let index = 0; index < rgba.length; index += 4) {
        // Template images: macOS uses the alpha channel only, so every painted pixel is pure black.
        if ((rgba[index + 3] ?? 0) > 0)
          expect([rgba[index], rgba[index + 1], rgba[index + 2]]).toEqual([0, 0, 0]);
      }
      const alpha = alphaOf(rgba);
      const painted = alpha.filter(value => value > 0).length / alpha.length;
      expect(alpha.filter(value => value === 0).length).toBeGreaterThan(alpha.length / 3);
      expect(painted).toBeGreaterThan(0.15);
      // Only the stopped icon is faded; every other one has fully opaque strokes.
      const opaque = alpha.some(value => value === 255);
      expect(opaque).toBe(state !== 'stopped');
    }
  });

  it('draws five different icons', async () => {
    const images = await Promise.all(
      trayIconStates.map(async state =>
        Buffer.from(decodePng(await readFile(join(outDir, trayIconFileName(state, 2)))).rgba).toString(
          'base64',
        ),
      ),
    );
    expect(new Set(images).size).toBe(trayIconStates.length);
  });

  it('refuses an icon that is not 18×18 pt', () => {
    const wide =
      '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="18"><rect width="24" height="18"/></svg>';
    expect(() => renderTrayIcon(wide, 1)).toThrow(/18×18 pt/);
  });
});
