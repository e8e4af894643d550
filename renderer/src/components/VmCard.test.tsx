import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { AppState } from '../../../common/state';
import type { VmOperation, VmView } from '../../../common/vm-model';
import { DashboardPage } from '../pages/DashboardPage';
import {
  fakeBridge,
  sampleAppState,
  sampleInfo,
  sampleSettingsView,
  type FakeHandlers,
} from '../test-support/fake-bridge';
import { renderWithBridge } from '../test-support/render';

const limactl = {
  path: '/Applications/Clawbar.app/Contents/Resources/lima/bin/limactl',
  version: '2.0.3',
  source: 'bundled' as const,
};

function stateWith(vm: Partial<VmView>, vmStatus: AppState['components']['vm']): AppState {
  const base = sampleAppState();
  return { ...base, vm: { ...base.vm, limactl, ...vm }, components: { ...base.components, vm: vmStatus } };
}

const stopped = stateWith(
  { instance: { status: 'Stopped', cpus: 4, memoryGiB: 8, diskGiB: 60, apiPort: 51234 } },
  { state: 'stopped', reason: { code: 'vm-stopped', message: 'Stopped' } },
);
const running = stateWith(
  { instance: { status: 'Running', cpus: 4, memoryGiB: 8, diskGiB: 60, apiPort: 51234 } },
  { state: 'running', reason: { code: 'vm-running', message: 'up', params: { cpus: '4', memory: '8' } } },
);
const notCreated = stateWith(
  { instance: null },
  { state: 'not-created', reason: { code: 'vm-not-created', message: 'none' } },
);

function operation(overrides: Partial<VmOperation> = {}): VmOperation {
  return {
    id: 'op-1',
    kind: 'start',
    status: 'running',
    step: 'booting',
    done: 3,
    total: 8,
    detail: 'Starting VZ',
    seq: 4,
    startedAt: new Date(Date.now() - 65_000).toISOString(),
    stepStartedAt: new Date().toISOString(),
    ...overrides,
  };
}

function bridge(state: AppState, handlers: FakeHandlers = {}) {
  return fakeBridge({
    'app:get-state': () => ({ ok: true, value: state }),
    'app:get-info': () => ({ ok: true, value: sampleInfo }),
    'settings:get': () => ({ ok: true, value: sampleSettingsView() }),
    'vm:create': () => ({ ok: true, value: { operationId: 'op-c' } }),
    'vm:start': () => ({ ok: true, value: { operationId: 'op-s' } }),
    'vm:stop': () => ({ ok: true, value: { operationId: 'op-t' } }),
    'vm:restart': () => ({ ok: true, value: { operationId: 'op-r' } }),
    'vm:delete': () => ({ ok: true, value: { operationId: 'op-d' } }),
    'vm:cancel': () => ({ ok: true, value: true }),
    ...handlers,
  });
}

async function vmCard() {
  return screen.findByRole('region', { name: 'Virtual machine' });
}

function buttons(card: HTMLElement): string[] {
  return within(card)
    .queryAllByRole('button')
    .map(button => button.textContent);
}

