import { join } from 'node:path';

import { Menu, nativeImage, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron';

import type { Logger } from '../services/platform/log';
import { toDisposable } from '../services/platform/event';
import type { TrayIconState, TrayItemId, TrayMenuItem } from './tray-menu';
import type { TrayFactory, TrayLike } from './tray-reconciler';

/**
 * The only place the tray touches Electron: Tray, Menu and nativeImage behind the reconciler's
 * TrayFactory. The icons are the template PNGs scripts/render-tray-icons.ts renders to build/tray
 * (Resources/tray in the packaged app); `…Template.png` makes nativeImage a template image and
 * picks up the @2x file beside it.
 */
export function trayIconDir(app: { isPackaged: boolean; getAppPath(): string }): string {
  return app.isPackaged ? join(process.resourcesPath, 'tray') : join(app.getAppPath(), 'build', 'tray');
}

/** Menu.buildFromTemplate returns the base Electron.Menu, not the re-exported subclass. */
type NativeMenu = Electron.Menu;

export function electronTrayFactory(iconDir: string, log: Logger): TrayFactory<NativeMenu> {
  const images = new Map<TrayIconState, NativeImage>();
  const image = (state: TrayIconState): NativeImage => {
    let loaded = images.get(state);
    if (!loaded) {
      loaded = nativeImage.createFromPath(join(iconDir, `${state}Template.png`));
      if (loaded.isEmpty()) {
        log.error('Tray icon missing: run `npm run build` (scripts/render-tray-icons.ts)', {
          iconDir,
          state,
        });
      }
      loaded.setTemplateImage(true);
      images.set(state, loaded);
    }
    return loaded;
  };
  return {
    createTray: icon => wrapTray(new Tray(image(icon)), icon, image),
    buildMenu: (items, onItemClick) =>
      Menu.buildFromTemplate(items.map(item => toTemplate(item, onItemClick))),
  };
}

function wrapTray(
  tray: Tray,
  initial: TrayIconState,
  image: (state: TrayIconState) => NativeImage,
): TrayLike<NativeMenu> {
  // A double click must not open the control room twice.
  if (process.platform === 'darwin') tray.setIgnoreDoubleClickEvents(true);
  const showTitleIfNoIcon = (state: TrayIconState): void => {
    // Without its icon the tray would be invisible on macOS: show the name instead.
    if (process.platform === 'darwin') tray.setTitle(image(state).isEmpty() ? 'Clawbar' : '');
  };
  showTitleIfNoIcon(initial);
  return {
    setImage: state => {
      tray.setImage(image(state));
      showTitleIfNoIcon(state);
    },
    setToolTip: text => {
      tray.setToolTip(text);
    },
    setContextMenu: menu => {
      tray.setContextMenu(menu);
    },
    popUpContextMenu: menu => {
      tray.popUpContextMenu(menu);
    },
    onClick: listener => {
      const handler = (): void => {
        listener();
      };
      tray.on('click', handler);
      return toDisposable(() => tray.off('click', handler));
    },
    onRightClick: listener => {
      const handler = (): void => {
        listener();
      };
      tray.on('right-click', handler);
      return toDisposable(() => tray.off('right-click', handler));
    },
    getBounds: () => tray.getBounds(),
    destroy: () => {
      tray.destroy();
    },
  };
}

function toTemplate(item: TrayMenuItem, onItemClick: (id: TrayItemId) => void): MenuItemConstructorOptions {
  if (item.type === 'separator') return { type: 'separator' };
  return {
    id: item.id,
    label: item.label,
    type: item.type,
    enabled: item.enabled,
    ...(item.checked === undefined ? {} : { checked: item.checked }),
    // Shown as a hint; the tray menu must not grab these shortcuts app-wide.
    ...(item.accelerator ? { accelerator: item.accelerator, registerAccelerator: false } : {}),
    ...(item.submenu ? { submenu: item.submenu.map(child => toTemplate(child, onItemClick)) } : {}),
    click: () => {
      onItemClick(item.id);
    },
  };
}
