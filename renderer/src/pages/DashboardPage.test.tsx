import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import type { AppState } from '../../../common/state';
import { pod, runningSandbox } from '../features/dashboard/test-pods';
import {
  fakeBridge,
  sampleAppState,
  sampleInfo,
  sampleMetrics,
  sampleSettingsView,
  type FakeHandlers,
} from '../test-support/fake-bridge';
import { renderWithBridge } from '../test-support/render';
import { DashboardPage } from './DashboardPage';

function bridge(state: AppState, handlers: FakeHandlers = {}) {
  return fakeBridge({
    'app:get-state': () => ({ ok: true, value: state }),
    'app:get-info': () => ({ ok: true, value: sampleInfo }),
    'settings:get': () => ({ ok: true, value: sampleSettingsView() }),
    'metrics:watch': input => ({ ok: true, value: { sampling: input.watching, intervalMs: 1000 } }),
    'metrics:get-history': () => ({
      ok: true,
      value: { intervalMs: 1000, capacity: 600, samples: [sampleMetrics()] },
    }),
    ...handlers,
  });
}

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const hour = 3_600_000;
const minute = 60_000;

function card(name: string): HTMLElement {
  return screen.getByRole('region', { name });
}

function buttons(element: HTMLElement): string[] {
  return within(element)
    .queryAllByRole('button')
    .map(button => button.textContent);
}

function flush() {
  return act(async () => {
    await Promise.resolve();
  });
}

