import { expect, test } from '@playwright/test';

import type { TrayMenuModel } from '../../electron/main/tray-menu';
import { clickTrayItem, launchClawbar, trayMenu } from './launch';

const labels = (model: TrayMenuModel) =>
  model.items.filter(item => item.type !== 'separator').map(item => item.label);
const item = (model: TrayMenuModel, id: string) => model.items.find(entry => entry.id === id);

test('the tray menu shows the state of a first run and every command', async () => {
  const app = await launchClawbar();
  try {
    // A fresh home has no VM: the stopped icon, and nothing to start until setup ran.
    await expect
      .poll(async () => (await trayMenu(app)).tooltip)
      .toBe('Clawbar: OpenClaw is not installed yet');
    const model = await trayMenu(app);
    expect(model.icon).toBe('stopped');
    expect(labels(model)).toEqual(
      expect.arrayContaining([
        'Start all',
        'Stop all',
        'Restart OpenClaw',
        'Internet through the proxy',
        'Local models on this Mac',
        'Open Control Room',
        'Open OpenClaw',
        'Run self-test',
        'Quit Clawbar',
      ]),
    );
    expect(labels(model).filter(label => label.startsWith('Virtual machine: '))).toHaveLength(1);
    expect(item(model, 'start-all')?.enabled).toBe(false);
    expect(item(model, 'stop-all')?.enabled).toBe(false);
    expect(item(model, 'open-openclaw')?.enabled).toBe(false);
    expect(item(model, 'open-control-room')?.enabled).toBe(true);
    expect(item(model, 'policy:internet')).toMatchObject({ type: 'checkbox', checked: true, enabled: false });
    // A disabled item does nothing, whoever clicks it.
    expect(await clickTrayItem(app, 'stop-all')).toBe(false);
  } finally {
    await app.close();
  }
});

test('the tray speaks the language of the settings', async () => {
  const app = await launchClawbar({ settings: { language: 'fr' } });
  try {
    await expect
      .poll(async () => (await trayMenu(app)).tooltip)
      .toBe("Clawbar : OpenClaw n'est pas encore installé");
    expect(labels(await trayMenu(app))).toEqual(expect.arrayContaining(['Tout démarrer', 'Quitter Clawbar']));
  } finally {
    await app.close();
  }
});

test('Quit in the tray menu quits the app', async () => {
  const app = await launchClawbar();
  const closed = app.waitForEvent('close');
  await trayMenu(app);
  expect(await clickTrayItem(app, 'quit')).toBe(true);
  await closed;
});
