import type { AppInfo } from '../../../common/contract';
import type { AppStateStore } from '../app-state';
import type { MetricsService } from '../metrics/metrics-service';
import type { SettingsStore } from '../platform/settings-store';
import type { Handlers } from './dispatch';

export interface HandlerDependencies {
  state: AppStateStore;
  settings: SettingsStore;
  info: AppInfo;
  metrics: MetricsService;
}

/** Channel → service call. The Handlers type makes a channel without a handler a compile error. */
export function createHandlers({ state, settings, info, metrics }: HandlerDependencies): Handlers {
  return {
    'app:get-state': () => state.snapshot,
    'app:get-info': () => info,
    'settings:get': () => settings.view(),
    'settings:update': patch => settings.update(patch),
    'settings:dismiss-recovery': () => settings.dismissRecovery(),
    'metrics:watch': ({ watching }, { client }) => metrics.watch(client, watching),
    'metrics:get-history': input => metrics.getHistory(input?.limit),
    'metrics:setup-power': () => metrics.setupPower(),
    'metrics:remove-power': () => metrics.removePower(),
  };
}
