import { describe, expect, it } from 'vitest';

import { translate, type Language } from '../../common/i18n';
import { overallHealthValues, type AppState } from '../../common/state';
import {
  notInstalledState,
  runningState,
  stoppedState,
  withComponents,
  withPolicy,
  withVmOperation,
} from './test-support/app-states';
import { buildTrayMenu, trayIconFor, type TrayItemId, type TrayMenuModel } from './tray-menu';

const t = (language: Language) => (key: string, values?: Record<string, string | number>) =>
  translate(language, key, values);

function menu(state: AppState, language: Language = 'en', selfTestRunning = false): TrayMenuModel {
  return buildTrayMenu(state, t(language), { selfTestAvailable: true, selfTestRunning });
}

function item(model: TrayMenuModel, id: TrayItemId) {
  const found = model.items.find(entry => entry.id === id);
  if (!found) throw new Error(`no item ${id}`);
  return found;
}

const enabled = (model: TrayMenuModel, id: TrayItemId): boolean => item(model, id).enabled;
const label = (model: TrayMenuModel, id: TrayItemId): string => item(model, id).label;

describe('buildTrayMenu: every overall state', () => {
  it('running: status lines, Stop all, Restart, Open OpenClaw, toggles checked and enabled', () => {
    const model = menu(runningState());
    expect(model.icon).toBe('running');
    expect(model.tooltip).toBe('Clawbar: Everything is running');
    expect(model.items.filter(entry => entry.type !== 'separator').map(entry => entry.label)).toEqual([
      'Everything is running',
      'Virtual machine: Running',
      'OpenClaw gateway: Running',
      'Egress proxy: Running',
      'Ollama: Running',
      'Start all',
      'Stop all',
      'Restart OpenClaw',
      'Network',
      'Internet through the proxy',
      'Local models on this Mac',
      'Open Control Room',
      'Open OpenClaw',
      'Run self-test',
      'Create diagnostics bundle…',
      'Quit Clawbar',
    ]);
    expect(enabled(model, 'start-all')).toBe(false);
    expect(enabled(model, 'stop-all')).toBe(true);
    expect(enabled(model, 'restart-gateway')).toBe(true);
    expect(enabled(model, 'open-openclaw')).toBe(true);
    expect(enabled(model, 'run-self-test')).toBe(true);
    expect(item(model, 'policy:internet')).toMatchObject({ type: 'checkbox', checked: true, enabled: true });
    for (const id of ['health', 'status:vm', 'status:gateway', 'network'] as const)
      expect(enabled(model, id)).toBe(false);
    expect(item(model, 'quit')).toMatchObject({ enabled: true, accelerator: 'CommandOrControl+Q' });
  });

  it('starting: both Start all and Stop all wait for the operation, the VM line shows the stage', () => {
    const state = withVmOperation(withComponents(stoppedState(), { vm: 'starting', k3s: 'stopped' }), {
      step: 'booting',
      done: 2,
      total: 5,
    });
    const model = menu(state);
    expect(model.icon).toBe('starting');
    expect(label(model, 'status:vm')).toBe('Virtual machine: Booting (40%)');
    expect(enabled(model, 'start-all')).toBe(false);
    expect(enabled(model, 'stop-all')).toBe(false);
    expect(enabled(model, 'open-openclaw')).toBe(false);
  });

  it('degraded: Start all brings the rest up, Stop all stops the VM', () => {
    const model = menu(withComponents(runningState(), { proxy: 'degraded' }));
    expect(model.icon).toBe('degraded');
    expect(label(model, 'health')).toBe('Running with problems');
    expect(label(model, 'status:proxy')).toBe('Egress proxy: Degraded');
    expect(enabled(model, 'start-all')).toBe(true);
    expect(enabled(model, 'stop-all')).toBe(true);
  });

  it('stopped: Start all only; nothing that needs the cluster', () => {
    const model = menu(stoppedState());
    expect(model.icon).toBe('stopped');
    expect(enabled(model, 'start-all')).toBe(true);
    expect(enabled(model, 'stop-all')).toBe(false);
    expect(enabled(model, 'restart-gateway')).toBe(false);
    expect(enabled(model, 'open-openclaw')).toBe(false);
    expect(enabled(model, 'run-self-test')).toBe(false);
    expect(enabled(model, 'policy:internet')).toBe(false);
    expect(enabled(model, 'open-control-room')).toBe(true);
  });

  it('not installed: the stopped icon, nothing to start until setup ran', () => {
    const model = menu(notInstalledState());
    expect(model.icon).toBe('stopped');
    expect(label(model, 'health')).toBe('OpenClaw is not installed yet');
    expect(label(model, 'status:vm')).toBe('Virtual machine: Not created');
    expect(enabled(model, 'start-all')).toBe(false);
    expect(enabled(model, 'stop-all')).toBe(false);
    expect(enabled(model, 'open-control-room')).toBe(true);
  });

  it('error: the error icon; Start all can recover a broken VM', () => {
    const state = withComponents(stoppedState(), { vm: 'error' });
    const model = menu({ ...state, vm: { ...state.vm, instance: { status: 'Broken' } } });
    expect(model.icon).toBe('error');
    expect(label(model, 'health')).toBe('Something is wrong');
    expect(enabled(model, 'start-all')).toBe(true);
    expect(enabled(model, 'stop-all')).toBe(false);
  });

  it('maps every overall health to one of the five icons', () => {
    expect(overallHealthValues.map(trayIconFor)).toEqual([
      'running',
      'starting',
      'degraded',
      'stopped',
      'stopped',
      'error',
    ]);
  });
});

