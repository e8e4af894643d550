import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { LogLine, LogTarget } from '../../../common/logs';
import type { ContainerView, PodView } from '../../../common/sandbox';
import type { AppState } from '../../../common/state';
import { initialClusterView } from '../../../common/sandbox';
import {
  fakeBridge,
  sampleAppState,
  sampleInfo,
  sampleSettingsView,
  type FakeHandlers,
} from '../test-support/fake-bridge';
import { renderWithBridge } from '../test-support/render';
import { LogsPage } from './LogsPage';

const gatewayPod = 'openclaw-gateway-7d9f6c5b8-x2x7q';
const proxyPod = 'egress-proxy-5c4b9d7f6-abcde';

function container(name: string, overrides: Partial<ContainerView> = {}): ContainerView {
  return {
    name,
    init: false,
    image: `example/${name}:1`,
    ready: true,
    restarts: 0,
    state: 'running',
    reason: null,
    lastTermination: null,
    ...overrides,
  };
}

function pod(
  name: string,
  role: PodView['role'],
  containers: ContainerView[],
  overrides: Partial<PodView> = {},
): PodView {
  return {
    name,
    role,
    phase: 'Running',
    ready: true,
    restarts: containers.reduce((sum, item) => sum + item.restarts, 0),
    startedAt: '2026-12-03T09:00:00.000Z',
    podIp: '10.42.0.7',
    containers,
    deleting: false,
    ...overrides,
  };
}

const defaultPods = (): PodView[] => [
  pod(gatewayPod, 'gateway', [
    container('seed-config', { init: true, state: 'terminated', reason: 'Completed' }),
    container('gateway'),
  ]),
  pod(proxyPod, 'proxy', [container('squid')]),
];

function stateWith(pods: PodView[], revision = 1, cluster: Partial<AppState['cluster']> = {}): AppState {
  return sampleAppState({
    revision,
    cluster: { ...initialClusterView(), connected: true, installed: true, pods, ...cluster },
  });
}

const targetsOf = (pods: PodView[]): LogTarget[] =>
  pods.map(item => ({
    pod: item.name,
    role: item.role,
    containers: item.containers.map(entry => ({
      name: entry.name,
      init: entry.init,
      hasPrevious: entry.restarts > 0,
    })),
  }));

function setup(options: { state?: AppState; handlers?: FakeHandlers; language?: 'en' | 'fr' } = {}) {
  const state = options.state ?? stateWith(defaultPods());
  let streams = 0;
  const bridge = fakeBridge({
    'app:get-state': () => ({ ok: true, value: state }),
    'app:get-info': () => ({ ok: true, value: sampleInfo }),
    'settings:get': () => ({ ok: true, value: sampleSettingsView() }),
    'logs:targets': () => ({ ok: true, value: targetsOf(state.cluster.pods) }),
    'logs:open': input => ({
      ok: true,
      value: { streamId: `stream-${++streams}`, pod: input.pod, container: input.container ?? '' },
    }),
    'logs:close': () => ({ ok: true, value: true }),
    ...options.handlers,
  });
  const rendered = renderWithBridge(<LogsPage />, bridge, {
    page: 'logs',
    language: options.language ?? 'en',
  });
  const opens = () => bridge.calls.filter(call => call.channel === 'logs:open').map(call => call.input);
  const closes = () => bridge.calls.filter(call => call.channel === 'logs:close').map(call => call.input);
  /** Sends lines on the latest stream, and waits for the frame that shows them. */
  const send = async (texts: string[], first = 0, time: string | null = null): Promise<void> => {
    const lines: LogLine[] = texts.map((text, index) => ({ seq: first + index, text, time }));
    act(() => bridge.emit('logs:lines', { streamId: `stream-${streams}`, lines }));
    await act(() => new Promise(resolve => requestAnimationFrame(() => resolve(undefined))));
  };
  return { bridge, ...rendered, opens, closes, send, streamId: () => `stream-${streams}` };
}

const list = () => screen.getByRole('listbox', { name: `Log of ${gatewayPod}, container gateway` });
const rows = () => within(list()).getAllByRole('option');
const row = (index: number): HTMLElement => {
  const found = rows()[index];
  if (!found) throw new Error(`no row ${index}`);
  return found;
};

/** jsdom's Blob has no text(): read it the older way. */
function readBlob(blob: Blob | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!blob) {
      reject(new Error('no blob'));
      return;
    }
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsText(blob);
  });
}

