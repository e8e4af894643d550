import type { AppInfo } from '../../../common/contract';
import type { AppStateStore } from '../app-state';
import type { SettingsStore } from '../platform/settings-store';
import type { Handlers } from './dispatch';

export interface HandlerDependencies {
  state: AppStateStore;
  settings: SettingsStore;
  info: AppInfo;
}

/** Channel → service call. The Handlers type makes a channel without a handler a compile error. */
export function createHandlers({ state, settings, info }: HandlerDependencies): Handlers {
  return {
    'app:get-state': () => state.snapshot,
    'app:get-info': () => info,
    'settings:get': () => settings.view(),
    'settings:update': patch => settings.update(patch),
    'settings:dismiss-recovery': () => settings.dismissRecovery(),
  };
}
