import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { App } from './App';
import { fakeBridge, sampleAppState, sampleInfo, sampleSettingsView } from './test-support/fake-bridge';
import { renderWithBridge } from './test-support/render';

function bridge(status: 'open' | 'connecting' = 'open') {
  return fakeBridge(
    {
      'app:get-state': () => ({ ok: true, value: sampleAppState() }),
      'app:get-info': () => ({ ok: true, value: sampleInfo }),
      'settings:get': () => ({ ok: true, value: sampleSettingsView() }),
    },
    status,
  );
}

describe('App', () => {
  it('shows the live state of every component on the dashboard', async () => {
    renderWithBridge(<App />, bridge());
    const vm = await screen.findByRole('region', { name: 'Virtual machine' });
    expect(within(vm).getByText('Not created')).toBeTruthy();
    expect(within(vm).getByText('The Clawbar VM has not been created yet.')).toBeTruthy();
    const ollama = screen.getByRole('region', { name: 'Ollama' });
    expect(within(ollama).getByText('Version 0.12.6')).toBeTruthy();
    expect(within(ollama).getByText('Answering on 127.0.0.1:11434.')).toBeTruthy();
    expect(screen.getAllByText('OpenClaw is not installed yet').length).toBeGreaterThan(0);
  });

  it('updates when a new state is pushed', async () => {
    const fake = bridge();
    renderWithBridge(<App />, fake);
    await screen.findByRole('region', { name: 'Virtual machine' });
    const next = sampleAppState({ revision: 2 });
    next.components.vm = { state: 'running' };
    fake.emit('state:changed', next);
    const vm = await screen.findByRole('region', { name: 'Virtual machine' });
    expect(await within(vm).findByText('Running')).toBeTruthy();
  });

  it('navigates between the five pages', async () => {
    renderWithBridge(<App />, bridge());
    const nav = await screen.findByRole('navigation', { name: 'Sections' });
    for (const [name, heading] of [
      ['Network', 'Network'],
      ['Logs', 'Logs'],
      ['Models', 'Models'],
      ['Settings', 'Settings'],
      ['Dashboard', 'Dashboard'],
    ] as const) {
      fireEvent.click(within(nav).getByRole('button', { name }));
      expect(screen.getByRole('heading', { level: 1, name: heading })).toBeTruthy();
      expect(within(nav).getByRole('button', { name }).getAttribute('aria-current')).toBe('page');
    }
  });

  it('says so while it is not connected', async () => {
    const fake = bridge('connecting');
    renderWithBridge(<App />, fake);
    expect(await screen.findByText('Connecting…')).toBeTruthy();
    fake.setStatus('open');
    expect(await screen.findByRole('region', { name: 'Virtual machine' })).toBeTruthy();
    expect(screen.queryByText('Connecting…')).toBeNull();
  });

  it('shows a recovered settings file until dismissed', async () => {
    const fake = fakeBridge({
      'app:get-state': () => ({ ok: true, value: sampleAppState() }),
      'app:get-info': () => ({ ok: true, value: sampleInfo }),
      'settings:get': () => ({
        ok: true,
        value: {
          ...sampleSettingsView(),
          recovery: {
            backupPath: '/x/settings.json.invalid-1',
            reason: 'not valid JSON',
            at: '2026-12-03T10:00:00.000Z',
          },
        },
      }),
      'settings:dismiss-recovery': () => ({ ok: true, value: sampleSettingsView() }),
    });
    renderWithBridge(<App />, fake);
    expect(await screen.findByText('Your settings file could not be read')).toBeTruthy();
    expect(screen.getByText(/settings\.json\.invalid-1/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    await screen.findByRole('region', { name: 'Virtual machine' });
    expect(screen.queryByText('Your settings file could not be read')).toBeNull();
  });

  it('renders in French when the language setting says so', async () => {
    const view = sampleSettingsView();
    const french = fakeBridge({
      'app:get-state': () => ({ ok: true, value: sampleAppState() }),
      'app:get-info': () => ({ ok: true, value: sampleInfo }),
      'settings:get': () => ({
        ok: true,
        value: { ...view, settings: { ...view.settings, language: 'fr' } },
      }),
    });
    renderWithBridge(<App />, french);
    const vm = await screen.findByRole('region', { name: 'Machine virtuelle' });
    expect(within(vm).getByText('Non créée')).toBeTruthy();
  });
});
