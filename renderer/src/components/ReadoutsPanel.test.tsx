import { act, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import type { MetricsSample } from '../../../common/metrics';
import { DashboardPage } from '../pages/DashboardPage';
import { SettingsPage } from '../pages/SettingsPage';
import {
  fakeBridge,
  sampleAppState,
  sampleInfo,
  sampleMetrics,
  sampleSettingsView,
  type FakeHandlers,
} from '../test-support/fake-bridge';
import { renderWithBridge } from '../test-support/render';

function bridge(handlers: FakeHandlers = {}, history: MetricsSample[] = [sampleMetrics()]) {
  return fakeBridge({
    'app:get-state': () => ({ ok: true, value: sampleAppState() }),
    'app:get-info': () => ({ ok: true, value: sampleInfo }),
    'settings:get': () => ({ ok: true, value: sampleSettingsView() }),
    'metrics:watch': input => ({ ok: true, value: { sampling: input.watching, intervalMs: 1000 } }),
    'metrics:get-history': () => ({ ok: true, value: { intervalMs: 1000, capacity: 600, samples: history } }),
    ...handlers,
  });
}

function setVisibility(state: 'visible' | 'hidden'): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  act(() => {
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

function readout(path: string): HTMLElement {
  const element = document.querySelector<HTMLElement>(`[data-readout="${path}"]`);
  if (!element) throw new Error(`no readout ${path}`);
  return element;
}

afterEach(() => {
  setVisibility('visible');
});

describe('the readouts panel', () => {
  it('shows the last sample with units in the user’s language', async () => {
    renderWithBridge(<DashboardPage />, bridge());
    const gpu = await screen.findByRole('region', { name: 'GPU' });
    expect(within(gpu).getByText('Apple M3 Ultra')).toBeTruthy();
    expect(within(gpu).getByText('80 GPU cores · Metal 3')).toBeTruthy();
    expect(within(readout('gpu.utilizationPct')).getByText('94%')).toBeTruthy();
    expect(within(readout('gpu.utilizationPct')).getByRole('meter', { name: 'GPU usage' })).toBeTruthy();
    expect(within(readout('gpu.inUseMemoryBytes')).getByText('48 GB')).toBeTruthy();
    const memory = screen.getByRole('region', { name: 'Unified memory' });
    expect(within(memory).getByText('106.5 GB of 256 GB')).toBeTruthy();
    expect(within(memory).getAllByText('Normal').length).toBeGreaterThan(0);
    expect(within(readout('memory.gpuWiredLimitMiB')).getByText('System default')).toBeTruthy();
    const models = screen.getByRole('region', { name: 'Loaded models' });
    const llama = within(models).getByText('llama3.3:70b').closest('li')!;
    expect(within(llama).getByText('46 GB')).toBeTruthy();
    expect(within(llama).getByText('100% on the GPU')).toBeTruthy();
    expect(
      within(within(models).getByText('nomic-embed-text:latest').closest('li')!).getByText('0% on the GPU'),
    ).toBeTruthy();
  });

  it('says why a readout has no value instead of showing zero', async () => {
    renderWithBridge(<DashboardPage />, bridge());
    await screen.findByRole('region', { name: 'GPU' });
    const powerRow = readout('gpu.powerW');
    const noValue = within(powerRow).getByText('No value');
    expect(noValue.className).toBe('visually-hidden');
    expect(noValue.previousElementSibling?.textContent).toBe('—');
    expect(
      within(powerRow).getByText('Needs the one-time permission for powermetrics, or macmon.'),
    ).toBeTruthy();
    expect(
      within(readout('vm.podUsageBytes')).getByText('The cluster metrics are not available: no kubeconfig'),
    ).toBeTruthy();
    expect(screen.queryByText('0 W')).toBeNull();
  });

  it('follows pushed samples and ignores one older than what it shows', async () => {
    const fake = bridge();
    renderWithBridge(<DashboardPage />, fake);
    await screen.findByRole('region', { name: 'GPU' });
    act(() => {
      fake.emit(
        'metrics:sample',
        sampleMetrics({
          at: '2026-12-03T10:00:01.000Z',
          gpu: { ...sampleMetrics().gpu, utilizationPct: 41, powerW: 84.7124, freqMHz: 1337.89 },
          absent: {},
        }),
      );
    });
    expect(within(readout('gpu.utilizationPct')).getByText('41%')).toBeTruthy();
    expect(within(readout('gpu.powerW')).getByText('84.7 W')).toBeTruthy();
    expect(within(readout('gpu.freqMHz')).getByText('1,338 MHz')).toBeTruthy();
    act(() => {
      fake.emit('metrics:sample', sampleMetrics({ at: '2026-12-03T09:59:59.000Z' }));
    });
    expect(within(readout('gpu.utilizationPct')).getByText('41%')).toBeTruthy();
  });

  it('watches only while visible and mounted', async () => {
    const fake = bridge();
    const { unmount } = renderWithBridge(<DashboardPage />, fake);
    await screen.findByRole('region', { name: 'GPU' });
    const watches = () => fake.calls.filter(call => call.channel === 'metrics:watch').map(call => call.input);
    expect(watches()).toEqual([{ watching: true }]);
    setVisibility('hidden');
    setVisibility('hidden');
    expect(watches()).toEqual([{ watching: true }, { watching: false }]);
    setVisibility('visible');
    expect(watches()).toEqual([{ watching: true }, { watching: false }, { watching: true }]);
    unmount();
    expect(watches().at(-1)).toEqual({ watching: false });
  });

  it('waits for the first sample when there is no history yet', async () => {
    renderWithBridge(<DashboardPage />, bridge({}, []));
    expect(await screen.findByText('Waiting for the first reading…')).toBeTruthy();
  });

  it('reads in French', async () => {
    const view = sampleSettingsView();
    renderWithBridge(
      <DashboardPage />,
      bridge({
        'settings:get': () => ({
          ok: true,
          value: { ...view, settings: { ...view.settings, language: 'fr' } },
        }),
      }),
      { language: 'fr' },
    );
    const memory = await screen.findByRole('region', { name: 'Mémoire unifiée' });
    // Intl separates with narrow no-break spaces; Testing Library compares whitespace-normalised text.
    expect(within(memory).getByText('106,5 Go sur 256 Go')).toBeTruthy();
    expect(memory.textContent).toContain('106,5\u202fGo sur 256\u202fGo');
    expect(within(readout('gpu.utilizationPct')).getByText('94 %')).toBeTruthy();
  });
});

describe('the power permission', () => {
  it('explains the exact rule before installing it, and installs it only on Allow', async () => {
    const fake = bridge({
      'metrics:setup-power': () => ({
        ok: true,
        value: { ...sampleAppState().metrics.power, source: 'powermetrics', setup: 'installed' },
      }),
    });
    renderWithBridge(<DashboardPage />, fake);
    fireEvent.click(await screen.findByRole('button', { name: 'Show GPU power and frequency…' }));
    const dialog = screen.getByRole('dialog', { name: 'Let Clawbar read GPU power?' });
    expect(
      within(dialog).getByText(
        '/usr/bin/powermetrics --samplers cpu_power,gpu_power,thermal -i 1000 -f plist',
      ),
    ).toBeTruthy();
    expect(
      within(dialog).getByText(
        /NOPASSWD: \/usr\/bin\/powermetrics --samplers cpu_power\\,gpu_power\\,thermal/,
      ),
    ).toBeTruthy();
    expect(within(dialog).getByText('The rule, saved as /etc/sudoers.d/clawbar-powermetrics:')).toBeTruthy();
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));

    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fake.calls.some(call => call.channel === 'metrics:setup-power')).toBe(false);

    fireEvent.click(screen.getByRole('button', { name: 'Show GPU power and frequency…' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Allow' }));
    await act(async () => {
      await Promise.resolve();
    });
    expect(fake.calls.find(call => call.channel === 'metrics:setup-power')?.input).toEqual({ consent: true });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('keeps the dialog open with the reason when the prompt is cancelled', async () => {
    renderWithBridge(
      <DashboardPage />,
      bridge({
        'metrics:setup-power': () => ({
          ok: false,
          error: { code: 'metrics-power-cancelled', message: 'The administrator prompt was cancelled' },
        }),
      }),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Show GPU power and frequency…' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Allow' }));
    expect(await screen.findByRole('alert')).toHaveProperty(
      'textContent',
      'The administrator prompt was cancelled; nothing was changed.',
    );
    expect(screen.getByRole('dialog')).toBeTruthy();
  });

  it('closes on Escape', async () => {
    renderWithBridge(<DashboardPage />, bridge());
    fireEvent.click(await screen.findByRole('button', { name: 'Show GPU power and frequency…' }));
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('offers no setup where power already has a source', async () => {
    const state = sampleAppState();
    state.metrics.power = { ...state.metrics.power, source: 'macmon', setup: 'not-installed' };
    renderWithBridge(<DashboardPage />, bridge({ 'app:get-state': () => ({ ok: true, value: state }) }));
    await screen.findByRole('region', { name: 'GPU' });
    expect(screen.queryByRole('button', { name: 'Show GPU power and frequency…' })).toBeNull();
  });

  it('can be removed from Settings', async () => {
    const state = sampleAppState();
    state.metrics.power = { ...state.metrics.power, source: 'powermetrics', setup: 'installed' };
    const fake = bridge({
      'app:get-state': () => ({ ok: true, value: state }),
      'metrics:remove-power': () => ({
        ok: true,
        value: { ...state.metrics.power, source: null, setup: 'not-installed' },
      }),
    });
    renderWithBridge(<SettingsPage />, fake);
    const section = await screen.findByRole('region', { name: 'GPU power permission' });
    expect(within(section).getByText('Installed as /etc/sudoers.d/clawbar-powermetrics')).toBeTruthy();
    fireEvent.click(within(section).getByRole('button', { name: 'Remove' }));
    await act(async () => {
      await Promise.resolve();
    });
    expect(fake.calls.some(call => call.channel === 'metrics:remove-power')).toBe(true);
  });
});
