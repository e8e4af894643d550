import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { mergeSettings, type SettingsPatch } from '../../../common/settings';
import {
  fakeBridge,
  sampleAppState,
  sampleInfo,
  sampleSettingsView,
  type FakeHandlers,
} from '../test-support/fake-bridge';
import { renderWithBridge } from '../test-support/render';
import { SettingsPage } from './SettingsPage';

function bridge(overrides: FakeHandlers = {}) {
  let view = sampleSettingsView();
  return fakeBridge({
    'app:get-state': () => ({ ok: true, value: sampleAppState() }),
    'app:get-info': () => ({ ok: true, value: sampleInfo }),
    'settings:get': () => ({ ok: true, value: view }),
    'settings:update': patch => {
      view = { ...view, settings: mergeSettings(view.settings, patch) };
      return { ok: true, value: view };
    },
    ...overrides,
  });
}

const form = () => within(screen.getByRole('form', { name: 'Ollama' }));

describe('Ollama settings', () => {
  it('shows the defaults: loopback, q8_0 with flash attention, 32k context, the official download', async () => {
    renderWithBridge(<SettingsPage />, bridge());
    await screen.findByRole('form', { name: 'Ollama' });
    expect(form().getByLabelText('Listen on')).toHaveProperty('value', '127.0.0.1');
    expect(form().getByLabelText('KV cache type')).toHaveProperty('value', 'q8_0');
    expect(form().getByLabelText('Flash attention')).toHaveProperty('checked', true);
    expect(form().getByLabelText('Context length (tokens)')).toHaveProperty('value', '32768');
    expect(form().getByLabelText('Ollama download address')).toHaveProperty(
      'value',
      'https://ollama.com/download/Ollama-darwin.zip',
    );
  });

  it('saves the server options and LM Studio as one patch', async () => {
    const fake = bridge();
    renderWithBridge(<SettingsPage />, fake);
    await screen.findByRole('form', { name: 'Ollama' });
    fireEvent.change(form().getByLabelText('Keep models loaded for'), { target: { value: '1h' } });
    fireEvent.change(form().getByLabelText('Parallel requests'), { target: { value: '2' } });
    fireEvent.click(form().getByLabelText('Offer LM Studio models to OpenClaw'));
    fireEvent.click(form().getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.calls.some(call => call.channel === 'settings:update')).toBe(true));
    const patch = fake.calls.find(call => call.channel === 'settings:update')?.input as SettingsPatch;
    expect(patch.ollama).toMatchObject({
      keepAlive: '1h',
      numParallel: 2,
      port: 11434,
      bindAddress: '127.0.0.1',
    });
    expect(patch.lmStudio).toEqual({ enabled: true, port: 1234 });
    expect(await form().findByText('Saved')).toBeTruthy();
  });

  it('refuses a keep-alive that is not a duration and an LM Studio port out of range, in the form', async () => {
    const fake = bridge();
    renderWithBridge(<SettingsPage />, fake);
    await screen.findByRole('form', { name: 'Ollama' });
    fireEvent.change(form().getByLabelText('Keep models loaded for'), { target: { value: 'a while' } });
    fireEvent.change(form().getByLabelText('LM Studio port'), { target: { value: '70000' } });
    fireEvent.click(form().getByRole('button', { name: 'Save' }));
    expect(await form().findByText('Fix the highlighted fields before saving.')).toBeTruthy();
    expect(form().getByLabelText('Keep models loaded for').getAttribute('aria-invalid')).toBe('true');
    expect(form().getByLabelText('LM Studio port').getAttribute('aria-invalid')).toBe('true');
    expect(form().getByLabelText('Port').getAttribute('aria-invalid')).toBeNull();
    expect(fake.calls.some(call => call.channel === 'settings:update')).toBe(false);
  });

  it('shows the service’s refusal of a quantised KV cache without flash attention', async () => {
    const fake = bridge({
      'settings:update': () => ({
        ok: false,
        error: {
          code: 'settings-invalid',
          message: 'Invalid settings',
          issues: [
            {
              path: 'ollama.kvCacheType',
              message: 'a quantised KV cache (q8_0, q4_0) needs flash attention',
            },
          ],
        },
      }),
    });
    renderWithBridge(<SettingsPage />, fake);
    await screen.findByRole('form', { name: 'Ollama' });
    fireEvent.click(form().getByLabelText('Flash attention'));
    fireEvent.click(form().getByRole('button', { name: 'Save' }));
    expect(await form().findByText('a quantised KV cache (q8_0, q4_0) needs flash attention')).toBeTruthy();
  });
});

describe('recommended models in settings', () => {
  const section = () => within(screen.getByRole('region', { name: 'Your recommended models' }));

  it('adds a model with its size and note, and removes it', async () => {
    const fake = bridge();
    const { store } = renderWithBridge(<SettingsPage />, fake);
    await screen.findByRole('region', { name: 'Your recommended models' });
    expect(section().getByText('None added yet.')).toBeTruthy();
    fireEvent.change(section().getByLabelText('Model name'), { target: { value: 'mistral-small:24b' } });
    fireEvent.change(section().getByLabelText('Download size (GB)'), { target: { value: '14.3' } });
    fireEvent.change(section().getByLabelText('Note (optional)'), { target: { value: 'for writing' } });
    fireEvent.click(section().getByRole('button', { name: 'Add' }));
    await waitFor(() =>
      expect(store.getState().settings?.settings.ollama.recommendedModels).toEqual([
        { name: 'mistral-small:24b', sizeBytes: 14_300_000_000, note: 'for writing' },
      ]),
    );
    expect(await section().findByText('mistral-small:24b')).toBeTruthy();
    fireEvent.click(section().getByRole('button', { name: 'Remove mistral-small:24b' }));
    await waitFor(() => expect(store.getState().settings?.settings.ollama.recommendedModels).toEqual([]));
  });

  it('refuses a bad name or size without saving', async () => {
    const fake = bridge();
    renderWithBridge(<SettingsPage />, fake);
    await screen.findByRole('region', { name: 'Your recommended models' });
    fireEvent.change(section().getByLabelText('Model name'), { target: { value: 'not a model!' } });
    fireEvent.change(section().getByLabelText('Download size (GB)'), { target: { value: 'big' } });
    fireEvent.click(section().getByRole('button', { name: 'Add' }));
    expect(section().getByLabelText('Model name').getAttribute('aria-invalid')).toBe('true');
    expect(section().getByLabelText('Download size (GB)').getAttribute('aria-invalid')).toBe('true');
    expect(fake.calls.some(call => call.channel === 'settings:update')).toBe(false);
  });
});
