import { expect, test } from '@playwright/test';

import { clickTrayItem, launchClawbar } from './launch';

test('the control room gets the frozen preload api and the live state, and nothing of Node', async () => {
  const app = await launchClawbar();
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('region', { name: 'Virtual machine' })).toBeVisible();
    const api = await page.evaluate(() => ({
      frozen: Object.isFrozen(window.api),
      node: typeof (window as unknown as { require?: unknown }).require,
      url: window.location.href,
    }));
    expect(api).toEqual({ frozen: true, node: 'undefined', url: 'clawbar://app/index.html' });
  } finally {
    await app.close();
  }
});

test('opening the control room again focuses the open window instead of a second one', async () => {
  const app = await launchClawbar();
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('region', { name: 'Virtual machine' })).toBeVisible();
    expect(await clickTrayItem(app, 'open-control-room')).toBe(true);
    await expect
      .poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getFocusedWindow() !== null))
      .toBe(true);
    expect(app.windows()).toHaveLength(1);
  } finally {
    await app.close();
  }
});

test('a closed control room leaves the app in the menu bar, and the tray opens it again', async () => {
  const app = await launchClawbar();
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('region', { name: 'Virtual machine' })).toBeVisible();
    await page.close();
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(0);
    const reopened = app.waitForEvent('window');
    expect(await clickTrayItem(app, 'open-control-room')).toBe(true);
    await expect((await reopened).getByRole('region', { name: 'Virtual machine' })).toBeVisible();
  } finally {
    await app.close();
  }
});
