import type { PolicyToggleId } from '../../common/sandbox';
import type { AppState } from '../../common/state';
import type { Disposable } from '../services/platform/event';
import {
  buildTrayMenu,
  type TrayIconState,
  type TrayItemId,
  type TrayMenuItem,
  type TrayMenuModel,
  type TrayMenuOptions,
  type Translate,
} from './tray-menu';
import type { Rect } from './window-position';

/**
 * The tray as the reconciler sees it. electron/main/tray.ts implements it over Electron's Tray;
 * tests use a plain fake. Nothing here imports Electron.
 */
export interface TrayLike<NativeMenu> {
  setImage(icon: TrayIconState): void;
  setToolTip(text: string): void;
  /** The menu the platform opens by itself on click (Linux, whose trays report no clicks). */
  setContextMenu(menu: NativeMenu): void;
  popUpContextMenu(menu: NativeMenu): void;
  onClick(listener: () => void): Disposable;
  onRightClick(listener: () => void): Disposable;
  getBounds(): Rect;
  destroy(): void;
}

export interface TrayFactory<NativeMenu> {
  createTray(icon: TrayIconState): TrayLike<NativeMenu>;
  buildMenu(items: readonly TrayMenuItem[], onItemClick: (id: TrayItemId) => void): NativeMenu;
}

/** What the menu's items do; app.ts maps them onto the services. */
export interface TrayActions {
  startAll(): Promise<void>;
  stopAll(): Promise<void>;
  restartGateway(): Promise<void>;
  setPolicy(id: PolicyToggleId, on: boolean): Promise<void>;
  /** Opens (or focuses) the control room, next to the tray icon when its bounds are given. */
  openControlRoom(near?: Rect): void;
  openOpenClaw(): Promise<void>;
  runSelfTest(): Promise<void>;
  createDiagnostics(): Promise<void>;
  quit(): void;
}

export interface TrayReconcilerOptions<NativeMenu> {
  factory: TrayFactory<NativeMenu>;
  actions: TrayActions;
  /** Read on every render, so a language change shows on the next one (see refresh()). */
  translate: () => Translate;
  menuOptions: () => TrayMenuOptions;
  /**
   * `popup`: a click on the icon opens the control room near it, a right click (or control-click)
   * opens the menu (macOS, Windows). `context`: the platform opens the menu on click (Linux).
   */
  menuMode: 'popup' | 'context';
  /** An action failed: the reconciler never lets a rejection escape. */
  onActionError: (id: TrayItemId, error: unknown) => void;
}

/**
 * One reconciler for the tray: render(state) computes the menu model and touches only what
 * changed (icon, tooltip, menu), so a stream of AppState snapshots does not rebuild the native
 * menu, nor flicker the icon, when nothing the tray shows moved. Item clicks are dispatched
 * against the latest model, never a stale one.
 */
export class TrayReconciler<NativeMenu> implements Disposable {
  private tray: TrayLike<NativeMenu> | undefined;
  private current: TrayMenuModel | undefined;
  private itemsKey = '';
  private nativeMenu: NativeMenu | undefined;
  private lastState: AppState | undefined;
  private readonly subscriptions: Disposable[] = [];
  private disposed = false;

  constructor(private readonly options: TrayReconcilerOptions<NativeMenu>) {}

  /** The model last rendered (the e2e hook reads it). */
  get model(): TrayMenuModel | undefined {
    return this.current;
  }

  render(state: AppState): void {
    if (this.disposed) return;
    this.lastState = state;
    const model = buildTrayMenu(state, this.options.translate(), this.options.menuOptions());
    const previous = this.current;
    this.current = model;
    let tray = this.tray;
    if (!tray) {
      tray = this.options.factory.createTray(model.icon);
      this.tray = tray;
      this.subscriptions.push(
        tray.onClick(() => {
          this.onIconClick();
        }),
        tray.onRightClick(() => {
          this.openMenu();
        }),
      );
    } else if (previous?.icon !== model.icon) {
      tray.setImage(model.icon);
    }
    if (previous?.tooltip !== model.tooltip) tray.setToolTip(model.tooltip);
    const itemsKey = JSON.stringify(model.items);
    if (itemsKey !== this.itemsKey) {
      this.itemsKey = itemsKey;
      const menu = this.options.factory.buildMenu(model.items, id => {
        this.dispatch(id);
      });
      this.nativeMenu = menu;
      if (this.options.menuMode === 'context') tray.setContextMenu(menu);
    }
  }

  /** Renders the last state again: the language or the menu options changed. */
  refresh(): void {
    if (this.lastState) this.render(this.lastState);
  }

  /**
   * Runs the action of an item of the current model; false when there is no such item or it is
   * disabled (Electron never clicks a disabled item, but the e2e hook could).
   */
  dispatch(id: TrayItemId): boolean {
    const item = this.current ? findItem(this.current.items, id) : undefined;
    if (this.disposed || !item?.enabled) return false;
    const { actions } = this.options;
    const run = (action: () => Promise<void> | void): void => {
      try {
        void Promise.resolve(action()).catch((error: unknown) => {
          this.options.onActionError(id, error);
        });
      } catch (error) {
        this.options.onActionError(id, error);
      }
    };
    if (id.startsWith('policy:')) {
      const policy = id.slice('policy:'.length) as PolicyToggleId;
      run(() => actions.setPolicy(policy, !item.checked));
      return true;
    }
    switch (id) {
      case 'start-all':
        run(() => actions.startAll());
        return true;
      case 'stop-all':
        run(() => actions.stopAll());
        return true;
      case 'restart-gateway':
        run(() => actions.restartGateway());
        return true;
      case 'open-control-room':
        run(() => {
          actions.openControlRoom(this.trayBounds());
        });
        return true;
      case 'open-openclaw':
        run(() => actions.openOpenClaw());
        return true;
      case 'run-self-test':
        run(() => actions.runSelfTest());
        return true;
      case 'create-diagnostics':
        run(() => actions.createDiagnostics());
        return true;
      case 'quit':
        run(() => {
          actions.quit();
        });
        return true;
      default:
        return false;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.tray?.destroy();
    this.tray = undefined;
  }

  private onIconClick(): void {
    if (this.options.menuMode === 'context') return;
    try {
      this.options.actions.openControlRoom(this.trayBounds());
    } catch (error) {
      this.options.onActionError('open-control-room', error);
    }
  }

  private openMenu(): void {
    if (this.tray && this.nativeMenu !== undefined) this.tray.popUpContextMenu(this.nativeMenu);
  }

  private trayBounds(): Rect | undefined {
    return this.tray?.getBounds();
  }
}

function findItem(items: readonly TrayMenuItem[], id: TrayItemId): TrayMenuItem | undefined {
  for (const item of items) {
    if (item.id === id) return item;
    const nested = item.submenu ? findItem(item.submenu, id) : undefined;
    if (nested) return nested;
  }
  return undefined;
}
