import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { PolicyToggle } from '../../../../common/sandbox';
import { NetworkPage } from '../../pages/NetworkPage';
import { renderWithBridge } from '../../test-support/render';
import { networkWorld, operation, readySandbox, selfTestReport } from './test-network';

function withToggles(change: (toggle: PolicyToggle) => PolicyToggle) {
  const state = readySandbox();
  return { ...state, cluster: { ...state.cluster, policies: state.cluster.policies.map(change) } };
}

async function policyRow(name: string): Promise<HTMLElement> {
  const title = await screen.findByRole('heading', { level: 3, name });
  const row = title.closest('li');
  if (!row) throw new Error(`no row for ${name}`);
  return row;
}

describe('the policy toggles', () => {
  it('asks before turning local models off, then calls policies:set and shows the apply’s progress', async () => {
    const world = networkWorld({
      handlers: {
        'policies:set': () => new Promise(() => undefined),
      },
    });
    renderWithBridge(<NetworkPage />, world.bridge);
    const toggle = await screen.findByRole('switch', { name: 'Local models' });
    expect(toggle.getAttribute('aria-checked')).toBe('true');
    expect(toggle.getAttribute('aria-describedby')).toBe('policy-local-models-what');
    expect(
      screen.getByText('The gateway may reach Ollama (port 11434) on this Mac (192.168.5.2).'),
    ).toBeTruthy();

    // As from the keyboard: the switch has the focus when it is pressed.
    toggle.focus();
    fireEvent.click(toggle);
    const dialog = screen.getByRole('dialog', { name: 'Cut OpenClaw off from your local models?' });
    // The safe answer has the focus; Escape is "no".
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(toggle);
    expect(world.bridge.calls.some(call => call.channel === 'policies:set')).toBe(false);

    fireEvent.click(toggle);
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Turn off' }));
    expect(
      world.bridge.calls.filter(call => call.channel === 'policies:set').map(call => call.input),
    ).toEqual([{ id: 'local-models', enabled: false }]);
    await waitFor(() => expect(toggle).toHaveProperty('disabled', true));

    act(() => world.bridge.emit('cluster:progress', operation()));
    const progress = screen.getByRole('progressbar', { name: 'Applying the network policies' });
    expect(progress.getAttribute('aria-valuetext')).toBe('38%');
    expect(progress.closest('[role="status"]')?.textContent).toContain(
      'Applying NetworkPolicy/gateway-to-host-llm',
    );
  });

  it('explains what turning the internet on opens, listing the allowlist, as an alert dialog', async () => {
    const world = networkWorld({
      state: withToggles(toggle =>
        toggle.id === 'internet' ? { ...toggle, desired: false, server: 'off' } : toggle,
      ),
      presets: ['openclaw', 'anthropic'],
      handlers: { 'policies:set': () => ({ ok: true, value: [] }) },
    });
    renderWithBridge(<NetworkPage />, world.bridge);
    const toggle = await screen.findByRole('switch', { name: 'Internet through the proxy' });
    expect(toggle.getAttribute('aria-checked')).toBe('false');
    fireEvent.click(toggle);
    const dialog = await screen.findByRole('alertdialog', { name: 'Let OpenClaw reach the internet?' });
    await within(dialog).findByText('api.anthropic.com');
    expect(within(dialog).getByText(/the 4 entries of your allowlist/)).toBeTruthy();
    // Tab stays inside the dialog.
    const turnOn = within(dialog).getByRole('button', { name: 'Turn on' });
    turnOn.focus();
    fireEvent.keyDown(document, { key: 'Tab' });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(turnOn);
    expect(world.bridge.calls.find(call => call.channel === 'policies:set')?.input).toEqual({
      id: 'internet',
      enabled: true,
    });
  });

  it('shows what drifted and repairs it through policies:repair', async () => {
    const world = networkWorld({
      state: withToggles(toggle =>
        toggle.id === 'internet'
          ? {
              ...toggle,
              server: 'drifted',
              drift: [
                { policy: 'gateway-to-proxy', problem: 'missing' },
                { policy: 'proxy-to-internet', problem: 'changed' },
              ],
            }
          : toggle,
      ),
      handlers: { 'policies:repair': () => ({ ok: true, value: [] }) },
    });
    renderWithBridge(<NetworkPage />, world.bridge);
    const row = await policyRow('Internet through the proxy');
    expect(within(row).getByText('Drifted: changed in the cluster behind Clawbar’s back')).toBeTruthy();
    expect(within(row).getByText('gateway-to-proxy was deleted.')).toBeTruthy();
    expect(within(row).getByText('proxy-to-internet was edited.')).toBeTruthy();
    expect(within(await policyRow('Local models')).queryByRole('button', { name: 'Repair' })).toBeNull();
    fireEvent.click(within(row).getByRole('button', { name: 'Repair' }));
    expect(world.bridge.calls.some(call => call.channel === 'policies:repair')).toBe(true);
  });

  it('offers Repair when the cluster disagrees with the switch, and says unknown when it does not answer', async () => {
    const world = networkWorld({
      state: withToggles(toggle =>
        toggle.id === 'internet' ? { ...toggle, server: 'off' } : { ...toggle, server: 'unknown' },
      ),
    });
    renderWithBridge(<NetworkPage />, world.bridge);
    const internet = await policyRow('Internet through the proxy');
    expect(within(internet).getByText(/switched on, but the cluster does not have it/)).toBeTruthy();
    expect(within(internet).getByRole('button', { name: 'Repair' })).toBeTruthy();
    expect(
      within(await policyRow('Local models')).getByText('Unknown: the cluster does not answer'),
    ).toBeTruthy();
  });

  it('says NOT ENFORCED loudly, naming the probe that got through', async () => {
    const report = selfTestReport({ passed: false });
    report.probes = report.probes.map(probe =>
      probe.id === 'local-models'
        ? { ...probe, expected: 'blocked', actual: 'allowed', passed: false }
        : probe,
    );
    const state = withToggles(toggle =>
      toggle.id === 'local-models'
        ? { ...toggle, desired: false, server: 'off', enforcement: 'not-enforced' }
        : toggle,
    );
    const world = networkWorld({ state: { ...state, selfTest: { status: 'failed', report, error: null } } });
    renderWithBridge(<NetworkPage />, world.bridge);
    const banner = await screen.findByRole('alert');
    expect(banner.textContent).toContain('NOT ENFORCED');
    expect(banner.textContent).toContain('“Local models” says it should not');
    const row = await policyRow('Local models');
    expect(row.dataset.enforcement).toBe('not-enforced');
    expect(within(row).getByText('NOT ENFORCED')).toBeTruthy();
    expect(
      within(row).getByText(/got through where this switch keeps the way closed: Ollama on this Mac\./),
    ).toBeTruthy();
    expect(
      within(await policyRow('Internet through the proxy')).getByText(
        /Proven by the last self-test \(3 minutes ago\)/,
      ),
    ).toBeTruthy();
  });

  it('shows a refused change in words, and the failure of the last apply after a reload', async () => {
    const world = networkWorld({
      handlers: {
        'policies:set': () => ({
          ok: false,
          error: {
            code: 'cluster-busy',
            message: 'A restart of the sandbox is running; wait for it to finish.',
          },
        }),
      },
    });
    world.state = {
      ...world.state,
      cluster: {
        ...world.state.cluster,
        operation: operation({
          id: 'op-0',
          kind: 'repair',
          status: 'failed',
          error: { code: 'cluster-rollout-failed', message: 'egress-proxy did not become ready' },
          finishedAt: new Date().toISOString(),
        }),
      },
    };
    renderWithBridge(<NetworkPage />, world.bridge);
    expect(
      (await screen.findByText('Repairing the network policies: failed.')).closest('[role="alert"]')
        ?.textContent,
    ).toContain('egress-proxy did not become ready');
    fireEvent.click(screen.getByRole('switch', { name: 'Local models' }));
    fireEvent.click(screen.getByRole('button', { name: 'Turn off' }));
    expect(
      await screen.findByText('Another sandbox operation is running: wait for it to finish.'),
    ).toBeTruthy();
  });
});
