import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { SettingsPatch } from '../../../common/settings';
import { mergeSettings } from '../../../common/settings';
import {
  fakeBridge,
  sampleAppState,
  sampleInfo,
  sampleSettingsView,
  type FakeHandlers,
} from '../test-support/fake-bridge';
import { renderWithBridge } from '../test-support/render';
import { SettingsPage } from './SettingsPage';

/** The VM form's own buttons (the Ollama form below has a Save and a Revert too). */
const vmForm = (name = 'Virtual machine') => within(screen.getByRole('form', { name }));

function bridgeWithSettings(overrides: FakeHandlers = {}) {
  let view = sampleSettingsView();
  return fakeBridge({
    'app:get-state': () => ({ ok: true, value: sampleAppState() }),
    'app:get-info': () => ({ ok: true, value: sampleInfo }),
    'settings:get': () => ({ ok: true, value: view }),
    'settings:update': patch => {
      view = { ...view, settings: mergeSettings(view.settings, patch) };
      return { ok: true, value: view };
    },
    'secrets:list': () => ({ ok: true, value: [] }),
    ...overrides,
  });
}

describe('SettingsPage', () => {
  it('shows the stored values and where they are stored', async () => {
    renderWithBridge(<SettingsPage />, bridgeWithSettings());
    expect(await screen.findByLabelText('CPUs')).toHaveProperty('value', '4');
    expect(screen.getByText(/Stored in .*settings\.json/)).toBeTruthy();
  });

  it('applies a language change at once through the contract', async () => {
    const bridge = bridgeWithSettings();
    const { store } = renderWithBridge(<SettingsPage />, bridge);
    fireEvent.change(await screen.findByLabelText('Language'), { target: { value: 'fr' } });
    await waitFor(() => expect(store.getState().settings?.settings.language).toBe('fr'));
    expect(bridge.calls.filter(call => call.channel === 'settings:update').map(call => call.input)).toEqual([
      { language: 'fr' },
    ]);
  });

  it('saves VM resources as one patch and clears the dirty state', async () => {
    const bridge = bridgeWithSettings();
    renderWithBridge(<SettingsPage />, bridge);
    fireEvent.change(await screen.findByLabelText('CPUs'), { target: { value: '6' } });
    fireEvent.change(screen.getByLabelText('Memory (GiB)'), { target: { value: '12.5' } });
    expect(screen.getByText('Unsaved changes')).toBeTruthy();
    fireEvent.click(vmForm().getByRole('button', { name: 'Save' }));
    await screen.findByText('Saved');
    const patch = bridge.calls.find(call => call.channel === 'settings:update')?.input as SettingsPatch;
    expect(patch.vm).toEqual({ cpus: 6, memoryGiB: 12.5, diskGiB: 60 });
    expect(screen.getByLabelText('CPUs')).toHaveProperty('value', '6');
  });

  it('refuses an impossible value in the form, without calling the service', async () => {
    const bridge = bridgeWithSettings();
    renderWithBridge(<SettingsPage />, bridge);
    const cpus = await screen.findByLabelText('CPUs');
    fireEvent.change(cpus, { target: { value: '0' } });
    fireEvent.click(vmForm().getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Fix the highlighted fields before saving.')).toBeTruthy();
    expect(cpus.getAttribute('aria-invalid')).toBe('true');
    expect(bridge.calls.some(call => call.channel === 'settings:update')).toBe(false);
  });

  it('shows the service’s per-field errors when it refuses', async () => {
    const bridge = bridgeWithSettings({
      'settings:update': () => ({
        ok: false,
        error: {
          code: 'settings-invalid',
          message: 'Invalid settings',
          issues: [{ path: 'vm.diskGiB', message: 'Disk can only grow' }],
        },
      }),
    });
    renderWithBridge(<SettingsPage />, bridge);
    fireEvent.change(await screen.findByLabelText('Disk (GiB)'), { target: { value: '40' } });
    fireEvent.click(vmForm().getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Disk can only grow')).toBeTruthy();
    expect(screen.getByText(/Some settings are not valid/)).toBeTruthy();
  });

  it('reverts an edit', async () => {
    renderWithBridge(<SettingsPage />, bridgeWithSettings());
    const cpus = await screen.findByLabelText('CPUs');
    fireEvent.change(cpus, { target: { value: '7' } });
    fireEvent.click(vmForm().getByRole('button', { name: 'Revert' }));
    expect(cpus).toHaveProperty('value', '4');
  });

  it('follows a change made elsewhere while the field is untouched', async () => {
    const bridge = bridgeWithSettings();
    renderWithBridge(<SettingsPage />, bridge);
    const cpus = await screen.findByLabelText('CPUs');
    const view = sampleSettingsView();
    bridge.emit('settings:changed', {
      ...view,
      settings: { ...view.settings, vm: { ...view.settings.vm, cpus: 2 } },
    });
    await waitFor(() => expect(cpus).toHaveProperty('value', '2'));
  });

  it('says a restart is required when the running VM has other resources, and restarts it', async () => {
    const state = sampleAppState();
    state.vm = {
      ...state.vm,
      instance: { status: 'Running', cpus: 4, memoryGiB: 8, diskGiB: 60, apiPort: 51234 },
      resize: { restartRequired: true, pending: { cpus: 6 }, minDiskGiB: 60 },
    };
    const bridge = bridgeWithSettings({
      'app:get-state': () => ({ ok: true, value: state }),
      'vm:restart': () => ({ ok: true, value: { operationId: 'op-r' } }),
    });
    renderWithBridge(<SettingsPage />, bridge);
    expect(
      await screen.findByText(
        'The VM runs with other resources than these settings. Restart it to apply them.',
      ),
    ).toBeTruthy();
    expect(screen.getByText('The disk can only grow: it is 60 GiB now.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Restart the VM' }));
    await waitFor(() => expect(bridge.calls.some(call => call.channel === 'vm:restart')).toBe(true));
  });

  it('says when new resources wait for the next start of a stopped VM', async () => {
    const state = sampleAppState();
    state.vm = {
      ...state.vm,
      instance: { status: 'Stopped', cpus: 4, memoryGiB: 8, diskGiB: 60 },
      resize: { restartRequired: false, pending: { diskGiB: 80 }, minDiskGiB: 60 },
    };
    renderWithBridge(
      <SettingsPage />,
      bridgeWithSettings({ 'app:get-state': () => ({ ok: true, value: state }) }),
    );
    expect(await screen.findByText('These resources apply the next time the VM starts.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Restart the VM' })).toBeNull();
  });

  it('sets and clears the limactl path, and opts in to the kubeconfig merge', async () => {
    const bridge = bridgeWithSettings();
    const { store } = renderWithBridge(<SettingsPage />, bridge);
    const path = await screen.findByLabelText('limactl path');
    fireEvent.change(path, { target: { value: ' /opt/homebrew/bin/limactl ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(store.getState().settings?.settings.vm.limactlPath).toBe('/opt/homebrew/bin/limactl'),
    );
    fireEvent.change(path, { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(store.getState().settings?.settings.vm.limactlPath).toBeNull());
    fireEvent.click(screen.getByLabelText(/Add Clawbar's cluster to ~\/\.kube\/config/));
    await waitFor(() =>
      expect(store.getState().settings?.settings.kubeconfig.mergeIntoUserConfig).toBe(true),
    );
    expect(bridge.calls.filter(call => call.channel === 'settings:update').map(call => call.input)).toEqual([
      { vm: { limactlPath: '/opt/homebrew/bin/limactl' } },
      { vm: { limactlPath: null } },
      { kubeconfig: { mergeIntoUserConfig: true } },
    ]);
  });

  it('shows why a limactl path was refused', async () => {
    renderWithBridge(
      <SettingsPage />,
      bridgeWithSettings({
        'settings:update': () => ({
          ok: false,
          error: {
            code: 'settings-invalid',
            message: 'Invalid settings',
            issues: [{ path: 'vm.limactlPath', message: 'Must be an absolute path' }],
          },
        }),
      }),
    );
    fireEvent.change(await screen.findByLabelText('limactl path'), { target: { value: 'limactl' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Some settings are not valid. Must be an absolute path',
    );
  });

  it('speaks French', async () => {
    renderWithBridge(<SettingsPage />, bridgeWithSettings(), { language: 'fr' });
    expect(await screen.findByLabelText('Processeurs')).toBeTruthy();
    expect(vmForm('Machine virtuelle').getByRole('button', { name: 'Enregistrer' })).toBeTruthy();
  });
});
