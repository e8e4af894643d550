import type { PolicyToggle, PolicyToggleId } from '../../common/sandbox';
import { overallHealth, type AppState, type ComponentId, type OverallHealth } from '../../common/state';
import { operationPercent } from '../../common/vm-model';

/**
 * The tray menu as plain data, computed from AppState and the i18n strings by one pure function.
 * electron/main/tray.ts turns it into an Electron Menu; tests read it directly.
 */
export type Translate = (key: string, values?: Record<string, string | number>) => string;

/** The five template icons in assets/tray/. */
export const trayIconStates = ['running', 'starting', 'degraded', 'stopped', 'error'] as const;
export type TrayIconState = (typeof trayIconStates)[number];

export type TrayActionId =
  | 'start-all'
  | 'stop-all'
  | 'restart-gateway'
  | 'open-control-room'
  | 'open-openclaw'
  | 'run-self-test'
  | 'create-diagnostics'
  | 'quit';

export type PolicyItemId = `policy:${PolicyToggleId}`;

export type TrayItemId =
  TrayActionId | PolicyItemId | 'health' | `status:${StatusComponent}` | 'network' | `separator:${number}`;

export interface TrayMenuItem {
  id: TrayItemId;
  type: 'normal' | 'checkbox' | 'separator';
  label: string;
  enabled: boolean;
  checked?: boolean;
  accelerator?: string;
  submenu?: TrayMenuItem[];
}

export interface TrayMenuModel {
  icon: TrayIconState;
  tooltip: string;
  items: TrayMenuItem[];
}

/** What the tray needs to know that AppState does not carry (yet). */
export interface TrayMenuOptions {
  /** The sandbox self-test can be run from here (issue 7 provides it). */
  selfTestAvailable: boolean;
  /** A sandbox self-test is running: "Run self-test" waits for it. */
  selfTestRunning: boolean;
}

const statusComponents = ['vm', 'gateway', 'proxy', 'ollama'] as const satisfies readonly ComponentId[];
type StatusComponent = (typeof statusComponents)[number];

export function trayIconFor(health: OverallHealth): TrayIconState {
  return health === 'not-installed' ? 'stopped' : health;
}

/**
 * overallHealth(), with one addition: a sandbox that runs while one of its network limits is
 * drifted or proven not enforced is not "running" as the user understands it.
 */
export function trayHealth(state: AppState): OverallHealth {
  const health = overallHealth(state);
  if (health === 'running' && state.cluster.policies.some(policy => policyNotes(policy).some(isWarning))) {
    return 'degraded';
  }
  return health;
}

type PolicyNote = 'not-enforced' | 'drifted' | 'pending';
const isWarning = (note: PolicyNote): boolean => note === 'not-enforced' || note === 'drifted';

/** Why a toggle's checkbox does not tell the whole story, most serious first. */
function policyNotes(policy: PolicyToggle): PolicyNote[] {
  const notes: PolicyNote[] = [];
  if (policy.enforcement === 'not-enforced') notes.push('not-enforced');
  if (policy.server === 'drifted') notes.push('drifted');
  else if ((policy.server === 'on' || policy.server === 'off') && (policy.server === 'on') !== policy.desired)
    notes.push('pending');
  return notes;
}

/** Some part of the app is in the middle of something the menu must not interrupt. */
function isBusy(state: AppState): boolean {
  if (state.vm.operation?.status === 'running') return true;
  if (state.cluster.operation?.status === 'running') return true;
  return (['vm', 'k3s', 'gateway', 'proxy'] as const).some(id => {
    const value = state.components[id].state;
    return value === 'starting' || value === 'stopping';
  });
}

/** The VM runs (or Lima says so while the status catches up). */
export function vmIsUp(state: AppState): boolean {
  const vm = state.components.vm.state;
  return vm === 'running' || vm === 'degraded' || state.vm.instance?.status === 'Running';
}

function statusLine(state: AppState, id: StatusComponent, t: Translate): string {
  const component = t(`components.${id}`);
  const operation = state.vm.operation;
  if (id === 'vm' && operation?.status === 'running') {
    return t('tray.statusProgress', {
      component,
      step: t(`vm.stages.${operation.step}`),
      percent: operationPercent(operation),
    });
  }
  return t('tray.status', { component, state: t(`componentStates.${state.components[id].state}`) });
}

function policyItem(policy: PolicyToggle, enabled: boolean, t: Translate): TrayMenuItem {
  const name = t(`tray.policies.${policy.id}`);
  const notes = policyNotes(policy);
  const label =
    notes.length === 0
      ? name
      : t('tray.policyWithNotes', {
          label: name,
          notes: notes.map(note => t(`tray.policyNotes.${note}`)).join(t('tray.noteSeparator')),
        });
  return { id: `policy:${policy.id}`, type: 'checkbox', label, enabled, checked: policy.desired };
}

export function buildTrayMenu(state: AppState, t: Translate, options: TrayMenuOptions): TrayMenuModel {
  const overall = overallHealth(state);
  const health = trayHealth(state);
  const busy = isBusy(state);
  const installed = overall !== 'not-installed';
  const up = vmIsUp(state);
  const cluster = state.cluster;
  const clusterReady = cluster.connected && cluster.installed;
  const clusterIdle = cluster.operation?.status !== 'running';
  const gatewayReachable = state.components.gateway.state === 'running' && cluster.portForward.state === 'on';

  let separators = 0;
  const separator = (): TrayMenuItem => ({
    id: `separator:${separators++}`,
    type: 'separator',
    label: '',
    enabled: true,
  });
  const item = (id: TrayItemId, label: string, enabled: boolean, accelerator?: string): TrayMenuItem => ({
    id,
    type: 'normal',
    label,
    enabled,
    ...(accelerator ? { accelerator } : {}),
  });

  const items: TrayMenuItem[] = [
    item('health', t(`health.${health}`), false),
    ...statusComponents.map(id => item(`status:${id}`, statusLine(state, id, t), false)),
    separator(),
    item('start-all', t('tray.startAll'), installed && !busy && overall !== 'running'),
    item('stop-all', t('tray.stopAll'), !busy && up),
    item('restart-gateway', t('tray.restartGateway'), !busy && clusterReady && clusterIdle),
    separator(),
    item('network', t('tray.network'), false),
    ...cluster.policies.map(policy => policyItem(policy, cluster.connected && clusterIdle, t)),
    separator(),
    item('open-control-room', t('tray.openControlRoom'), true, 'CommandOrControl+O'),
    item('open-openclaw', t('tray.openOpenClaw'), gatewayReachable),
    item(
      'run-self-test',
      options.selfTestRunning ? t('tray.selfTestRunning') : t('tray.runSelfTest'),
      options.selfTestAvailable && clusterReady && clusterIdle && !options.selfTestRunning,
    ),
    item('create-diagnostics', t('diagnostics.trayItem'), true),
    separator(),
    item('quit', t('tray.quit'), true, 'CommandOrControl+Q'),
  ];
  return { icon: trayIconFor(health), tooltip: t('tray.tooltip', { health: t(`health.${health}`) }), items };
}
