import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { NetworkPage } from '../../pages/NetworkPage';
import { renderWithBridge } from '../../test-support/render';
import { networkWorld, operation } from './test-network';

function editor(): HTMLElement {
  return screen.getByRole('region', { name: 'Proxy allowlist' });
}

async function field(): Promise<HTMLInputElement> {
  await screen.findByRole('region', { name: 'Proxy allowlist' });
  return within(editor()).findByRole<HTMLInputElement>('textbox', { name: 'Add a domain' });
}

function type(input: HTMLInputElement, value: string): void {
  fireEvent.change(input, { target: { value } });
}

function message(input: HTMLInputElement): string {
  const id = input.getAttribute('aria-describedby');
  return id ? (document.getElementById(id)?.textContent ?? '') : '';
}

describe('the allowlist editor', () => {
  it('lists the presets by group as switches, with the domains each allows', async () => {
    renderWithBridge(<NetworkPage />, networkWorld({ presets: ['openclaw', 'github'] }).bridge);
    await field();
    const channels = within(editor()).getByRole('group', { name: 'Chat channels' });
    const slack = within(channels).getByRole('switch', { name: 'Slack' });
    expect(slack.getAttribute('aria-checked')).toBe('false');
    expect(document.getElementById(slack.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      '.slack.com',
    );
    expect(within(editor()).getByRole('switch', { name: 'GitHub' }).getAttribute('aria-checked')).toBe(
      'true',
    );
    expect(within(editor()).getByText('The proxy runs this list.')).toBeTruthy();
  });

  it('checks a domain as it is typed: what is wrong, the fix it can offer, and notes that are not errors', async () => {
    renderWithBridge(
      <NetworkPage />,
      networkWorld({ presets: ['openclaw', 'github'], domains: ['.example.org'] }).bridge,
    );
    const input = await field();
    const add = within(editor()).getByRole('button', { name: 'Add' });
    expect(input.getAttribute('aria-describedby')).toBeNull();

    type(input, '*.slack.com');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(message(input)).toContain('“*.slack.com” has a wildcard, which Squid does not understand');
    expect(add).toHaveProperty('disabled', true);
    fireEvent.click(within(editor()).getByRole('button', { name: 'Did you mean .slack.com?' }));
    expect(input.value).toBe('.slack.com');
    expect(input.getAttribute('aria-invalid')).toBeNull();
    expect(add).toHaveProperty('disabled', false);

    type(input, '10.0.0.0/8');
    expect(message(input)).toContain('is an address range');
    type(input, '192.168.1.20');
    expect(message(input)).toContain('is an IP address');
    type(input, 'https://api.example.com/v1');
    expect(message(input)).toContain('is a URL');
    expect(within(editor()).getByRole('button', { name: 'Did you mean api.example.com?' })).toBeTruthy();
    type(input, 'exa_mple com');
    expect(message(input)).toContain('contains “ ”');

    type(input, 'docs.example.org');
    expect(message(input)).toContain('is already allowed by “.example.org”');
    expect(add).toHaveProperty('disabled', true);

    type(input, 'api.github.com');
    expect(input.getAttribute('aria-invalid')).toBeNull();
    expect(message(input)).toBe(
      'api.github.com is already allowed by api.github.com (the GitHub preset). Adding it keeps it allowed if you switch the preset off.',
    );
    expect(add).toHaveProperty('disabled', false);
  });

  it('adds and removes domains, then applies them with the proxy’s progress, and follows the server', async () => {
    const world = networkWorld({ domains: ['old.example.net'] });
    renderWithBridge(<NetworkPage />, world.bridge);
    const input = await field();
    const apply = within(editor()).getByRole('button', { name: 'Apply' });
    expect(apply).toHaveProperty('disabled', true);

    type(input, 'API.Anthropic.com');
    fireEvent.click(within(editor()).getByRole('button', { name: 'Add' }));
    expect(input.value).toBe('');
    fireEvent.click(within(editor()).getByRole('button', { name: 'Remove old.example.net' }));
    fireEvent.click(within(editor()).getByRole('switch', { name: 'Hugging Face' }));
    expect(within(editor()).getByText('Unsaved changes: Apply sends them to the proxy.')).toBeTruthy();
    const effective = within(editor()).getByRole('list', { name: 'What the proxy lets through' });
    expect(
      within(effective)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      'api.anthropic.com',
      'ghcr.io',
      '.hf.co',
      '.huggingface.co',
      '.openclaw.ai',
      'pkg-containers.githubusercontent.com',
    ]);

    fireEvent.click(apply);
    await waitFor(() => expect(world.domains).toEqual(['api.anthropic.com']));
    expect(world.bridge.calls.find(call => call.channel === 'proxy:set-allowlist')?.input).toEqual({
      presets: ['openclaw', 'huggingface'],
      domains: ['api.anthropic.com'],
    });
    await within(editor()).findByText('The proxy runs this list.');
    expect(within(editor()).getByRole('list', { name: 'Your domains' }).textContent).toContain(
      'api.anthropic.com',
    );

    act(() =>
      world.bridge.emit(
        'cluster:progress',
        operation({
          id: 'op-2',
          kind: 'allowlist',
          target: 'proxy',
          progress: { step: 'applying', done: 5, total: 6, detail: 'Waiting for egress-proxy' },
        }),
      ),
    );
    const progress = within(editor()).getByRole('progressbar', {
      name: 'Applying the allowlist: the proxy restarts',
    });
    expect(progress.getAttribute('aria-valuetext')).toBe('83%');
    expect(within(editor()).getByRole('button', { name: 'Apply' })).toHaveProperty('disabled', true);
  });

  it('shows the server’s per-entry issues when it refuses the list', async () => {
    // A hand-edited settings file can hold entries the editor would never have let in.
    const world = networkWorld({ domains: ['*.foo.com', 'ok.example.com'] });
    world.state = { ...world.state, cluster: { ...world.state.cluster, allowlist: ['ghcr.io'] } };
    renderWithBridge(<NetworkPage />, world.bridge);
    await field();
    expect(within(editor()).getByText('The proxy runs a different list: Apply to update it.')).toBeTruthy();
    expect(
      within(editor()).getByText(
        /Not on the proxy yet: ok\.example\.com, \.openclaw\.ai, and pkg-containers/,
      ),
    ).toBeTruthy();
    fireEvent.click(within(editor()).getByRole('button', { name: 'Apply' }));
    const alert = await within(editor()).findByRole('alert');
    expect(alert.textContent).toBe('Some allowlist entries are not valid: fix them before applying.');
    const refused = within(editor()).getByText('*.foo.com').closest('li');
    expect(refused?.className).toBe('domain-refused');
    expect(refused?.textContent).toContain('has a wildcard');
    expect(world.domains).toEqual(['*.foo.com', 'ok.example.com']);
  });

  it('notes that the list waits while the internet is off', async () => {
    const world = networkWorld();
    world.state = {
      ...world.state,
      cluster: {
        ...world.state.cluster,
        policies: world.state.cluster.policies.map(toggle =>
          toggle.id === 'internet' ? { ...toggle, desired: false, server: 'off' } : toggle,
        ),
      },
    };
    renderWithBridge(<NetworkPage />, world.bridge);
    await field();
    expect(within(editor()).getByText(/this list takes effect when you turn it on/)).toBeTruthy();
  });
});