describe('VmCard', () => {
  it('offers create and start when there is no VM, and starts it through the contract', async () => {
    const fake = bridge(notCreated);
    renderWithBridge(<DashboardPage />, fake);
    const card = await vmCard();
    expect(buttons(card)).toEqual(['Create', 'Start']);
    fireEvent.click(within(card).getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(fake.calls.map(call => call.channel)).toContain('vm:start'));
  });

  it('shows the size and the API address, and the actions of a running VM', async () => {
    renderWithBridge(<DashboardPage />, bridge(running));
    const card = await vmCard();
    expect(within(card).getByText('Running with 4 CPUs and 8 GiB of memory.')).toBeTruthy();
    expect(within(card).getByText('127.0.0.1:51234')).toBeTruthy();
    expect(within(card).getByText('60 GiB')).toBeTruthy();
    expect(buttons(card)).toEqual(['Stop', 'Restart', 'Delete…']);
  });

  it('has no actions when limactl is missing', async () => {
    const missing: AppState = {
      ...notCreated,
      vm: { ...notCreated.vm, limactl: null },
      components: {
        ...notCreated.components,
        vm: { state: 'not-installed', reason: { code: 'limactl-missing', message: 'x' } },
      },
    };
    renderWithBridge(<DashboardPage />, bridge(missing));
    const card = await vmCard();
    expect(within(card).getByText('limactl, the tool that runs the VM, was not found.')).toBeTruthy();
    expect(buttons(card)).toEqual([]);
  });

  it('shows live progress — stage, percent, step, elapsed — and cancels it', async () => {
    const fake = bridge(stopped);
    renderWithBridge(<DashboardPage />, fake);
    const card = await vmCard();
    fake.emit('vm:progress', operation());
    const progress = await within(card).findByRole('group', { name: 'Starting the VM' });
    expect(within(progress).getByText('Booting', { exact: false })).toBeTruthy();
    expect(within(progress).getByRole('progressbar').getAttribute('value')).toBe('38');
    expect(within(progress).getByText('38%')).toBeTruthy();
    expect(within(progress).getByText(/Step 4 of 8 · Elapsed: 1:\d\d/)).toBeTruthy();
    expect(within(progress).getByText('Starting VZ')).toBeTruthy();
    // No other action while an operation runs.
    expect(buttons(card)).toEqual(['Cancel']);
    fireEvent.click(within(progress).getByRole('button', { name: 'Cancel' }));
    await waitFor(() =>
      expect(fake.calls.find(call => call.channel === 'vm:cancel')?.input).toEqual({ operationId: 'op-1' }),
    );

    // A later update of the same operation moves it on; an older one is ignored.
    fake.emit('vm:progress', operation({ step: 'waiting-k3s', done: 7, seq: 9, percent: 0 }));
    fake.emit('vm:progress', operation({ step: 'waiting-ssh', done: 4, seq: 5 }));
    expect(
      await within(card).findByText('Waiting for Kubernetes to be ready', { exact: false }),
    ).toBeTruthy();
  });

  it('says why the last operation failed, with the log lines on demand', async () => {
    const fake = bridge(stopped);
    renderWithBridge(<DashboardPage />, fake);
    const card = await vmCard();
    fake.emit(
      'vm:progress',
      operation({
        status: 'failed',
        step: 'waiting-ssh',
        error: {
          code: 'vm-stage-timeout',
          message: 'Waiting for SSH took longer than 5 min and was stopped.',
        },
        logTail:
          '--- ha.stderr.log ---\nerror: ssh: connect to host 127.0.0.1 port 60022: Connection refused',
      }),
    );
    const alert = await within(card).findByRole('alert');
    expect(alert.textContent).toContain('Starting the VM: Failed.');
    expect(alert.textContent).toContain('A step of the VM start took too long and was stopped.');
    expect(alert.textContent).toContain('Waiting for SSH took longer than 5 min');
    expect(within(alert).getByText('Last log lines')).toBeTruthy();
    expect(alert.querySelector('pre')?.textContent).toContain('Connection refused');
    expect(buttons(card)).toEqual(['Start', 'Delete…']);
  });

  it('asks before deleting, and deletes only when confirmed', async () => {
    const fake = bridge(stopped);
    renderWithBridge(<DashboardPage />, fake);
    const card = await vmCard();
    fireEvent.click(within(card).getByRole('button', { name: 'Delete…' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Delete the VM?' });
    expect(dialog.textContent).toContain('Your OpenClaw files in ~/.openclaw stay on this Mac.');
    expect(document.activeElement?.textContent).toBe('Keep it');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep it' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(fake.calls.some(call => call.channel === 'vm:delete')).toBe(false);

    fireEvent.click(within(card).getByRole('button', { name: 'Delete…' }));
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();

    fireEvent.click(within(card).getByRole('button', { name: 'Delete…' }));
    fireEvent.click(
      within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Delete the VM' }),
    );
    await waitFor(() =>
      expect(fake.calls.find(call => call.channel === 'vm:delete')?.input).toEqual({ confirmed: true }),
    );
  });

  it('shows a refused call, such as another operation already running', async () => {
    const fake = bridge(stopped, {
      'vm:start': () => ({
        ok: false,
        error: { code: 'vm-busy', message: 'The VM is busy (stop, stopping).' },
      }),
    });
    renderWithBridge(<DashboardPage />, fake);
    fireEvent.click(within(await vmCard()).getByRole('button', { name: 'Start' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Another VM operation is in progress. Wait for it or cancel it. The VM is busy (stop, stopping).',
    );
  });

  it('speaks French', async () => {
    const fake = bridge(stopped);
    renderWithBridge(<DashboardPage />, fake, { language: 'fr' });
    const card = await screen.findByRole('region', { name: 'Machine virtuelle' });
    expect(buttons(card)).toEqual(['Démarrer', 'Supprimer…']);
    fake.emit('vm:progress', operation({ step: 'provisioning-k3s', done: 5 }));
    expect(await within(card).findByText('Installation de Kubernetes (k3s)', { exact: false })).toBeTruthy();
  });
});
