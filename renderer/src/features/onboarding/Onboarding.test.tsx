import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  initialInstallSummary,
  initialInstallView,
  type InstallStep,
  type InstallView,
  type InstallVmDefaults,
} from '../../../../common/install';
import type { FitReport, Recommendation } from '../../../../common/models';
import type { SelfTestReport } from '../../../../common/selftest';
import type { AppState } from '../../../../common/state';
import type { PreflightReport } from '../../../../common/vm-model';
import { App } from '../../App';
import {
  fakeBridge,
  sampleAppState,
  sampleInfo,
  sampleSettingsView,
  type FakeHandlers,
} from '../../test-support/fake-bridge';
import { renderWithBridge } from '../../test-support/render';

const GB = 1e9;

function recommendation(
  name: string,
  sizeBytes: number,
  verdict: 'gpu' | 'no',
  installed = false,
): Recommendation {
  return {
    name,
    sizeBytes,
    note: null,
    noteKey: 'everyday',
    source: 'built-in',
    installed,
    fit: { verdict, requiredBytes: sizeBytes * 1.3, gpuFraction: verdict === 'gpu' ? 1 : 0 },
  };
}

const fit: FitReport = {
  memory: {
    totalBytes: 32 * GB,
    gpuLimitBytes: 24 * GB,
    gpuLimitSource: 'default-share',
    vmReservedBytes: 8 * GB,
    systemReserveBytes: 4 * GB,
    availableBytes: 20 * GB,
    gpuBudgetBytes: 20 * GB,
  },
  context: { contextLength: 32768, parallel: 1, kvCacheType: 'q8_0' },
  recommended: [
    recommendation('llama3.2:3b', 2 * GB, 'gpu', true),
    recommendation('qwen3:8b', 5 * GB, 'gpu'),
    recommendation('qwen3:32b', 20 * GB, 'no'),
  ],
  installed: [],
};

const preflight: PreflightReport = {
  ok: true,
  checks: [
    {
      id: 'macos-version',
      status: 'pass',
      code: 'macos-supported',
      params: { version: '15.5' },
      message: '',
    },
    {
      id: 'ports',
      status: 'warn',
      code: 'gateway-port-busy',
      params: { port: '18789' },
      message: '127.0.0.1:18789 is in use',
    },
  ],
};

const vmDefaults: InstallVmDefaults = {
  suggested: { cpus: 5, memoryGiB: 8, diskGiB: 60 },
  current: { cpus: 4, memoryGiB: 8, diskGiB: 60 },
  host: { cpus: 10, memoryGiB: 32, diskFreeGiB: 200 },
  limits: { maxCpus: 10, maxMemoryGiB: 28 },
};

const selfTest: SelfTestReport = {
  passed: true,
  startedAt: '2026-12-04T10:00:00.000Z',
  finishedAt: '2026-12-04T10:00:09.000Z',
  probes: [
    {
      id: 'direct-internet',
      expected: 'blocked',
      actual: 'blocked',
      passed: true,
      evidence: { command: 'nc -z -w 3 1.1.1.1 443', exitCode: 1, output: 'timed out' },
    },
    {
      id: 'proxy-allowed',
      expected: 'allowed',
      actual: 'not-testable',
      passed: true,
      evidence: { command: 'curl -x … https://docs.openclaw.ai', exitCode: 6, output: 'offline' },
    },
  ],
};

/** A first run: nothing installed, the onboarding not left yet; Ollama missing. */
function firstRunState(): AppState {
  const base = sampleAppState({ install: initialInstallSummary() });
  return { ...base, llm: { ...base.llm, ollama: { ...base.llm.ollama, ownership: 'none', binary: null } } };
}

function installView(
  change: (steps: InstallStep[]) => InstallStep[],
  status: InstallView['status'],
): InstallView {
  const view = initialInstallView();
  return { ...view, status, runId: 'run-1', steps: change(view.steps), choices: null };
}

function setup(state: AppState = firstRunState(), extra: FakeHandlers = {}) {
  const handlers: FakeHandlers = {
    'app:get-state': () => ({ ok: true, value: state }),
    'app:get-info': () => ({ ok: true, value: sampleInfo }),
    'settings:get': () => ({ ok: true, value: sampleSettingsView() }),
    'install:get-state': () => ({ ok: true, value: initialInstallView() }),
    'install:dismiss': () => ({ ok: true, value: { ...initialInstallView(), onboardingDismissed: true } }),
    'vm:preflight': () => ({ ok: true, value: preflight }),
    'models:fit': () => ({ ok: true, value: fit }),
    'install:vm-defaults': () => ({ ok: true, value: vmDefaults }),
    'settings:update': () => ({ ok: true, value: sampleSettingsView() }),
    'install:start': () => ({ ok: true, value: installView(steps => steps, 'running') }),
    ...extra,
  };
  const bridge = fakeBridge(handlers);
  return { bridge, ...renderWithBridge(<App />, bridge) };
}

afterEach(() => {
  window.location.hash = '';
  vi.restoreAllMocks();
});

