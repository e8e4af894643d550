import { fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { networkWorld, readySandbox } from '../features/network/test-network';
import { sampleAppState } from '../test-support/fake-bridge';
import { renderWithBridge } from '../test-support/render';
import { NetworkPage } from './NetworkPage';

afterEach(() => {
  window.location.hash = '';
});

describe('the Network page', () => {
  it('shows the switches, the self-test, the allowlist and the blocked requests once the sandbox answers', async () => {
    const world = networkWorld();
    renderWithBridge(<NetworkPage />, world.bridge);
    expect(await screen.findByRole('heading', { level: 1, name: 'Network' })).toBeTruthy();
    for (const name of ['Network policies', 'Sandbox self-test', 'Proxy allowlist', 'Blocked requests']) {
      expect(await screen.findByRole('region', { name })).toBeTruthy();
    }
    expect(screen.getAllByRole('switch', { name: /Internet through the proxy|Local models/ })).toHaveLength(
      2,
    );
    expect(screen.getByText('Always on, whatever the switches')).toBeTruthy();
    expect(world.bridge.calls.map(call => call.channel)).toEqual(
      expect.arrayContaining(['proxy:get-allowlist', 'proxy:blocked']),
    );
  });

  it('explains a cluster that does not answer and leads to the Dashboard’s VM card', async () => {
    const state = readySandbox();
    const world = networkWorld({
      state: {
        ...state,
        cluster: { ...state.cluster, connected: false },
        components: { ...state.components, k3s: { state: 'stopped' } },
      },
    });
    const { store } = renderWithBridge(<NetworkPage />, world.bridge, { page: 'network' });
    expect(
      await screen.findByRole('heading', { name: 'The sandbox’s Kubernetes does not answer' }),
    ).toBeTruthy();
    expect(screen.getByText(/and k3s is stopped\. Start the VM from the Dashboard/)).toBeTruthy();
    // Nothing is asked of a cluster that is not there.
    expect(world.bridge.calls.some(call => call.channel.startsWith('proxy:'))).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Go to the VM' }));
    expect(store.getState().page).toBe('dashboard');
  });

  it('points to the setup when the sandbox was never installed', async () => {
    const world = networkWorld({ state: sampleAppState() });
    renderWithBridge(<NetworkPage />, world.bridge);
    expect(await screen.findByRole('heading', { name: 'The sandbox is not installed yet' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Open the setup' }));
    expect(window.location.hash).toBe('#/onboarding');
  });

  it('says the same when k3s answers but the sandbox’s objects are not there', async () => {
    const state = readySandbox();
    const world = networkWorld({ state: { ...state, cluster: { ...state.cluster, installed: false } } });
    renderWithBridge(<NetworkPage />, world.bridge);
    expect(await screen.findByRole('heading', { name: 'The sandbox is not installed yet' })).toBeTruthy();
  });

  it('speaks French', async () => {
    renderWithBridge(<NetworkPage />, networkWorld().bridge, { language: 'fr' });
    expect(await screen.findByRole('region', { name: 'Liste autorisée du proxy' })).toBeTruthy();
    expect(screen.getByRole('switch', { name: 'Modèles locaux' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Lancer l’autotest' })).toBeTruthy();
    expect(await screen.findByText('Aucune requête bloquée pour l’instant.')).toBeTruthy();
  });
});
