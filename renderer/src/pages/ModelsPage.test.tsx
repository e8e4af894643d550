import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { FitReport, InstalledModel, PullProgress, RunningModel } from '../../../common/models';
import { mergeSettings } from '../../../common/settings';
import type { AppState } from '../../../common/state';
import {
  fakeBridge,
  sampleAppState,
  sampleInfo,
  sampleSettingsView,
  type FakeHandlers,
} from '../test-support/fake-bridge';
import { renderWithBridge } from '../test-support/render';
import { ModelsPage } from './ModelsPage';

const GiB = 1024 ** 3;
const details = { family: 'qwen3', parameterSize: '8.2B', quantization: 'Q4_K_M', format: 'gguf' };

const installed: InstalledModel[] = [
  {
    name: 'qwen3:8b',
    sizeBytes: 5_225_388_164,
    digest: 'abc',
    modifiedAt: '2026-12-01T10:00:00.000Z',
    details,
    fit: { verdict: 'gpu', requiredBytes: 8 * GiB, gpuFraction: 1 },
    isDefault: true,
  },
  {
    name: 'gpt-oss:20b',
    sizeBytes: 13_780_173_839,
    digest: 'def',
    modifiedAt: '2026-12-01T10:00:00.000Z',
    details: { ...details, family: 'gptoss', parameterSize: '20.9B', quantization: 'MXFP4' },
    fit: { verdict: 'partial', requiredBytes: 20 * GiB, gpuFraction: 0.8 },
    isDefault: false,
  },
];

const running: RunningModel[] = [
  {
    name: 'qwen3:8b',
    sizeBytes: 6_000_000_000,
    vramBytes: 4_500_000_000,
    expiresAt: '2099-01-01T00:00:00.000Z',
    contextLength: 32768,
    details,
  },
];

const fit: FitReport = {
  memory: {
    totalBytes: 32 * GiB,
    gpuLimitBytes: (32 * GiB * 2) / 3,
    gpuLimitSource: 'default-share',
    vmReservedBytes: 8 * GiB,
    systemReserveBytes: 4 * GiB,
    availableBytes: 20 * GiB,
    gpuBudgetBytes: 20 * GiB,
  },
  context: { contextLength: 32768, parallel: 1, kvCacheType: 'q8_0' },
  recommended: [
    {
      name: 'qwen3:8b',
      sizeBytes: 5_225_388_164,
      note: null,
      noteKey: 'everyday',
      source: 'built-in',
      installed: true,
      fit: { verdict: 'gpu', requiredBytes: 8 * GiB, gpuFraction: 1 },
    },
    {
      name: 'gpt-oss:120b',
      sizeBytes: 65e9,
      note: null,
      noteKey: 'large',
      source: 'built-in',
      installed: false,
      fit: { verdict: 'no', requiredBytes: 66 * GiB, gpuFraction: 0.3 },
    },
    {
      name: 'qwen3:4b',
      sizeBytes: 2.5e9,
      note: 'mine',
      noteKey: null,
      source: 'settings',
      installed: false,
      fit: { verdict: 'gpu', requiredBytes: 4 * GiB, gpuFraction: 1 },
    },
  ],
  installed,
};

function bridge(options: { state?: AppState; overrides?: FakeHandlers } = {}) {
  let view = sampleSettingsView();
  let models = [...installed];
  return fakeBridge({
    'app:get-state': () => ({ ok: true, value: options.state ?? sampleAppState() }),
    'app:get-info': () => ({ ok: true, value: sampleInfo }),
    'settings:get': () => ({ ok: true, value: view }),
    'settings:update': patch => {
      view = { ...view, settings: mergeSettings(view.settings, patch) };
      return { ok: true, value: view };
    },
    'models:list': () => ({ ok: true, value: models }),
    'models:running': () => ({ ok: true, value: running }),
    'models:fit': () => ({ ok: true, value: fit }),
    'models:delete': ({ model }) => {
      models = models.filter(entry => entry.name !== model);
      return { ok: true, value: { model } };
    },
    'models:test': ({ model }) => ({
      ok: true,
      value: {
        model,
        response: 'Hello!',
        tokensPerSecond: 44.83,
        evalCount: 16,
        evalMs: 357,
        promptEvalCount: 12,
        loadMs: 1400,
        totalMs: 1800,
      },
    }),
    'models:pull': () => new Promise(() => undefined),
    'models:cancel-pull': () => ({ ok: true, value: { cancelled: true } }),
    'ollama:start': () => ({ ok: true, value: sampleAppState().llm }),
    'ollama:install': () => new Promise(() => undefined),
    'ollama:cancel-install': () => ({ ok: true, value: { cancelled: true } }),
    ...options.overrides,
  });
}

