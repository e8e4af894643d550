import { describe, expect, it, vi } from 'vitest';

import { translate, type Language } from '../../common/i18n';
import { toDisposable } from '../services/platform/event';
import { runningState, stoppedState, withComponents, withPolicy } from './test-support/app-states';
import type { TrayIconState, TrayItemId, TrayMenuItem } from './tray-menu';
import { TrayReconciler, type TrayActions, type TrayFactory, type TrayLike } from './tray-reconciler';

/** A native menu as the fake factory builds it: the items, and a way to click one like Electron. */
interface FakeMenu {
  serial: number;
  items: readonly TrayMenuItem[];
  click(id: TrayItemId): void;
}

function fakeTray() {
  const calls: string[] = [];
  let click: (() => void) | undefined;
  let rightClick: (() => void) | undefined;
  const popups: FakeMenu[] = [];
  const bounds = { x: 700, y: 0, width: 24, height: 24 };
  let icon: TrayIconState | undefined;
  let tooltip: string | undefined;
  let contextMenu: FakeMenu | undefined;
  let destroyed = false;
  let menus = 0;
  const trays: TrayLike<FakeMenu>[] = [];
  const factory: TrayFactory<FakeMenu> = {
    createTray: initial => {
      calls.push(`create ${initial}`);
      icon = initial;
      const tray: TrayLike<FakeMenu> = {
        setImage: next => {
          calls.push(`image ${next}`);
          icon = next;
        },
        setToolTip: text => {
          calls.push('tooltip');
          tooltip = text;
        },
        setContextMenu: menu => {
          calls.push('context-menu');
          contextMenu = menu;
        },
        popUpContextMenu: menu => popups.push(menu),
        onClick: listener => {
          click = listener;
          return toDisposable(() => (click = undefined));
        },
        onRightClick: listener => {
          rightClick = listener;
          return toDisposable(() => (rightClick = undefined));
        },
        getBounds: () => bounds,
        destroy: () => {
          destroyed = true;
        },
      };
      trays.push(tray);
      return tray;
    },
    buildMenu: (items, onItemClick) => {
      calls.push('menu');
      return { serial: ++menus, items, click: onItemClick };
    },
  };
  return {
    factory,
    calls,
    trays,
    popups,
    bounds,
    click: () => click?.(),
    rightClick: () => rightClick?.(),
    get icon() {
      return icon;
    },
    get tooltip() {
      return tooltip;
    },
    get contextMenu() {
      return contextMenu;
    },
    get destroyed() {
      return destroyed;
    },
    get subscribed() {
      return click !== undefined && rightClick !== undefined;
    },
  };
}

function fakeActions() {
  return {
    startAll: vi.fn(() => Promise.resolve()),
    stopAll: vi.fn(() => Promise.resolve()),
    restartGateway: vi.fn(() => Promise.resolve()),
    setPolicy: vi.fn((_id: string, _on: boolean) => Promise.resolve()),
    openControlRoom: vi.fn((_near?: unknown) => undefined),
    openOpenClaw: vi.fn(() => Promise.resolve()),
    runSelfTest: vi.fn(() => Promise.resolve()),
    createDiagnostics: vi.fn(() => Promise.resolve()),
    quit: vi.fn(() => undefined),
  } satisfies TrayActions;
}

function setup(menuMode: 'popup' | 'context' = 'popup') {
  const tray = fakeTray();
  const actions = fakeActions();
  let language: Language = 'en';
  const onActionError = vi.fn();
  const reconciler = new TrayReconciler({
    factory: tray.factory,
    actions,
    translate: () => (key, values) => translate(language, key, values),
    menuOptions: () => ({ selfTestAvailable: true, selfTestRunning: false }),
    menuMode,
    onActionError,
  });
  return {
    tray,
    actions,
    reconciler,
    onActionError,
    setLanguage: (next: Language) => (language = next),
    lastMenu: (): FakeMenu => {
      const menu = tray.popups.at(-1);
      if (!menu) throw new Error('no menu opened');
      return menu;
    },
  };
}

describe('TrayReconciler.render', () => {
  it('creates the tray once, with the icon, tooltip and menu of the first state', () => {
    const { tray, reconciler } = setup();
    reconciler.render(runningState());
    expect(tray.calls).toEqual(['create running', 'tooltip', 'menu']);
    expect(tray.icon).toBe('running');
    expect(tray.tooltip).toBe('Clawbar: Everything is running');
    expect(reconciler.model?.icon).toBe('running');
  });

  it('touches nothing when a new snapshot changes nothing the tray shows', () => {
    const { tray, reconciler } = setup();
    reconciler.render(runningState());
    tray.calls.length = 0;
    reconciler.render({ ...runningState(), revision: 2 });
    reconciler.render({ ...runningState(), revision: 3, metrics: runningState().metrics });
    expect(tray.calls).toEqual([]);
    expect(tray.trays).toHaveLength(1);
  });

  it('updates only the menu when only a label changed', () => {
    const { tray, reconciler } = setup();
    reconciler.render(runningState());
    tray.calls.length = 0;
    reconciler.render(withComponents(runningState(), { ollama: 'stopped' }));
    expect(tray.calls).toEqual(['menu']);
  });

  it('updates icon, tooltip and menu when the overall state changes', () => {
    const { tray, reconciler } = setup();
    reconciler.render(runningState());
    tray.calls.length = 0;
    reconciler.render(stoppedState());
    expect(tray.calls).toEqual(['image stopped', 'tooltip', 'menu']);
    expect(tray.icon).toBe('stopped');
    expect(tray.tooltip).toBe('Clawbar: Stopped');
  });

  it('refresh() renders the last state again in the new language', () => {
    const { tray, reconciler, setLanguage } = setup();
    reconciler.render(runningState());
    tray.calls.length = 0;
    setLanguage('fr');
    reconciler.refresh();
    expect(tray.calls).toEqual(['tooltip', 'menu']);
    expect(tray.tooltip).toBe('Clawbar : Tout fonctionne');
  });

  it('context mode hands every new menu to the tray; popup mode never does', () => {
    const context = setup('context');
    context.reconciler.render(runningState());
    context.reconciler.render(stoppedState());
    expect(context.tray.calls.filter(call => call === 'context-menu')).toHaveLength(2);
    expect(context.tray.contextMenu?.serial).toBe(2);
    const popup = setup('popup');
    popup.reconciler.render(runningState());
    expect(popup.tray.contextMenu).toBeUndefined();
  });
});

