import { createStore, type StoreApi } from 'zustand/vanilla';

import type { AppInfo, SettingsView } from '../../common/contract';
import type { MetricsSample } from '../../common/metrics';
import type { AppState } from '../../common/state';
import type { VmOperation } from '../../common/vm-model';
import type { ConnectionStatus } from './ws-client';

export const pages = ['dashboard', 'network', 'logs', 'models', 'settings'] as const;
export type Page = (typeof pages)[number];

/** Which pod (and container) the Logs page should show first, when another page sends the user there. */
export interface LogsTarget {
  pod: string;
  container: string | null;
}

export interface ClawbarState {
  connection: ConnectionStatus;
  appState: AppState | null;
  info: AppInfo | null;
  settings: SettingsView | null;
  /** The VM operation running (or the last one), from `vm:progress` events and AppState. */
  vmOperation: VmOperation | null;
  page: Page;
  /** The latest GPU and memory sample, while a view shows the readouts. */
  metricsSample: MetricsSample | null;
  /** Set by "Open logs" on the Dashboard; the Logs page preselects it, then clears it. */
  logsTarget: LogsTarget | null;
  setConnection: (status: ConnectionStatus) => void;
  /** Accepts a snapshot unless it is older than the one held (same run, lower revision). */
  applyAppState: (state: AppState) => void;
  setInfo: (info: AppInfo) => void;
  setSettings: (view: SettingsView) => void;
  applyVmOperation: (operation: VmOperation | null) => void;
  navigate: (page: Page) => void;
  /** Goes to the Logs page with that pod (and container) preselected. */
  openLogs: (target: LogsTarget) => void;
  setLogsTarget: (target: LogsTarget | null) => void;
  /** Keeps the newest sample: one that arrives late (history after an event) is ignored. */
  applyMetricsSample: (sample: MetricsSample) => void;
}

export type ClawbarStore = StoreApi<ClawbarState>;

export function isNewerState(current: AppState | null, next: AppState): boolean {
  if (!current) return true;
  // A restarted backend starts counting again: a different start time means a new run.
  if (current.app.startedAt !== next.app.startedAt) return true;
  return next.revision > current.revision;
}

/** Progress arrives twice (its own event, and inside AppState): keep whichever is newer. */
export function isNewerOperation(current: VmOperation | null, next: VmOperation | null): boolean {
  if (!next) return false;
  if (!current) return true;
  if (current.id === next.id) return next.seq > current.seq;
  return next.startedAt >= current.startedAt;
}

export function createClawbarStore(initialPage: Page = 'dashboard'): ClawbarStore {
  return createStore<ClawbarState>()(set => ({
    connection: 'connecting',
    appState: null,
    info: null,
    settings: null,
    vmOperation: null,
    page: initialPage,
    metricsSample: null,
    logsTarget: null,
    setConnection: connection => set({ connection }),
    applyAppState: state =>
      set(current => {
        if (!isNewerState(current.appState, state)) return current;
        const operation = state.vm.operation;
        return isNewerOperation(current.vmOperation, operation)
          ? { appState: state, vmOperation: operation }
          : { appState: state };
      }),
    applyVmOperation: operation =>
      set(current =>
        isNewerOperation(current.vmOperation, operation) ? { vmOperation: operation } : current,
      ),
    setInfo: info => set({ info }),
    setSettings: settings => set({ settings }),
    navigate: page => set({ page }),
    openLogs: target => set({ page: 'logs', logsTarget: target }),
    setLogsTarget: logsTarget => set({ logsTarget }),
    applyMetricsSample: sample =>
      set(current =>
        current.metricsSample && current.metricsSample.at >= sample.at ? current : { metricsSample: sample },
      ),
  }));
}

export function pageFromHash(hash: string): Page {
  const name = hash.replace(/^#\/?/, '');
  return (pages as readonly string[]).includes(name) ? (name as Page) : 'dashboard';
}