function withOllama(
  status: Partial<AppState['components']['ollama']>,
  llm: Partial<AppState['llm']['ollama']> = {},
  pulls: PullProgress[] = [],
): AppState {
  const state = sampleAppState();
  return {
    ...state,
    components: { ...state.components, ollama: { ...state.components.ollama, ...status } },
    llm: { ...state.llm, ollama: { ...state.llm.ollama, ...llm }, pulls },
  };
}

describe('ModelsPage', () => {
  it('shows installed models with size and fit, the loaded ones with GPU memory, and what fits', async () => {
    renderWithBridge(<ModelsPage />, bridge());
    const table = await screen.findByRole('table', { name: 'Installed models' });
    const qwen = table.querySelector<HTMLElement>('[data-model="qwen3:8b"]')!;
    expect(within(qwen).getByText('5.2 GB')).toBeTruthy();
    expect(within(qwen).getByText('Default')).toBeTruthy();
    expect(within(qwen).getByText('Fits on the GPU')).toBeTruthy();
    expect(within(table).getByText('Partly on the GPU (80%)')).toBeTruthy();

    const loaded = await screen.findByRole('table', { name: 'Loaded in memory' });
    expect(within(loaded).getByText(/4\.5 GB of 6 GB on the GPU/)).toBeTruthy();
    expect(within(loaded).getByText(/\(75%\)/)).toBeTruthy();

    const recommended = screen.getByRole('table', { name: 'Recommended for this Mac' });
    expect(within(recommended).getByText('Too big for this Mac')).toBeTruthy();
    expect(within(recommended).getByText('A good everyday choice for OpenClaw.')).toBeTruthy();
    expect(within(recommended).getByText('mine')).toBeTruthy();
    expect(
      screen.getByText(/Memory: 32 GB unified; GPU limit 21\.3 GB \(macOS default share\); VM 8 GB/),
    ).toBeTruthy();
    expect(screen.getByText(/adopted|started outside Clawbar/)).toBeTruthy();
  });

  it('pulls a model by name and refuses a bad name without calling the service', async () => {
    const fake = bridge();
    renderWithBridge(<ModelsPage />, fake);
    const input = await screen.findByLabelText('Pull a model by name');
    fireEvent.change(input, { target: { value: '../etc/passwd' } });
    fireEvent.click(screen.getByRole('button', { name: 'Pull' }));
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(fake.calls.some(call => call.channel === 'models:pull')).toBe(false);
    fireEvent.change(input, { target: { value: 'llama3.2:3b' } });
    fireEvent.click(screen.getByRole('button', { name: 'Pull' }));
    await waitFor(() =>
      expect(fake.calls.filter(call => call.channel === 'models:pull').map(call => call.input)).toEqual([
        { model: 'llama3.2:3b' },
      ]),
    );
  });

  it('shows a pull in progress with its numbers, cancels it, and reports how it ended', async () => {
    const pull: PullProgress = {
      model: 'qwen3:14b',
      state: 'running',
      progress: { step: 'download', done: 4_600_000_000, total: 9_200_000_000, detail: 'pulling 1234' },
      percent: 50,
      bytesPerSecond: 310_000_000,
      etaSeconds: 15,
    };
    const fake = bridge({ state: withOllama({}, {}, [pull]) });
    renderWithBridge(<ModelsPage />, fake);
    expect(await screen.findByText('Pulling qwen3:14b')).toBeTruthy();
    expect(
      screen.getByText('Downloading · 50% · 4.6 GB / 9.2 GB · 310 MB/s · about 15 sec left'),
    ).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Pulling qwen3:14b' }).getAttribute('value')).toBe('50');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel qwen3:14b' }));
    await waitFor(() => expect(fake.calls.some(call => call.channel === 'models:cancel-pull')).toBe(true));

    fake.emit('models:pull-progress', {
      ...pull,
      state: 'failed',
      error: { code: 'pull-failed', message: 'max retries exceeded' },
    });
    expect(await screen.findByRole('alert')).toHaveProperty(
      'textContent',
      expect.stringContaining('Pulling qwen3:14b failed: max retries exceeded') as string,
    );
    fake.emit('models:pull-progress', { ...pull, model: 'qwen3:4b', state: 'success', percent: 100 });
    expect(await screen.findByText('qwen3:4b is ready.')).toBeTruthy();
  });

  it('deletes a model only after confirmation', async () => {
    const fake = bridge();
    renderWithBridge(<ModelsPage />, fake);
    fireEvent.click(await screen.findByRole('button', { name: 'Delete gpt-oss:20b' }));
    expect(screen.getByText('Delete gpt-oss:20b? This frees 13.8 GB of disk space.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Keep' }));
    expect(fake.calls.some(call => call.channel === 'models:delete')).toBe(false);

    fireEvent.click(screen.getByRole('button', { name: 'Delete gpt-oss:20b' }));
    const confirm = screen.getByRole('group', { name: 'Delete' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Delete' }));
    // By attribute: role queries over the whole page are slow in jsdom.
    await waitFor(() => expect(document.querySelector('[data-model="gpt-oss:20b"]')).toBeNull());
    expect(document.querySelector('[data-model="qwen3:8b"]')).not.toBeNull();
    expect(fake.calls.filter(call => call.channel === 'models:delete').map(call => call.input)).toEqual([
      { model: 'gpt-oss:20b' },
    ]);
  });

  it('puts the focus on Keep while asking, and back on Delete after Escape', async () => {
    const fake = bridge();
    renderWithBridge(<ModelsPage />, fake);
    const remove = await screen.findByRole('button', { name: 'Delete gpt-oss:20b' });
    fireEvent.click(remove);
    const keep = screen.getByRole('button', { name: 'Keep' });
    expect(document.activeElement).toBe(keep);
    fireEvent.keyDown(keep, { key: 'Escape' });
    expect(screen.queryByRole('group', { name: 'Delete' })).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Delete gpt-oss:20b' }));
    expect(fake.calls.some(call => call.channel === 'models:delete')).toBe(false);
  });

  it('says why the loaded models or the memory advice are missing, instead of loading forever', async () => {
    renderWithBridge(
      <ModelsPage />,
      bridge({
        overrides: {
          'models:running': () => ({
            ok: false,
            error: { code: 'ollama-unreachable', message: 'ps: ECONNRESET' },
          }),
          'models:fit': () => ({
            ok: false,
            error: { code: 'internal', message: 'sysctl hw.memsize failed' },
          }),
        },
      }),
    );
    const loaded = await screen.findByRole('region', { name: 'Loaded in memory' });
    expect((await within(loaded).findByRole('alert')).textContent).toMatch(/ps: ECONNRESET$/);
    const advice = screen.getByRole('region', { name: 'Memory fit' });
    expect(within(advice).getByRole('alert').textContent).toMatch(/sysctl hw.memsize failed$/);
    expect(screen.queryByText('Loading…')).toBeNull();
  });

  it('tests a model’s speed and makes a model OpenClaw’s default', async () => {
    const fake = bridge();
    renderWithBridge(<ModelsPage />, fake);
    fireEvent.click(await screen.findByRole('button', { name: 'Test speed qwen3:8b' }));
    expect(await screen.findByText('qwen3:8b: 44.8 tokens/s (16 tokens; loaded in 1 sec)')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Use for OpenClaw' }));
    await waitFor(() =>
      expect(fake.calls.filter(call => call.channel === 'settings:update').map(call => call.input)).toEqual([
        { ollama: { defaultModel: 'gpt-oss:20b' } },
      ]),
    );
  });

  it('offers to start a stopped server, and shows the last output of a crashed one', async () => {
    const fake = bridge({
      state: withOllama(
        {
          state: 'crashed',
          reason: { code: 'ollama-crash-loop', message: 'x', params: { count: '5', detail: 'panic: boom' } },
        },
        { ownership: 'none', stderrTail: ['level=INFO msg=start', 'panic: boom'] },
      ),
    });
    renderWithBridge(<ModelsPage />, fake);
    expect(await screen.findByText('Start Ollama to see and manage its models.')).toBeTruthy();
    expect(screen.getByText(/It crashed 5 times in a row/)).toBeTruthy();
    expect(screen.getByText(/panic: boom/, { selector: 'pre' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(fake.calls.some(call => call.channel === 'ollama:start')).toBe(true));
    expect(fake.calls.some(call => call.channel === 'models:list')).toBe(false);
  });

  it('installs Ollama only with consent, shows progress and can cancel', async () => {
    const notInstalled = withOllama(
      { state: 'not-installed', reason: { code: 'ollama-not-installed', message: 'none' } },
      { ownership: 'none', binary: null },
    );
    const fake = bridge({ state: notInstalled });
    renderWithBridge(<ModelsPage />, fake);
    fireEvent.click(await screen.findByRole('button', { name: 'Download and install…' }));
    expect(
      screen.getByText(
        'Download Ollama from https://ollama.com/download/Ollama-darwin.zip and install it in ~/Applications?',
      ),
    ).toBeTruthy();
    expect(fake.calls.some(call => call.channel === 'ollama:install')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Install' }));
    await waitFor(() =>
      expect(fake.calls.filter(call => call.channel === 'ollama:install').map(call => call.input)).toEqual([
        { consent: true },
      ]),
    );

    const installing = withOllama(notInstalled.components.ollama, {
      ownership: 'none',
      binary: null,
      install: {
        state: 'running',
        progress: { step: 'download', done: 50_000_000, total: 200_000_000, detail: 'x' },
        error: null,
      },
    });
    fake.emit('state:changed', { ...installing, revision: 5 });
    expect(await screen.findByText(/Downloading — 50 MB \/ 200 MB/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(fake.calls.some(call => call.channel === 'ollama:cancel-install')).toBe(true));
  });

  it('shows an installation that failed, from AppState, and a refusal at once', async () => {
    const failed = withOllama(
      { state: 'not-installed', reason: { code: 'ollama-not-installed', message: 'none' } },
      {
        ownership: 'none',
        binary: null,
        install: {
          state: 'failed',
          progress: null,
          error: { code: 'download-truncated', message: 'stopped at 10 of 200 bytes' },
        },
      },
    );
    const fake = bridge({
      state: failed,
      overrides: {
        'ollama:install': () => ({
          ok: false,
          error: { code: 'busy', message: 'Ollama is already being installed.' },
        }),
      },
    });
    renderWithBridge(<ModelsPage />, fake);
    expect(await screen.findByText('Installation failed: stopped at 10 of 200 bytes')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Download and install…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Install' }));
    expect(
      await screen.findByText(
        /Something else is in progress; try again when it is done\. Ollama is already being installed\./,
      ),
    ).toBeTruthy();
  });

  it('shows why listing failed', async () => {
    renderWithBridge(
      <ModelsPage />,
      bridge({
        overrides: {
          'models:list': () => ({
            ok: false,
            error: {
              code: 'ollama-unreachable',
              message: 'cannot reach Ollama at 127.0.0.1:11434 (ECONNREFUSED)',
            },
          }),
        },
      }),
    );
    expect(await screen.findByText(/Ollama cannot be reached\. cannot reach Ollama/)).toBeTruthy();
  });

  it('speaks French', async () => {
    renderWithBridge(<ModelsPage />, bridge(), { language: 'fr' });
    expect(await screen.findByRole('table', { name: 'Modèles installés' })).toBeTruthy();
    expect(screen.getAllByText('Tient sur le GPU').length).toBeGreaterThan(0);
    expect(screen.getByRole('button', { name: 'Supprimer gpt-oss:20b' })).toBeTruthy();
  });
});