afterEach(() => {
  vi.restoreAllMocks();
  window.localStorage.clear();
});

describe('LogsPage', () => {
  it('explains that there is no cluster yet and leads to the VM on the dashboard', async () => {
    const { store } = setup({ state: sampleAppState() });
    expect(await screen.findByRole('heading', { name: 'No cluster yet' })).toBeTruthy();
    expect(screen.getByText(/Kubernetes is not created: start the VM from the dashboard\./)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Go to the VM' }));
    expect(store.getState().page).toBe('dashboard');
  });

  it('says when the sandbox is not installed, and when its pods are not there yet', async () => {
    setup({ state: stateWith([], 1, { installed: false }) });
    expect(await screen.findByRole('heading', { name: 'The sandbox is not installed' })).toBeTruthy();
  });

  it('opens the gateway’s app container, follows, and shows the lines that arrive', async () => {
    const { opens, send } = setup();
    await waitFor(() => expect(opens()).toHaveLength(1));
    expect(opens()[0]).toEqual({
      pod: gatewayPod,
      container: 'gateway',
      previous: false,
      follow: true,
      timestamps: true,
      tailLines: 1000,
    });
    expect(await screen.findByText('No lines yet: they appear here as gateway writes them.')).toBeTruthy();
    await send(['gateway listening on 0.0.0.0:18789', '[ERROR] could not reach api.anthropic.com']);
    expect(rows().map(row => row.textContent)).toEqual([
      'gateway listening on 0.0.0.0:18789',
      '[ERROR] could not reach api.anthropic.com',
    ]);
    const error = rows()[1];
    expect(error?.className).toContain('log-row-error');
    expect(error?.getAttribute('aria-label')).toBe('Error: [ERROR] could not reach api.anthropic.com');
    expect(error?.getAttribute('aria-setsize')).toBe('2');
    // A slow stream is read out; the region is the log of the chosen container.
    expect(
      screen.getByRole('log', { name: `Log of ${gatewayPod}, container gateway` }).getAttribute('aria-live'),
    ).toBe('polite');
    expect(screen.getByText('Streaming')).toBeTruthy();
    expect(screen.getByText('2 of 100,000 lines kept')).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Pod' })).toHaveProperty('value', gatewayPod);
    expect(
      within(screen.getByRole('combobox', { name: 'Container' })).getByText('seed-config (init)'),
    ).toBeTruthy();
    expect(screen.getByText('Running · restarts: 0')).toBeTruthy();
  });

  it('shows the pod another page asked for (“Open logs”), then forgets the request', async () => {
    const { opens, store } = setup();
    act(() => store.getState().openLogs({ pod: proxyPod, container: null }));
    await waitFor(() => expect(opens()).toHaveLength(1));
    expect(opens()[0]).toMatchObject({ pod: proxyPod, container: 'squid' });
    await waitFor(() => expect(store.getState().logsTarget).toBeNull());
    expect(screen.getByRole('combobox', { name: 'Pod' })).toHaveProperty('value', proxyPod);
  });

  it('stops reading a fast stream out loud', async () => {
    const { send } = setup();
    await waitFor(() => expect(screen.getByText('Streaming')).toBeTruthy());
    await send(Array.from({ length: 500 }, (_, index) => `burst ${index}`));
    const region = screen.getByRole('log', { name: `Log of ${gatewayPod}, container gateway` });
    expect(region.getAttribute('aria-live')).toBe('off');
    // Only what is on screen is in the document.
    expect(rows().length).toBeLessThan(60);
    expect(row(rows().length - 1).textContent).toBe('burst 499');
  });

  it('moves to the gateway when it comes after the proxy, unless the user picked', async () => {
    const proxyOnly = defaultPods().filter(item => item.role === 'proxy');
    const { bridge, opens } = setup({ state: stateWith(proxyOnly) });
    await waitFor(() => expect(opens()).toHaveLength(1));
    expect(opens()[0]).toMatchObject({ pod: proxyPod });
    act(() => bridge.emit('state:changed', stateWith(defaultPods(), 2)));
    await waitFor(() => expect(opens()).toHaveLength(2));
    expect(opens()[1]).toMatchObject({ pod: gatewayPod, container: 'gateway' });
    // Picked by hand: it stays, whatever comes.
    fireEvent.change(screen.getByRole('combobox', { name: 'Pod' }), { target: { value: proxyPod } });
    await waitFor(() => expect(opens()).toHaveLength(3));
    const another = defaultPods();
    another.push(pod('openclaw-gateway-7d9f6c5b8-other', 'gateway', [container('gateway')]));
    act(() => bridge.emit('state:changed', stateWith(another, 3)));
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(opens()).toHaveLength(3);
  });

  it('renders ANSI colours as styled spans and never as markup', async () => {
    const { send } = setup();
    await waitFor(() => expect(screen.getByText('Streaming')).toBeTruthy());
    await send(['\u001b[1;32mready\u001b[0m <b>not bold</b> \u001b[38;2;255;128;0morange\u001b[0m']);
    const styled = row(0);
    expect(styled.textContent).toBe('ready <b>not bold</b> orange');
    expect(styled.querySelector('b')).toBeNull();
    expect(within(styled).getByText('ready').className).toBe('ansi-fg-2 ansi-bold');
    expect(within(styled).getByText('orange').style.color).toBe('rgb(255, 128, 0)');
  });

  it('searches with highlights, a match count and next/previous, and reports an invalid regex inline', async () => {
    const { send } = setup();
    await waitFor(() => expect(screen.getByText('Streaming')).toBeTruthy());
    await send([
      'GET /health 200',
      'GET /v1/chat 502 upstream error',
      'GET /health 200',
      'retry error again',
    ]);
    const search = screen.getByRole('searchbox', { name: 'Search the log' });
    fireEvent.change(search, { target: { value: 'error' } });
    expect(await screen.findByText('2 matches')).toBeTruthy();
    expect(list().querySelectorAll('mark.log-match')).toHaveLength(2);
    fireEvent.submit(search);
    expect(await screen.findByText('1 of 2')).toBeTruthy();
    expect(list().querySelector('mark.log-match-current')?.closest('[role="option"]')?.textContent).toBe(
      'GET /v1/chat 502 upstream error',
    );
    // Moving to a match holds the view still.
    expect(screen.getByRole('button', { name: 'Follow' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Next match' }));
    expect(await screen.findByText('2 of 2')).toBeTruthy();
    fireEvent.keyDown(search, { key: 'Enter', shiftKey: true });
    expect(await screen.findByText('1 of 2')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Regex', pressed: false }));
    fireEvent.change(search, { target: { value: 'GET /(health' } });
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /^Not a valid regular expression: Invalid regular expression/,
    );
    expect(search.getAttribute('aria-invalid')).toBe('true');
    expect(rows()).toHaveLength(4);
    fireEvent.change(search, { target: { value: 'GET /(health|v1)' } });
    expect(await screen.findByText('3 matches')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Match case', pressed: false }));
    fireEvent.change(search, { target: { value: 'get' } });
    expect(await screen.findByText('No matches')).toBeTruthy();
  });

  it('pause holds the view while lines keep arriving, and “new lines” jumps back to following', async () => {
    const { send } = setup();
    await waitFor(() => expect(screen.getByText('Streaming')).toBeTruthy());
    await send(['one', 'two']);
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await send(['three', 'four', 'five'], 2);
    expect(rows().map(row => row.textContent)).toEqual(['one', 'two']);
    const jump = await screen.findByRole('button', { name: '3 new lines' });
    expect(screen.getByText(/Streaming · paused/)).toBeTruthy();
    fireEvent.click(jump);
    await waitFor(() => expect(rows()).toHaveLength(5));
    expect(screen.queryByRole('button', { name: /new lines/ })).toBeNull();
    expect(screen.getByRole('button', { name: 'Pause' })).toBeTruthy();
  });

  it('selects lines with click, shift-click and the keyboard, and copies their text', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const { send } = setup();
    await waitFor(() => expect(screen.getByText('Streaming')).toBeTruthy());
    await send(
      ['alpha', '\u001b[31mbravo\u001b[0m', 'charlie', 'delta'],
      0,
      '2026-12-03T10:00:01.123456789Z',
    );
    fireEvent.click(row(1));
    fireEvent.click(row(2), { shiftKey: true });
    expect(rows().map(row => row.getAttribute('aria-selected'))).toEqual(['false', 'true', 'true', 'false']);
    expect(screen.getByText('2 selected')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('bravo\ncharlie'));
    expect(await screen.findByText('Copied 2 lines.', { selector: '[role="status"]' })).toBeTruthy();

    // With times shown, copies carry the kubelet's exact time.
    fireEvent.click(screen.getByRole('button', { name: 'Timestamps', pressed: false }));
    const listbox = list();
    fireEvent.keyDown(listbox, { key: 'Home' });
    fireEvent.keyDown(listbox, { key: 'ArrowDown', shiftKey: true });
    expect(listbox.getAttribute('aria-activedescendant')).toBe(rows()[1]?.id);
    fireEvent.keyDown(listbox, { key: 'c', metaKey: true });
    await waitFor(() =>
      expect(writeText).toHaveBeenLastCalledWith(
        '2026-12-03T10:00:01.123456789Z alpha\n2026-12-03T10:00:01.123456789Z bravo',
      ),
    );
    expect(rows()[0]?.querySelector('.log-time')?.getAttribute('title')).toBe(
      '2026-12-03T10:00:01.123456789Z',
    );
    fireEvent.keyDown(listbox, { key: 'a', ctrlKey: true });
    expect(screen.getByText('4 selected')).toBeTruthy();
    fireEvent.keyDown(listbox, { key: 'Escape' });
    expect(screen.getByRole('button', { name: 'Copy' })).toHaveProperty('disabled', true);
  });

  it('falls back to the copy command when the Clipboard API is refused', async () => {
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) },
      configurable: true,
    });
    let copied = '';
    const execCommand = vi.fn((command: string) => {
      const event = new Event('copy', { bubbles: true, cancelable: true }) as ClipboardEvent;
      Object.defineProperty(event, 'clipboardData', {
        value: { setData: (_: string, text: string) => (copied = text) },
      });
      document.dispatchEvent(event);
      return command === 'copy';
    });
    Object.defineProperty(document, 'execCommand', { value: execCommand, configurable: true });
    const { send } = setup();
    await waitFor(() => expect(screen.getByText('Streaming')).toBeTruthy());
    await send(['only line']);
    fireEvent.click(row(0));
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    expect(await screen.findByText('Copied 1 lines.', { selector: '[role="status"]' })).toBeTruthy();
    expect(copied).toBe('only line');
  });

  it('exports the whole buffer as <pod>-<container>-<time>.log', async () => {
    const blobs: Blob[] = [];
    Object.defineProperty(URL, 'createObjectURL', {
      value: (blob: Blob) => {
        blobs.push(blob);
        return 'blob:clawbar/1';
      },
      configurable: true,
    });
    Object.defineProperty(URL, 'revokeObjectURL', { value: () => undefined, configurable: true });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const { send } = setup();
    await waitFor(() => expect(screen.getByText('Streaming')).toBeTruthy());
    await send(['first \u001b[33mline\u001b[0m', 'second line']);
    fireEvent.click(screen.getByRole('button', { name: 'Export' }));
    expect(click).toHaveBeenCalledTimes(1);
    const link = click.mock.contexts[0] as HTMLAnchorElement;
    expect(link.download).toMatch(new RegExp(`^${gatewayPod}-gateway-\\d{8}T\\d{6}Z\\.log$`));
    expect(link.href).toBe('blob:clawbar/1');
    expect(await readBlob(blobs[0])).toBe('first line\nsecond line\n');
    expect(
      await screen.findByText(/^Saved 2 lines as openclaw-gateway/, { selector: '[role="status"]' }),
    ).toBeTruthy();
  });

  it('switching pod closes the stream and opens the other one; leaving the page closes it too', async () => {
    const { opens, closes, unmount } = setup();
    await waitFor(() => expect(opens()).toHaveLength(1));
    fireEvent.change(screen.getByRole('combobox', { name: 'Pod' }), { target: { value: proxyPod } });
    await waitFor(() => expect(opens()).toHaveLength(2));
    expect(opens()[1]).toMatchObject({ pod: proxyPod, container: 'squid' });
    expect(closes()).toEqual([{ streamId: 'stream-1' }]);
    fireEvent.change(screen.getByRole('combobox', { name: 'Start with' }), { target: { value: '100' } });
    await waitFor(() => expect(opens()).toHaveLength(3));
    expect(opens()[2]).toMatchObject({ pod: proxyPod, tailLines: 100 });
    unmount();
    expect(closes().at(-1)).toEqual({ streamId: 'stream-3' });
  });

  it('offers the previous container once it has restarted', async () => {
    const pods = defaultPods();
    const restarted = pods[0];
    if (restarted) {
      restarted.containers[1] = container('gateway', {
        restarts: 3,
        lastTermination: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-12-03T09:59:00.000Z' },
      });
    }
    const { opens } = setup({ state: stateWith(pods) });
    await waitFor(() => expect(opens()).toHaveLength(1));
    expect(screen.getByText('Running · restarts: 3 · last ended: OOMKilled, exit code 137')).toBeTruthy();
    const previous = screen.getByRole('button', { name: 'Previous container' });
    expect(previous).toHaveProperty('disabled', false);
    fireEvent.click(previous);
    await waitFor(() => expect(opens()).toHaveLength(2));
    expect(opens()[1]).toMatchObject({ previous: true, follow: false });
  });

  it('keeps the previous container off for one that never restarted', async () => {
    setup();
    expect(await screen.findByRole('button', { name: 'Previous container' })).toHaveProperty(
      'disabled',
      true,
    );
  });

  it('explains a waiting container and reads it as soon as it runs', async () => {
    const waitingPods = defaultPods();
    const gateway = waitingPods[0];
    if (gateway)
      gateway.containers[1] = container('gateway', {
        state: 'waiting',
        reason: 'ContainerCreating',
        ready: false,
      });
    const state = stateWith(waitingPods);
    const { bridge, opens } = setup({
      state,
      handlers: {
        'logs:open': () => ({
          ok: false,
          error: {
            code: 'cluster-bad-request',
            message: `container "gateway" in pod "${gatewayPod}" is waiting to start: ContainerCreating`,
          },
        }),
      },
    });
    expect(await screen.findByText('The container is waiting')).toBeTruthy();
    expect(
      screen.getByText(
        'gateway has not started (ContainerCreating). Its log appears here as soon as it runs.',
      ),
    ).toBeTruthy();
    act(() => bridge.emit('state:changed', stateWith(defaultPods(), 2)));
    await waitFor(() => expect(opens()).toHaveLength(2));
  });

  it('says when the pod is gone, keeps its lines, and offers the pod that replaced it', async () => {
    const { bridge, send, opens } = setup();
    await waitFor(() => expect(screen.getByText('Streaming')).toBeTruthy());
    await send(['last words before the rollout']);
    act(() => bridge.emit('logs:status', { streamId: 'stream-1', state: 'ended', dropped: 0, error: null }));
    const replacement = 'openclaw-gateway-7d9f6c5b8-newpod';
    const next = defaultPods();
    const gateway = next[0];
    if (gateway) gateway.name = replacement;
    act(() => bridge.emit('state:changed', stateWith(next, 2)));
    expect(await screen.findByText('This pod is gone')).toBeTruthy();
    expect(screen.getByText('Ended: the container is gone')).toBeTruthy();
    expect(rows().map(row => row.textContent)).toEqual(['last words before the rollout']);
    fireEvent.click(screen.getByRole('button', { name: `Show ${replacement}` }));
    await waitFor(() => expect(opens().at(-1)).toMatchObject({ pod: replacement, container: 'gateway' }));
  });

  it('shows a failed stream with its error and tries again', async () => {
    const { bridge, opens } = setup();
    await waitFor(() => expect(screen.getByText('Streaming')).toBeTruthy());
    act(() =>
      bridge.emit('logs:status', {
        streamId: 'stream-1',
        state: 'failed',
        dropped: 42,
        error: { code: 'cluster-unreachable', message: 'The log stream could not reconnect.' },
      }),
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(
      'The k3s API does not answer. Is the VM running? The log stream could not reconnect.',
    );
    expect(
      screen.getByText('42 lines skipped: the stream was faster than this window could take'),
    ).toBeTruthy();
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(opens()).toHaveLength(2));
  });

  it('keeps the wrap and timestamp choices for next time', async () => {
    const first = setup();
    fireEvent.click(await screen.findByRole('button', { name: 'Wrap lines', pressed: false }));
    first.unmount();
    setup();
    expect(await screen.findByRole('button', { name: 'Wrap lines', pressed: true })).toBeTruthy();
  });

  it('speaks French', async () => {
    setup({ language: 'fr' });
    expect(await screen.findByRole('button', { name: 'Pause' })).toBeTruthy();
    expect(screen.getByRole('searchbox', { name: 'Rechercher dans le journal' })).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Conteneur' })).toBeTruthy();
    expect(await screen.findByText('En direct')).toBeTruthy();
  });
});
