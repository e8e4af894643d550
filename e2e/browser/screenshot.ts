import { join } from 'node:path';

import type { Page } from '@playwright/test';

import { screenshotDir } from './devhost';

/**
 * Saves the whole page: the control room scrolls inside its content pane, not the document, so a
 * full-page capture alone would stop at the window's bottom edge. The window is made as tall as
 * the pane's content for the capture, then given back its size.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize();
  const height = await page.evaluate(() => {
    const pane = document.querySelector('.content');
    const chrome = pane ? document.documentElement.clientHeight - pane.clientHeight : 0;
    return Math.ceil((pane?.scrollHeight ?? 0) + chrome);
  });
  const taller = viewport !== null && height > viewport.height;
  if (taller) await page.setViewportSize({ width: viewport.width, height });
  try {
    await page.screenshot({ path: join(screenshotDir, name), fullPage: true });
  } finally {
    if (taller) await page.setViewportSize(viewport);
  }
}
