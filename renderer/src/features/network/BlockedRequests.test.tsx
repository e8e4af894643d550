import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { BlockedRequest } from '../../../../common/proxy-log';
import { NetworkPage } from '../../pages/NetworkPage';
import { renderWithBridge } from '../../test-support/render';
import { networkWorld } from './test-network';

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

function blocked(overrides: Partial<BlockedRequest> & Pick<BlockedRequest, 'host'>): BlockedRequest {
  return {
    port: 443,
    method: 'CONNECT',
    count: 1,
    lastSeen: minutesAgo(1),
    pod: 'openclaw-gateway-7d9f-abcde',
    ...overrides,
  };
}

function section(): HTMLElement {
  return screen.getByRole('region', { name: 'Blocked requests' });
}

async function rows(): Promise<HTMLElement[]> {
  await screen.findByRole('region', { name: 'Blocked requests' });
  const table = await within(section()).findByRole('table');
  return within(table).getAllByRole('row').slice(1);
}

describe('the blocked requests', () => {
  it('shows what the proxy refused, newest first, and follows the live updates', async () => {
    const world = networkWorld({
      blocked: [
        blocked({ host: 'old.example.com', count: 2, lastSeen: minutesAgo(70), pod: null }),
        blocked({ host: 'api.weather.example', count: 1234, lastSeen: minutesAgo(2) }),
      ],
    });
    renderWithBridge(<NetworkPage />, world.bridge);
    const [first, second] = await rows();
    expect(first?.textContent).toBe(
      'api.weather.example CONNECT4431,2342 minutes agoopenclaw-gateway-7d9f-abcdeAllow this domain…',
    );
    expect(second?.textContent).toContain('1 hour ago');
    expect(second?.textContent).toContain('unknown pod');

    act(() =>
      world.bridge.emit('proxy:blocked', [
        blocked({ host: 'old.example.com', count: 3, lastSeen: new Date().toISOString(), pod: null }),
        blocked({ host: 'api.weather.example', count: 1234, lastSeen: minutesAgo(2) }),
      ]),
    );
    const [latest] = await rows();
    expect(latest?.textContent).toContain('old.example.com');
    expect(latest?.textContent).toContain('now');
  });

  it('asks before allowing, showing exactly the entry it adds, then adds it to the user’s domains and applies', async () => {
    const world = networkWorld({
      domains: ['docs.example.org'],
      blocked: [blocked({ host: 'api.weather.example', count: 7 })],
    });
    renderWithBridge(<NetworkPage />, world.bridge);
    await rows();
    const allow = within(section()).getByRole('button', { name: 'Allow this domain: api.weather.example…' });
    allow.focus();
    fireEvent.click(allow);
    const dialog = screen.getByRole('alertdialog', { name: 'Allow api.weather.example?' });
    expect(
      within(dialog).getByText(/The proxy refused api\.weather\.example on port 443 \(7 attempts/),
    ).toBeTruthy();
    const only = within(dialog).getByRole('radio', { name: 'api.weather.example — this host only' });
    const parent = within(dialog).getByRole('radio', {
      name: '.weather.example — weather.example and every name under it',
    });
    expect(only).toHaveProperty('checked', true);
    const entry = dialog.querySelector('.allow-entry');
    expect(entry?.textContent).toBe('api.weather.example');
    fireEvent.click(parent);
    expect(entry?.textContent).toBe('.weather.example');
    expect(world.bridge.calls.some(call => call.channel === 'proxy:set-allowlist')).toBe(false);

    fireEvent.click(within(dialog).getByRole('button', { name: 'Add and apply' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await waitFor(() => expect(world.domains).toEqual(['docs.example.org', '.weather.example']));
    expect(world.bridge.calls.find(call => call.channel === 'proxy:set-allowlist')?.input).toEqual({
      presets: ['openclaw'],
      domains: ['docs.example.org', '.weather.example'],
    });
    expect(
      await within(section()).findByText('.weather.example is on the allowlist, and the proxy runs it.'),
    ).toBeTruthy();
    // The request it allowed now reads as allowed; the user's list shows the entry.
    expect(within(section()).getByText('On the allowlist (.weather.example)')).toBeTruthy();
    expect(
      within(screen.getByRole('list', { name: 'Your domains' })).getByText('.weather.example'),
    ).toBeTruthy();
  });

  it('keeps the user’s unsaved edits when a blocked domain is allowed', async () => {
    const world = networkWorld({ blocked: [blocked({ host: 'cdn.example.net' })] });
    renderWithBridge(<NetworkPage />, world.bridge);
    const input = await screen.findByRole<HTMLInputElement>('textbox', { name: 'Add a domain' });
    fireEvent.change(input, { target: { value: 'draft.example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await rows();
    fireEvent.click(within(section()).getByRole('button', { name: 'Allow this domain: cdn.example.net…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add and apply' }));
    await waitFor(() => expect(world.domains).toEqual(['cdn.example.net']));
    // The page hears the answer after the fake has saved it: wait for the list, not the save.
    await waitFor(() =>
      expect(
        within(screen.getByRole('list', { name: 'Your domains' }))
          .getAllByRole('listitem')
          .map(item => item.querySelector('code')?.textContent),
      ).toEqual(['draft.example.com', 'cdn.example.net']),
    );
    expect(screen.getByText('Unsaved changes: Apply sends them to the proxy.')).toBeTruthy();
  });

  it('says what it cannot allow, and warns when the port stays closed anyway', async () => {
    const world = networkWorld({
      blocked: [
        blocked({ host: 'clawbar-selftest-1a2b3c4d.invalid', lastSeen: minutesAgo(5) }),
        blocked({ host: '93.184.216.34', lastSeen: minutesAgo(3) }),
        blocked({ host: 'git.example.com', port: 22, lastSeen: minutesAgo(1) }),
      ],
    });
    renderWithBridge(<NetworkPage />, world.bridge);
    const [git, ip, probe] = await rows();
    if (!git || !ip || !probe) throw new Error('three rows expected');
    expect(probe.textContent).toContain('The self-test’s made-up name, refused on purpose.');
    expect(within(probe).queryByRole('button')).toBeNull();
    expect(ip.textContent).toContain('is an IP address');
    expect(within(ip).queryByRole('button')).toBeNull();
    fireEvent.click(within(git).getByRole('button', { name: 'Allow this domain: git.example.com…' }));
    expect(
      within(screen.getByRole('alertdialog')).getByText(
        /Port 22: the proxy only lets ports 80 and 443 through/,
      ),
    ).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('says when nothing was blocked yet, and when allowing failed', async () => {
    const world = networkWorld({
      handlers: {
        'proxy:set-allowlist': () => ({
          ok: false,
          error: { code: 'cluster-rollout-failed', message: 'egress-proxy did not become ready' },
        }),
      },
    });
    renderWithBridge(<NetworkPage />, world.bridge);
    expect(
      await within(await screen.findByRole('region', { name: 'Blocked requests' })).findByText(
        'No blocked requests yet.',
      ),
    ).toBeTruthy();
    act(() => world.bridge.emit('proxy:blocked', [blocked({ host: 'api.example.com' })]));
    fireEvent.click(
      await within(section()).findByRole('button', { name: 'Allow this domain: api.example.com…' }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Add and apply' }));
    const alert = await within(section()).findByRole('alert');
    expect(alert.textContent).toContain('api.example.com could not be allowed.');
    expect(alert.textContent).toContain('egress-proxy did not become ready');
  });
});