describe('buildTrayMenu: sub-states', () => {
  it('a stopping VM disables both Start all and Stop all', () => {
    const model = menu(
      withVmOperation(withComponents(runningState(), { vm: 'stopping' }), {
        kind: 'stop',
        step: 'stopping',
        done: 0,
        total: 1,
      }),
    );
    expect(enabled(model, 'start-all')).toBe(false);
    expect(enabled(model, 'stop-all')).toBe(false);
    expect(label(model, 'status:vm')).toBe('Virtual machine: Stopping (0%)');
  });

  it('a cluster operation (a policy change being applied) freezes the toggles and Restart', () => {
    const state = runningState();
    const model = menu({
      ...state,
      cluster: {
        ...state.cluster,
        operation: {
          id: 'c-1',
          kind: 'policies',
          target: null,
          status: 'running',
          progress: null,
          error: null,
          startedAt: '2026-01-01T00:00:00.000Z',
          finishedAt: null,
        },
      },
    });
    expect(enabled(model, 'policy:internet')).toBe(false);
    expect(enabled(model, 'restart-gateway')).toBe(false);
    expect(enabled(model, 'stop-all')).toBe(false);
    expect(enabled(model, 'run-self-test')).toBe(false);
  });

  it('a drifted toggle says so and turns the icon degraded', () => {
    const model = menu(
      withPolicy(runningState(), 'internet', {
        server: 'drifted',
        drift: [{ policy: 'allow-internet', problem: 'changed' }],
      }),
    );
    expect(label(model, 'policy:internet')).toBe('Internet through the proxy — changed outside Clawbar');
    expect(model.icon).toBe('degraded');
    expect(model.tooltip).toBe('Clawbar: Running with problems');
    // Nothing to start: the sandbox itself runs.
    expect(enabled(model, 'start-all')).toBe(false);
  });

  it('a toggle the self-test proved not enforced says so loudly, with its drift', () => {
    const model = menu(
      withPolicy(runningState(), 'local-models', { enforcement: 'not-enforced', server: 'drifted' }),
    );
    expect(label(model, 'policy:local-models')).toBe(
      'Local models on this Mac — NOT ENFORCED, changed outside Clawbar',
    );
    expect(model.icon).toBe('degraded');
  });

  it('a toggle turned off shows unchecked; one not applied yet says so', () => {
    const off = menu(withPolicy(runningState(), 'internet', { desired: false, server: 'off' }));
    expect(item(off, 'policy:internet')).toMatchObject({
      checked: false,
      label: 'Internet through the proxy',
    });
    const pending = menu(withPolicy(runningState(), 'internet', { desired: false, server: 'on' }));
    expect(label(pending, 'policy:internet')).toBe('Internet through the proxy — not applied yet');
    expect(pending.icon).toBe('running');
  });

  it('gateway down: Open OpenClaw is disabled, and so it is while the port-forward is off', () => {
    expect(enabled(menu(withComponents(runningState(), { gateway: 'error' })), 'open-openclaw')).toBe(false);
    const state = runningState();
    const noForward = menu({
      ...state,
      cluster: { ...state.cluster, portForward: { ...state.cluster.portForward, state: 'restarting' } },
    });
    expect(enabled(noForward, 'open-openclaw')).toBe(false);
    expect(noForward.icon).toBe('running');
  });

  it('a running self-test disables the item and says so', () => {
    const model = menu(runningState(), 'en', true);
    expect(item(model, 'run-self-test')).toMatchObject({ label: 'Self-test running…', enabled: false });
  });

  it('no self-test to run yet: the item is there, disabled', () => {
    const model = buildTrayMenu(runningState(), t('en'), {
      selfTestAvailable: false,
      selfTestRunning: false,
    });
    expect(item(model, 'run-self-test')).toMatchObject({ label: 'Run self-test', enabled: false });
  });

  it('local model servers never change the icon', () => {
    expect(menu(withComponents(runningState(), { ollama: 'crashed' })).icon).toBe('running');
    expect(label(menu(withComponents(runningState(), { ollama: 'crashed' })), 'status:ollama')).toBe(
      'Ollama: Crashed',
    );
  });

  it('separators have unique ids', () => {
    const ids = menu(runningState()).items.map(entry => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('buildTrayMenu: French', () => {
  it('speaks French everywhere, with French typography', () => {
    const model = menu(withPolicy(runningState(), 'internet', { enforcement: 'not-enforced' }), 'fr');
    expect(model.tooltip).toBe('Clawbar : En marche, avec des problèmes');
    expect(label(model, 'status:vm')).toBe('Machine virtuelle : En marche');
    expect(label(model, 'start-all')).toBe('Tout démarrer');
    expect(label(model, 'policy:internet')).toBe('Internet via le proxy — PAS EN VIGUEUR');
    expect(label(model, 'quit')).toBe('Quitter Clawbar');
  });

  it('has a real string for every label in both languages (no key shows through)', () => {
    const states = [runningState(), stoppedState(), notInstalledState(), withVmOperation(runningState(), {})];
    for (const language of ['en', 'fr'] as const) {
      for (const state of states) {
        const model = menu(state, language);
        for (const entry of model.items) {
          expect(entry.label, entry.id).not.toMatch(/^(tray|health|components|componentStates|vm)\./);
          expect(entry.label, entry.id).not.toContain('{{');
        }
      }
    }
  });
});
