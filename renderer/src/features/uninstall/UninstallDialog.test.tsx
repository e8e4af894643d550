import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import type { UninstallPlan, UninstallReport } from '../../../../common/support';
import { fakeBridge, sampleAppState } from '../../test-support/fake-bridge';
import { renderWithBridge } from '../../test-support/render';
import { UninstallDialog } from './UninstallDialog';

const plan: UninstallPlan = {
  createdAt: '2026-08-21T14:30:05.000Z',
  items: [
    {
      id: 'vm',
      kind: 'removed',
      choice: null,
      targets: ['limactl delete -f clawbar', '/Users/me/Library/Application Support/Clawbar/lima/clawbar'],
      sizeBytes: 3_200_000_000,
      note: null,
      params: { name: 'clawbar', status: 'Running' },
    },
    {
      id: 'keychain',
      kind: 'removed',
      choice: null,
      targets: ['ai.openclaw.clawbar / OPENCLAW_GATEWAY_TOKEN'],
      sizeBytes: null,
      note: null,
      params: { service: 'ai.openclaw.clawbar' },
    },
    {
      id: 'openclaw-state',
      kind: 'optional',
      choice: 'removeOpenclawState',
      targets: ['/Users/me/.openclaw'],
      sizeBytes: 12_000_000,
      note: null,
      params: {},
    },
    {
      id: 'ollama-app',
      kind: 'kept',
      choice: null,
      targets: ['/opt/homebrew/bin/ollama'],
      sizeBytes: null,
      note: 'not-installed-by-clawbar',
      params: {},
    },
  ],
};

const report: UninstallReport = {
  complete: true,
  results: [
    { id: 'vm', outcome: 'removed', message: 'Deleted the VM clawbar (limactl delete -f).' },
    { id: 'keychain', outcome: 'removed', message: 'Removed OPENCLAW_GATEWAY_TOKEN from the Keychain.' },
    { id: 'openclaw-state', outcome: 'removed', message: 'Removed /Users/me/.openclaw.' },
    { id: 'ollama-app', outcome: 'kept', message: 'Kept: Clawbar does not remove this.' },
  ],
};

function bridge() {
  return fakeBridge({
    'app:get-state': () => ({ ok: true, value: sampleAppState() }),
    'support:uninstall-plan': () => ({ ok: true, value: plan }),
    'support:uninstall': () => ({ ok: true, value: report }),
  });
}

describe('UninstallDialog', () => {
  it('lists exactly what goes, what stays unless ticked and what stays, with paths and sizes', async () => {
    renderWithBridge(<UninstallDialog onClose={vi.fn()} />, bridge());
    expect(await screen.findByText('The virtual machine “clawbar” and everything in it')).toBeTruthy();
    expect(screen.getByText('/Users/me/Library/Application Support/Clawbar/lima/clawbar')).toBeTruthy();
    expect(screen.getByText(/3\.2 GB/)).toBeTruthy();
    expect(screen.getByText('ai.openclaw.clawbar / OPENCLAW_GATEWAY_TOKEN')).toBeTruthy();
    const optional = within(screen.getByRole('group', { name: 'Stays unless you tick it' }));
    expect(
      optional.getByRole('checkbox', { name: 'Also remove OpenClaw’s state (~/.openclaw)' }),
    ).toHaveProperty('checked', false);
    expect(optional.queryByRole('checkbox', { name: 'Also remove Ollama and its models' })).toBeNull();
    expect(screen.getByText('Clawbar did not install it, so it stays.')).toBeTruthy();
  });

  it('removes nothing until the user confirms, then sends the choices and shows each outcome', async () => {
    const fake = bridge();
    renderWithBridge(<UninstallDialog onClose={vi.fn()} />, fake);
    const run = await screen.findByRole('button', { name: 'Uninstall' });
    expect(run).toHaveProperty('disabled', true);
    expect(document.activeElement?.textContent).toBe('Cancel');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Also remove OpenClaw’s state (~/.openclaw)' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'I understand that this cannot be undone' }));
    expect(run).toHaveProperty('disabled', false);
    fireEvent.click(run);

    expect(await screen.findByText('Clawbar has been removed. You can close this page.')).toBeTruthy();
    expect(screen.getByText('Deleted the VM clawbar (limactl delete -f).')).toBeTruthy();
    expect(screen.getAllByText('Removed')).toHaveLength(3);
    expect(fake.calls.filter(call => call.channel === 'support:uninstall').map(call => call.input)).toEqual([
      { removeOpenclawState: true, removeOllama: false, confirmed: true },
    ]);
  });

  it('offers to try again when an item failed', async () => {
    const fake = fakeBridge({
      'support:uninstall-plan': () => ({ ok: true, value: plan }),
      'support:uninstall': () => ({
        ok: true,
        value: {
          complete: false,
          results: [{ id: 'vm', outcome: 'failed', message: 'Deleting failed: limactl exited with code 1' }],
        },
      }),
    });
    renderWithBridge(<UninstallDialog onClose={vi.fn()} />, fake);
    fireEvent.click(await screen.findByRole('checkbox', { name: 'I understand that this cannot be undone' }));
    fireEvent.click(screen.getByRole('button', { name: 'Uninstall' }));
    expect(await screen.findByText(/Some items could not be removed/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('button', { name: 'Uninstall' })).toHaveProperty('disabled', true);
    expect(fake.calls.filter(call => call.channel === 'support:uninstall-plan')).toHaveLength(2);
  });
});
