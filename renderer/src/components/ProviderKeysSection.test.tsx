import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { ClusterOperation } from '../../../common/sandbox';
import { providerKeys, secretNames, type SecretName } from '../../../common/secrets';
import { fakeBridge, sampleAppState, type FakeHandlers } from '../test-support/fake-bridge';
import { renderWithBridge } from '../test-support/render';
import { ProviderKeysSection } from './ProviderKeysSection';

const openaiKey = 'sk-proj-VISIBLE-NOWHERE-0123456789abcdefghijklmnop';

/** A service that keeps the names it was given, and nothing else a page could see. */
function bridge(initial: SecretName[] = [], overrides: FakeHandlers = {}) {
  const names = new Set<SecretName>(initial);
  const list = () => secretNames.filter(name => names.has(name));
  return fakeBridge({
    'app:get-state': () => ({ ok: true, value: sampleAppState() }),
    'secrets:list': () => ({ ok: true, value: list() }),
    'secrets:set': ({ name }) => {
      names.add(name);
      return { ok: true, value: list() };
    },
    'secrets:delete': ({ name }) => {
      names.delete(name);
      return { ok: true, value: list() };
    },
    ...overrides,
  });
}

const row = (provider: string) => within(screen.getByRole('listitem', { name: provider }));

describe('ProviderKeysSection', () => {
  it('lists every provider as optional, stored in the Keychain', async () => {
    renderWithBridge(<ProviderKeysSection />, bridge(['OPENCLAW_GATEWAY_TOKEN', 'ANTHROPIC_API_KEY']));
    expect(await screen.findAllByRole('listitem')).toHaveLength(providerKeys.length);
    expect(screen.getByText(/Optional: Clawbar runs OpenClaw on local models by default/)).toBeTruthy();
    expect(screen.getByText(/stored in the macOS Keychain, never in a file/)).toBeTruthy();
    expect(row('Anthropic').getByText('Set')).toBeTruthy();
    expect(row('Anthropic').getByRole('button', { name: 'Replace' })).toBeTruthy();
    expect(row('OpenAI').getByText('Not set')).toBeTruthy();
    expect(row('OpenAI').queryByRole('button', { name: 'Remove' })).toBeNull();
    // The gateway token is Clawbar's own: not a row the user manages.
    expect(screen.queryByText('OPENCLAW_GATEWAY_TOKEN')).toBeNull();
  });

  it('saves a key through a password field that is emptied, and never shows the value again', async () => {
    const fake = bridge();
    const { container } = renderWithBridge(<ProviderKeysSection />, fake);
    await screen.findAllByRole('listitem');
    fireEvent.click(row('OpenAI').getByRole('button', { name: 'Set' }));
    const input = row('OpenAI').getByLabelText('OpenAI API key');
    expect(input.getAttribute('type')).toBe('password');
    expect(input.getAttribute('autocomplete')).toBe('off');
    fireEvent.change(input, { target: { value: openaiKey } });
    fireEvent.click(row('OpenAI').getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('OpenAI key saved in the Keychain.')).toBeTruthy();
    expect(fake.calls.filter(call => call.channel === 'secrets:set').map(call => call.input)).toEqual([
      { name: 'OPENAI_API_KEY', value: openaiKey },
    ]);
    expect(row('OpenAI').getByText('Set')).toBeTruthy();
    expect(row('OpenAI').queryByLabelText('OpenAI API key')).toBeNull();
    // Nowhere: not in the markup, not in any field still on the page.
    expect(container.innerHTML).not.toContain('VISIBLE-NOWHERE');
    expect(container.textContent).not.toContain('VISIBLE-NOWHERE');
    for (const field of container.querySelectorAll('input'))
      expect(field.value).not.toContain('VISIBLE-NOWHERE');

    // Replacing starts from an empty field, not from the old value.
    fireEvent.click(row('OpenAI').getByRole('button', { name: 'Replace' }));
    expect(row('OpenAI').getByLabelText('OpenAI API key')).toHaveProperty('value', '');
  });

  it('discards what was typed when another key’s field opens or the field is cancelled', async () => {
    const { container } = renderWithBridge(<ProviderKeysSection />, bridge());
    await screen.findAllByRole('listitem');
    fireEvent.click(row('OpenAI').getByRole('button', { name: 'Set' }));
    fireEvent.change(row('OpenAI').getByLabelText('OpenAI API key'), { target: { value: openaiKey } });
    fireEvent.click(row('Anthropic').getByRole('button', { name: 'Set' }));
    expect(row('OpenAI').queryByLabelText('OpenAI API key')).toBeNull();
    for (const field of container.querySelectorAll('input'))
      expect(field.value).not.toContain('VISIBLE-NOWHERE');
    fireEvent.click(row('OpenAI').getByRole('button', { name: 'Set' }));
    expect(row('OpenAI').getByLabelText('OpenAI API key')).toHaveProperty('value', '');
  });

  it('warns about a key that looks like another provider’s, and still lets it be saved', async () => {
    const fake = bridge();
    renderWithBridge(<ProviderKeysSection />, fake);
    await screen.findAllByRole('listitem');
    fireEvent.click(row('OpenAI').getByRole('button', { name: 'Set' }));
    fireEvent.change(row('OpenAI').getByLabelText('OpenAI API key'), {
      target: { value: `sk-ant-api03-${'x'.repeat(60)}` },
    });
    expect(
      row('OpenAI').getByText(
        'This looks like a key from Anthropic, not from OpenAI. You can still save it.',
      ),
    ).toBeTruthy();
    const save = row('OpenAI').getByRole('button', { name: 'Save' });
    expect(save).toHaveProperty('disabled', false);
    fireEvent.click(save);
    await waitFor(() => expect(fake.calls.some(call => call.channel === 'secrets:set')).toBe(true));
  });

  it('blocks what cannot be stored, without calling the service', async () => {
    const fake = bridge();
    renderWithBridge(<ProviderKeysSection />, fake);
    await screen.findAllByRole('listitem');
    fireEvent.click(row('Mistral').getByRole('button', { name: 'Set' }));
    const input = row('Mistral').getByLabelText('Mistral API key');
    fireEvent.change(input, { target: { value: 'x'.repeat(1025) } });
    expect(
      row('Mistral').getByText('The key is longer than 1024 characters: paste only the key itself.'),
    ).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(row('Mistral').getByRole('button', { name: 'Save' })).toHaveProperty('disabled', true);
    fireEvent.submit(input.closest('form')!);
    expect(fake.calls.some(call => call.channel === 'secrets:set')).toBe(false);
  });

  it('removes a key only after confirmation', async () => {
    const fake = bridge(['GROQ_API_KEY']);
    renderWithBridge(<ProviderKeysSection />, fake);
    await screen.findAllByRole('listitem');
    fireEvent.click(row('Groq').getByRole('button', { name: 'Remove' }));
    const confirm = row('Groq').getByRole('group', { name: 'Remove' });
    expect(
      within(confirm).getByText(
        'Remove the Groq key from the Keychain? OpenClaw will no longer be able to use Groq.',
      ),
    ).toBeTruthy();
    fireEvent.click(within(confirm).getByRole('button', { name: 'Keep' }));
    expect(fake.calls.some(call => call.channel === 'secrets:delete')).toBe(false);

    fireEvent.click(row('Groq').getByRole('button', { name: 'Remove' }));
    fireEvent.click(
      within(row('Groq').getByRole('group', { name: 'Remove' })).getByRole('button', { name: 'Remove' }),
    );
    expect(await screen.findByText('Groq key removed.')).toBeTruthy();
    expect(fake.calls.filter(call => call.channel === 'secrets:delete').map(call => call.input)).toEqual([
      { name: 'GROQ_API_KEY' },
    ]);
    expect(row('Groq').getByText('Not set')).toBeTruthy();
  });

  it('shows why the Keychain refused, and keeps what was typed so it can be tried again', async () => {
    const fake = bridge([], {
      'secrets:set': () => ({
        ok: false,
        error: { code: 'secrets-access-denied', message: 'Could not save OPENAI_API_KEY in the Keychain.' },
      }),
    });
    renderWithBridge(<ProviderKeysSection />, fake);
    await screen.findAllByRole('listitem');
    fireEvent.click(row('OpenAI').getByRole('button', { name: 'Set' }));
    fireEvent.change(row('OpenAI').getByLabelText('OpenAI API key'), { target: { value: openaiKey } });
    fireEvent.click(row('OpenAI').getByRole('button', { name: 'Save' }));
    expect((await row('OpenAI').findByRole('alert')).textContent).toBe(
      'Access to the Keychain item was refused. Allow Clawbar when macOS asks. Could not save OPENAI_API_KEY in the Keychain.',
    );
    expect(row('OpenAI').getByText('Not set')).toBeTruthy();
    fireEvent.click(row('OpenAI').getByRole('button', { name: 'Cancel' }));
    expect(row('OpenAI').queryByLabelText('OpenAI API key')).toBeNull();
  });

  it('says when the Keychain cannot be read, and retries', async () => {
    let available = false;
    const fake = bridge([], {
      'secrets:list': () =>
        available
          ? { ok: true, value: [] }
          : {
              ok: false,
              error: { code: 'secrets-unavailable', message: '/usr/bin/security was not found.' },
            },
    });
    renderWithBridge(<ProviderKeysSection />, fake);
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Could not find out which keys are set. The macOS Keychain is not available, so keys cannot be stored. /usr/bin/security was not found.',
    );
    available = true;
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findAllByRole('listitem')).toHaveLength(providerKeys.length);
  });

  it('shows the sandbox being updated with the new keys, and a failed update', async () => {
    const running: ClusterOperation = {
      id: 'op-1',
      kind: 'secrets',
      target: 'gateway',
      status: 'running',
      progress: null,
      error: null,
      startedAt: '2026-12-03T10:00:00.000Z',
      finishedAt: null,
    };
    const state = sampleAppState();
    const fake = bridge([], {
      'app:get-state': () => ({
        ok: true,
        value: { ...state, cluster: { ...state.cluster, operation: running } },
      }),
    });
    renderWithBridge(<ProviderKeysSection />, fake);
    expect(await screen.findByText('Updating the sandbox with the new keys…')).toBeTruthy();
    fake.emit('state:changed', {
      ...state,
      revision: state.revision + 1,
      cluster: {
        ...state.cluster,
        operation: {
          ...running,
          status: 'failed',
          error: { code: 'cluster-rollout-failed', message: 'openclaw-gateway did not become ready.' },
        },
      },
    });
    expect(
      await screen.findByText(/The sandbox did not take the new keys: The new pods did not come up/),
    ).toBeTruthy();
  });

  it('speaks French', async () => {
    renderWithBridge(<ProviderKeysSection />, bridge(['OPENAI_API_KEY']), { language: 'fr' });
    await screen.findAllByRole('listitem');
    expect(screen.getByRole('heading', { name: 'Clés des fournisseurs' })).toBeTruthy();
    expect(row('OpenAI').getByText('Définie')).toBeTruthy();
    fireEvent.click(row('Anthropic').getByRole('button', { name: 'Définir' }));
    expect(row('Anthropic').getByLabelText('Anthropic : clé d’API')).toBeTruthy();
  });
});