describe('TrayReconciler clicks', () => {
  it('a click on the icon opens the control room near it; a right click opens the latest menu', () => {
    const { tray, actions, reconciler, lastMenu } = setup();
    reconciler.render(runningState());
    reconciler.render(stoppedState());
    tray.click();
    expect(actions.openControlRoom).toHaveBeenCalledWith(tray.bounds);
    tray.rightClick();
    expect(lastMenu().serial).toBe(2);
  });

  it('in context mode the platform owns clicks: the icon click does nothing itself', () => {
    const { tray, actions, reconciler } = setup('context');
    reconciler.render(runningState());
    tray.click();
    expect(actions.openControlRoom).not.toHaveBeenCalled();
  });

  it('dispatches each item to its action', () => {
    const { tray, actions, reconciler, lastMenu } = setup();
    reconciler.render(runningState());
    tray.rightClick();
    const menu = lastMenu();
    for (const id of [
      'stop-all',
      'restart-gateway',
      'open-openclaw',
      'run-self-test',
      'create-diagnostics',
      'quit',
    ] as const)
      menu.click(id);
    menu.click('open-control-room');
    expect(actions.stopAll).toHaveBeenCalledOnce();
    expect(actions.restartGateway).toHaveBeenCalledOnce();
    expect(actions.openOpenClaw).toHaveBeenCalledOnce();
    expect(actions.runSelfTest).toHaveBeenCalledOnce();
    expect(actions.createDiagnostics).toHaveBeenCalledOnce();
    expect(actions.quit).toHaveBeenCalledOnce();
    expect(actions.openControlRoom).toHaveBeenCalledWith(tray.bounds);
    reconciler.render(stoppedState());
    expect(reconciler.dispatch('start-all')).toBe(true);
    expect(actions.startAll).toHaveBeenCalledOnce();
  });

  it('a toggle click asks for the opposite of what the latest model shows', () => {
    const { actions, reconciler } = setup();
    reconciler.render(runningState());
    reconciler.dispatch('policy:internet');
    expect(actions.setPolicy).toHaveBeenLastCalledWith('internet', false);
    reconciler.render(withPolicy(runningState(), 'internet', { desired: false, server: 'off' }));
    reconciler.dispatch('policy:internet');
    expect(actions.setPolicy).toHaveBeenLastCalledWith('internet', true);
  });

  it('a menu built for an old state acts on the current one: a now-disabled item does nothing', () => {
    const { tray, actions, reconciler, lastMenu } = setup();
    reconciler.render(runningState());
    tray.rightClick();
    const oldMenu = lastMenu();
    reconciler.render(stoppedState());
    oldMenu.click('stop-all');
    expect(actions.stopAll).not.toHaveBeenCalled();
    expect(reconciler.dispatch('stop-all')).toBe(false);
    expect(reconciler.dispatch('health')).toBe(false);
  });

  it('reports a failing action instead of letting it escape', async () => {
    const { actions, reconciler, onActionError } = setup();
    const failure = new Error('vm-busy');
    actions.stopAll.mockImplementation(() => Promise.reject(failure));
    actions.quit.mockImplementation(() => {
      throw failure;
    });
    reconciler.render(runningState());
    reconciler.dispatch('stop-all');
    reconciler.dispatch('quit');
    await vi.waitFor(() => expect(onActionError).toHaveBeenCalledTimes(2));
    expect(onActionError).toHaveBeenCalledWith('stop-all', failure);
    expect(onActionError).toHaveBeenCalledWith('quit', failure);
  });
});

describe('TrayReconciler.dispose', () => {
  it('destroys the tray, drops its listeners and ignores later renders and clicks', () => {
    const { tray, actions, reconciler } = setup();
    reconciler.render(runningState());
    reconciler.dispose();
    expect(tray.destroyed).toBe(true);
    expect(tray.subscribed).toBe(false);
    tray.calls.length = 0;
    reconciler.render(stoppedState());
    expect(tray.calls).toEqual([]);
    expect(reconciler.dispatch('quit')).toBe(false);
    expect(actions.quit).not.toHaveBeenCalled();
  });
});