describe('the Dashboard', () => {
  it('shows every component with its state, version, uptime and restarts', async () => {
    const state = runningSandbox({
      pods: [
        pod({
          name: 'openclaw-gateway-1',
          role: 'gateway',
          restarts: 3,
          startedAt: ago(2 * hour + 5 * minute),
        }),
        pod({ name: 'egress-proxy-1', role: 'proxy', startedAt: ago(40 * minute) }),
      ],
    });
    state.components.k3s.since = ago(26 * hour);
    renderWithBridge(<DashboardPage />, bridge(state));
    await screen.findByRole('region', { name: 'Virtual machine' });

    const gateway = card('OpenClaw gateway');
    expect(within(gateway).getByText('Running')).toBeTruthy();
    expect(within(gateway).getByText('Version 2026.11.2')).toBeTruthy();
    expect(within(gateway).getByText('Up 2 hr 5 min')).toBeTruthy();
    expect(within(gateway).getByText('Restarts: 3').className).toBe('card-meta-warning');
    const proxy = card('Egress proxy');
    expect(within(proxy).getByText('Up 40 min')).toBeTruthy();
    expect(within(proxy).getByText('Restarts: 0')).toBeTruthy();
    expect(within(card('Kubernetes (k3s)')).getByText('Up 1 day 2 hr')).toBeTruthy();
    expect(within(card('Kubernetes (k3s)')).getByText('Version v1.33.5+k3s1')).toBeTruthy();
    // Nothing is wrong, so nothing is said beyond the word.
    const health = screen.getByText('Everything is running').closest('[role="status"]');
    expect(health?.textContent).toBe('Everything is running');
  });

  it('says what is wrong under the overall health', async () => {
    const state = runningSandbox({
      pods: [pod({ name: 'openclaw-gateway-1', role: 'gateway', ready: false, restarts: 12 })],
    });
    state.components.gateway = {
      state: 'crashed',
      reason: {
        code: 'pod-crash-loop',
        message: 'crashing',
        params: { pod: 'openclaw-gateway-1', reason: 'Error' },
      },
    };
    renderWithBridge(<DashboardPage />, bridge(state));
    const health = (await screen.findByText('Something is wrong')).closest('[role="status"]');
    expect(health?.textContent).toContain('The OpenClaw gateway keeps crashing.');
    expect(
      within(card('OpenClaw gateway')).getByText(
        'openclaw-gateway-1 keeps crashing (Error). Open its logs to see why.',
      ),
    ).toBeTruthy();
  });

  it('opens the Logs page on the gateway’s main container, or the proxy’s', async () => {
    const { store } = renderWithBridge(<DashboardPage />, bridge(runningSandbox()));
    await screen.findByRole('region', { name: 'OpenClaw gateway' });
    fireEvent.click(within(card('OpenClaw gateway')).getByRole('button', { name: 'Open logs' }));
    expect(store.getState().page).toBe('logs');
    expect(store.getState().logsTarget).toEqual({ pod: 'openclaw-gateway-7d9f-abcde', container: 'gateway' });
    fireEvent.click(within(card('Egress proxy')).getByRole('button', { name: 'Open logs' }));
    expect(store.getState().logsTarget).toEqual({ pod: 'egress-proxy-5c4b-fghij', container: 'squid' });
  });

  it('restarts the gateway or the proxy through the contract, one operation at a time', async () => {
    const fake = bridge(runningSandbox(), {
      'cluster:restart': () => ({ ok: true, value: { operationId: 'restart-1' } }),
    });
    renderWithBridge(<DashboardPage />, fake);
    const gateway = await screen.findByRole('region', { name: 'OpenClaw gateway' });
    expect(buttons(gateway)).toEqual(['Restart', 'Open logs']);
    fireEvent.click(within(gateway).getByRole('button', { name: 'Restart' }));
    await flush();
    expect(fake.calls.filter(call => call.channel === 'cluster:restart').map(call => call.input)).toEqual([
      { target: 'gateway' },
    ]);

    const restarting = runningSandbox();
    restarting.revision = 2;
    restarting.cluster.operation = {
      id: 'restart-1',
      kind: 'restart',
      target: 'gateway',
      status: 'running',
      progress: { step: 'rollout', done: 1, total: 4, detail: 'Waiting for the new pod' },
      error: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
    };
    act(() => fake.emit('state:changed', restarting));
    expect(within(gateway).getByRole('status').textContent).toBe('Restarting… 25% — Waiting for the new pod');
    expect(within(gateway).getByRole('button', { name: 'Restart' })).toHaveProperty('disabled', true);
    expect(within(card('Egress proxy')).getByRole('button', { name: 'Restart' })).toHaveProperty(
      'disabled',
      true,
    );

    const failed = runningSandbox();
    failed.revision = 3;
    failed.cluster.operation = {
      ...restarting.cluster.operation,
      status: 'failed',
      progress: null,
      error: { code: 'timeout', message: 'The new pod was not ready within 120 s.' },
      finishedAt: new Date().toISOString(),
    };
    act(() => fake.emit('state:changed', failed));
    expect(within(gateway).getByRole('alert').textContent).toMatch(
      /^The last restart failed\. .* The new pod was not ready within 120 s\.$/,
    );
    expect(within(gateway).getByRole('button', { name: 'Restart' })).toHaveProperty('disabled', false);
    expect(within(card('Egress proxy')).queryByRole('alert')).toBeNull();
  });

  it('opens OpenClaw only while the gateway runs and its port is forwarded', async () => {
    const forwarding = runningSandbox();
    forwarding.cluster.portForward = { ...forwarding.cluster.portForward, state: 'restarting' };
    const opened: (string | URL | undefined)[] = [];
    const open = vi.spyOn(window, 'open').mockImplementation(url => {
      opened.push(url);
      return null;
    });
    const fake = bridge(forwarding, {
      'install:control-ui-url': () => ({ ok: true, value: { url: 'http://127.0.0.1:18789/#token=t0k3n' } }),
    });
    renderWithBridge(<DashboardPage />, fake);
    const button = await screen.findByRole('button', { name: 'Open OpenClaw' });
    expect(button).toHaveProperty('disabled', true);
    expect(button.getAttribute('aria-describedby')).toBe('open-openclaw-why');
    expect(document.getElementById('open-openclaw-why')?.textContent).toBe(
      'Available once the gateway runs and its port is forwarded.',
    );

    act(() => fake.emit('state:changed', { ...runningSandbox(), revision: 2 }));
    expect(button).toHaveProperty('disabled', false);
    fireEvent.click(button);
    await flush();
    expect(fake.calls.some(call => call.channel === 'install:control-ui-url')).toBe(true);
    expect(opened).toEqual(['http://127.0.0.1:18789/#token=t0k3n']);
    expect(open.mock.calls[0]?.slice(1)).toEqual(['_blank', 'noopener,noreferrer']);
    open.mockRestore();
  });

  it('offers no logs for a pod that does not exist', async () => {
    renderWithBridge(<DashboardPage />, bridge(sampleAppState()));
    await screen.findByRole('region', { name: 'OpenClaw gateway' });
    expect(buttons(card('OpenClaw gateway'))).toEqual([]);
    expect(buttons(card('Egress proxy'))).toEqual([]);
  });

  it('never offers to stop an Ollama that Clawbar adopted', async () => {
    renderWithBridge(<DashboardPage />, bridge(sampleAppState()));
    const ollama = await screen.findByRole('region', { name: 'Ollama' });
    expect(buttons(ollama)).toEqual([]);
    expect(
      within(ollama).getByText('Started outside Clawbar: Clawbar uses it and never stops it.'),
    ).toBeTruthy();
    expect(within(ollama).queryByText(/^Restarts/)).toBeNull();
  });

  it('restarts and stops the Ollama that Clawbar runs, and shows a refusal', async () => {
    const state = sampleAppState();
    state.llm.ollama = { ...state.llm.ollama, ownership: 'owned', pid: 4242, restarts: 1 };
    const fake = bridge(state, {
      'ollama:restart': () => ({ ok: true, value: state.llm }),
      'ollama:stop': () => ({
        ok: false,
        error: { code: 'ollama-not-owned', message: 'Adopted by then.' },
      }),
    });
    renderWithBridge(<DashboardPage />, fake);
    const ollama = await screen.findByRole('region', { name: 'Ollama' });
    expect(buttons(ollama)).toEqual(['Restart', 'Stop']);
    expect(within(ollama).getByText('Restarts: 1')).toBeTruthy();
    fireEvent.click(within(ollama).getByRole('button', { name: 'Restart' }));
    await flush();
    fireEvent.click(within(ollama).getByRole('button', { name: 'Stop' }));
    await flush();
    expect(fake.calls.map(call => call.channel)).toEqual(
      expect.arrayContaining(['ollama:restart', 'ollama:stop']),
    );
    expect(within(ollama).getByRole('alert').textContent).toBe(
      'This Ollama server was not started by Clawbar, so Clawbar leaves it alone. Adopted by then.',
    );
  });

  it('starts a stopped Ollama', async () => {
    const stopped = sampleAppState();
    stopped.components.ollama = { state: 'stopped' };
    stopped.llm.ollama = { ...stopped.llm.ollama, ownership: 'none' };
    const fake = bridge(stopped, { 'ollama:start': () => ({ ok: true, value: stopped.llm }) });
    renderWithBridge(<DashboardPage />, fake);
    fireEvent.click(
      within(await screen.findByRole('region', { name: 'Ollama' })).getByRole('button', { name: 'Start' }),
    );
    await flush();
    expect(fake.calls.some(call => call.channel === 'ollama:start')).toBe(true);
  });

  it('sends the user to the Models page to install Ollama', async () => {
    const missing = sampleAppState();
    missing.components.ollama = {
      state: 'not-installed',
      reason: { code: 'ollama-not-installed', message: 'no binary' },
    };
    missing.llm.ollama = { ...missing.llm.ollama, ownership: 'none', binary: null };
    const { store } = renderWithBridge(<DashboardPage />, bridge(missing));
    const ollama = await screen.findByRole('region', { name: 'Ollama' });
    fireEvent.click(within(ollama).getByRole('button', { name: 'Install Ollama…' }));
    expect(store.getState().page).toBe('models');
  });

  it('looks for LM Studio again on request', async () => {
    const fake = bridge(sampleAppState(), {
      'ollama:detect': () => ({ ok: true, value: sampleAppState().llm }),
    });
    renderWithBridge(<DashboardPage />, fake);
    const lmstudio = await screen.findByRole('region', { name: 'LM Studio' });
    fireEvent.click(within(lmstudio).getByRole('button', { name: 'Look again' }));
    await flush();
    expect(fake.calls.some(call => call.channel === 'ollama:detect')).toBe(true);
  });

  it('names each chart and gives its current values as text', async () => {
    renderWithBridge(<DashboardPage />, bridge(sampleAppState()));
    const gpu = await screen.findByRole('figure', { name: /^GPU usage and power, last 5 min/ });
    expect(gpu.getAttribute('aria-labelledby')).toBeTruthy();
    expect(within(gpu).getByText('GPU usage').nextSibling?.textContent).toBe('94%');
    expect(within(gpu).getByText('Power').nextSibling?.textContent).toBe('—No value');
    const memory = screen.getByRole('figure', { name: /^Memory use, last 5 min/ });
    expect(within(memory).getByText('Used').nextSibling?.textContent).toBe('106.5 GB');
    expect(within(memory).getByText('Wired').nextSibling?.textContent).toBe('64 GB');
    expect(within(memory).getByText('Pressure (shaded)').nextSibling?.textContent).toBe('Normal');
  });

  it('splits a model between GPU and CPU when it does not fit on the GPU', async () => {
    const history = [
      sampleMetrics({
        models: [{ name: 'qwen3:235b', sizeBytes: 160 * 1024 ** 3, vramBytes: 120 * 1024 ** 3 }],
      }),
    ];
    renderWithBridge(
      <DashboardPage />,
      bridge(sampleAppState(), {
        'metrics:get-history': () => ({
          ok: true,
          value: { intervalMs: 1000, capacity: 600, samples: history },
        }),
      }),
    );
    const models = await screen.findByRole('region', { name: 'Loaded models' });
    const row = within(models).getByText('qwen3:235b').closest('li');
    expect(row?.textContent).toContain('75% on the GPU');
    expect(row?.textContent).toContain('GPU 120 GB · CPU 40 GB');
    expect(within(models).getByText('Bars to the scale of 256 GB of unified memory')).toBeTruthy();
  });

  it('speaks French', async () => {
    const state = runningSandbox({
      pods: [
        pod({
          name: 'openclaw-gateway-1',
          role: 'gateway',
          restarts: 2,
          startedAt: ago(2 * hour + 5 * minute),
        }),
      ],
    });
    state.components.proxy = { state: 'crashed' };
    const view = sampleSettingsView();
    renderWithBridge(
      <DashboardPage />,
      bridge(state, {
        'settings:get': () => ({
          ok: true,
          value: { ...view, settings: { ...view.settings, language: 'fr' } },
        }),
      }),
      { language: 'fr' },
    );
    const gateway = await screen.findByRole('region', { name: 'Passerelle OpenClaw' });
    expect(within(gateway).getByText('En marche depuis 2 h 5 min')).toBeTruthy();
    expect(within(gateway).getByText('Redémarrages : 2')).toBeTruthy();
    expect(within(gateway).getByRole('button', { name: 'Voir les journaux' })).toBeTruthy();
    expect(screen.getByText('Quelque chose ne va pas').closest('[role="status"]')?.textContent).toContain(
      'Le proxy de sortie plante sans cesse.',
    );
  });
});