const next = () => fireEvent.click(screen.getByRole('button', { name: 'Continue' }));

describe('onboarding', () => {
  it('opens on a first run; leaving it is remembered, and the control room offers the way back', async () => {
    const { bridge } = setup();
    expect(
      await screen.findByRole('heading', { level: 1, name: 'OpenClaw on your Mac, sandboxed' }),
    ).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'What it will not touch' })).toBeTruthy();
    expect(screen.getByText(/the VM sees only ~\/\.openclaw/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Go to the control room' }));
    expect(await screen.findByRole('navigation', { name: 'Sections' })).toBeTruthy();
    expect(bridge.calls.some(call => call.channel === 'install:dismiss')).toBe(true);
    const banner = screen
      .getByText('Clawbar is not set up yet: OpenClaw is not installed.')
      .closest('.banner');
    fireEvent.click(within(banner as HTMLElement).getByRole('button', { name: 'Set up Clawbar' }));
    expect(
      await screen.findByRole('heading', { level: 1, name: 'OpenClaw on your Mac, sandboxed' }),
    ).toBeTruthy();
  });

  it('walks through the check, the choices and the install, with the keys sent once', async () => {
    let refuse = false;
    const { bridge } = setup(firstRunState(), {
      'settings:update': () =>
        refuse
          ? {
              ok: false,
              error: {
                code: 'settings-invalid',
                message: 'invalid',
                issues: [{ path: 'vm.cpus', message: 'This Mac has 10 CPUs; the VM can use at most 10.' }],
              },
            }
          : { ok: true, value: sampleSettingsView() },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Get started' }));

    // System check: a warning with its fix; Continue is allowed.
    expect(await screen.findByText('This Mac can run it; the notes below are worth a look.')).toBeTruthy();
    expect(screen.getByText(/^To fix it: /)).toBeTruthy();
    next();

    // Model: the largest that fits comfortably is preselected; Ollama is missing, so consent is needed.
    const group = await screen.findByRole('group', { name: 'Models for this Mac' });
    await waitFor(() =>
      expect(within(group).getByLabelText<HTMLInputElement>(/qwen3:8b/).checked).toBe(true),
    );
    expect(within(group).getByText('Recommended for this Mac')).toBeTruthy();
    expect(within(group).getByText('Already downloaded')).toBeTruthy();
    expect(within(group).getAllByText('Too big for this Mac')).toHaveLength(1);
    const continueButton = screen.getByRole<HTMLButtonElement>('button', { name: 'Continue' });
    expect(continueButton.disabled).toBe(true);
    fireEvent.click(
      screen.getByLabelText('Download Ollama.app from ollama.com and install it in ~/Applications'),
    );
    expect(continueButton.disabled).toBe(false);
    fireEvent.click(within(group).getByLabelText(/llama3\.2:3b/));
    next();

    // Keys: optional; a value that cannot be a key blocks until it is fixed.
    expect(await screen.findByRole('button', { name: 'Skip' })).toBeTruthy();
    const anthropic = screen.getByLabelText('Anthropic API key');
    fireEvent.change(anthropic, { target: { value: 'sk-ant-api03-\u0007-pasted-with-a-bell' } });
    expect(screen.getByText(/invisible control characters/)).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Continue' }).disabled).toBe(true);
    const key = `sk-ant-api03-${'a'.repeat(40)}`;
    fireEvent.change(anthropic, { target: { value: key } });
    next();

    // VM size: the suggestion from the hardware; the settings refuse a size, shown by its field.
    const cpus = await screen.findByLabelText<HTMLInputElement>('CPUs');
    expect(cpus.value).toBe('5');
    refuse = true;
    fireEvent.change(cpus, { target: { value: '12' } });
    next();
    expect(await screen.findByText('This Mac has 10 CPUs; the VM can use at most 10.')).toBeTruthy();
    refuse = false;
    fireEvent.change(cpus, { target: { value: '5' } });
    next();

    // Ready: the choices, then Install sends them (and the key) in one call.
    expect(await screen.findByRole('heading', { level: 1, name: 'Ready to install' })).toBeTruthy();
    expect(screen.getByText('ANTHROPIC_API_KEY')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Install' }));
    await waitFor(() => expect(bridge.calls.some(call => call.channel === 'install:start')).toBe(true));
    expect(bridge.calls.find(call => call.channel === 'install:start')?.input).toEqual({
      choices: { model: 'llama3.2:3b', installOllama: true, providerKeys: { ANTHROPIC_API_KEY: key } },
    });
    expect(
      bridge.calls.filter(call => call.channel === 'settings:update').map(call => call.input),
    ).toContainEqual({ vm: { cpus: 5, memoryGiB: 8, diskGiB: 60 } });
  });

  it('shows every step live, retries a failed one, and ends on the self-test with Open OpenClaw', async () => {
    const opened = vi.spyOn(window, 'open').mockImplementation(() => null);
    const running = installView(
      steps =>
        steps.map(step =>
          step.id === 'preflight'
            ? { ...step, status: 'done', elapsedMs: 1200, logTail: ['✓ macos-version: macOS 15.5'] }
            : step.id === 'local-models'
              ? {
                  ...step,
                  status: 'running',
                  startedAt: new Date(Date.now() - 65_000).toISOString(),
                  attempts: 1,
                  progress: { step: 'pull-download', done: 1, total: 4, detail: 'pulling 7b6e93fae10c' },
                  logTail: ['Pulling llama3.2:3b.', 'llama3.2:3b: pulling 7b6e93fae10c'],
                }
              : step,
        ),
      'running',
    );
    const { bridge } = setup(firstRunState(), {
      'install:get-state': () => ({ ok: true, value: running }),
      'install:retry': () => ({ ok: true, value: running }),
      'install:control-ui-url': () => ({ ok: true, value: { url: 'http://127.0.0.1:18789/#token=abc' } }),
    });
    // In the middle of an install: straight to it.
    expect(await screen.findByRole('heading', { level: 1, name: 'Installing' })).toBeTruthy();
    const steps = screen.getByRole('list', { name: 'Install steps' });
    const pulling = within(steps).getByText('Local models').closest('li') as HTMLElement;
    expect(within(pulling).getByText('In progress')).toBeTruthy();
    expect(within(pulling).getByRole('progressbar', { name: 'Local models' }).getAttribute('value')).toBe(
      '25',
    );
    expect(within(pulling).getByText(/^Elapsed: 1:0\d$/)).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Log of “Local models”' })).toBeTruthy();
    expect(screen.getByText(/llama3\.2:3b: pulling 7b6e93fae10c/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeTruthy();

    const failed = installView(
      steps =>
        steps.map(step =>
          step.id === 'local-models'
            ? {
                ...step,
                status: 'failed',
                attempts: 1,
                elapsedMs: 7000,
                error: {
                  code: 'pull-failed',
                  message: 'Local models: Pulling llama3.2:3b failed: connection reset',
                },
                logTail: ['Local models: Pulling llama3.2:3b failed: connection reset'],
              }
            : step,
        ),
      'failed',
    );
    act(() => bridge.emit('install:progress', failed));
    expect(await screen.findByText('“Local models” failed.')).toBeTruthy();
    const alert = within(steps).getByRole('alert');
    expect(alert.textContent).toContain('Local models: Pulling llama3.2:3b failed: connection reset');
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry “Local models”' }));
    await waitFor(() =>
      expect(bridge.calls.find(call => call.channel === 'install:retry')?.input).toEqual({
        step: 'local-models',
      }),
    );

    act(() => bridge.emit('install:progress', running));
    const done = installView(
      steps => steps.map(step => ({ ...step, status: 'done', elapsedMs: 1000 })),
      'succeeded',
    );
    act(() => bridge.emit('install:progress', { ...done, model: 'llama3.2:3b', selfTest }));
    expect(await screen.findByRole('heading', { level: 1, name: 'OpenClaw is ready' })).toBeTruthy();
    // The install is now complete for everyone (the tray, the next start): the finish screen stays.
    const completed = firstRunState();
    act(() =>
      bridge.emit('state:changed', {
        ...completed,
        revision: completed.revision + 1,
        install: {
          status: 'succeeded',
          step: null,
          percent: 100,
          completedAt: '2026-12-04T10:00:09.000Z',
          onboardingDismissed: false,
        },
      }),
    );
    expect(screen.getByRole('heading', { level: 1, name: 'OpenClaw is ready' })).toBeTruthy();
    const table = screen.getByRole('table', { name: 'Sandbox self-test' });
    const direct = within(table)
      .getByText('Direct internet access from the sandbox')
      .closest('tr') as HTMLElement;
    expect(within(direct).getAllByText('Blocked')).toHaveLength(2);
    expect(within(direct).getByText('nc -z -w 3 1.1.1.1 443')).toBeTruthy();
    expect(within(table).getByText('Not testable (offline)')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Open OpenClaw' }));
    await waitFor(() =>
      expect(opened).toHaveBeenCalledWith(
        'http://127.0.0.1:18789/#token=abc',
        '_blank',
        'noopener,noreferrer',
      ),
    );
  });

  it('speaks French', async () => {
    const state = firstRunState();
    const bridge = fakeBridge({
      'app:get-state': () => ({ ok: true, value: state }),
      'app:get-info': () => ({ ok: true, value: sampleInfo }),
      'settings:get': () => {
        const view = sampleSettingsView();
        return { ok: true, value: { ...view, settings: { ...view.settings, language: 'fr' } } };
      },
      'install:get-state': () => ({ ok: true, value: initialInstallView() }),
    });
    renderWithBridge(<App />, bridge, { language: 'fr' });
    expect(
      await screen.findByRole('heading', { level: 1, name: 'OpenClaw sur votre Mac, dans un bac à sable' }),
    ).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Aller à la salle de contrôle' })).toBeTruthy();
  });
});
