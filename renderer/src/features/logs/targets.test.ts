import { describe, expect, it } from 'vitest';

import type { LogTarget } from '../../../../common/logs';
import type { ContainerView, PodView } from '../../../../common/sandbox';
import { defaultSelection, pickerPods, replacementFor, requestedSelection } from './targets';

const view = (name: string, overrides: Partial<ContainerView> = {}): ContainerView => ({
  name,
  init: false,
  image: 'x',
  ready: true,
  restarts: 0,
  state: 'running',
  reason: null,
  lastTermination: null,
  ...overrides,
});

const pod = (
  name: string,
  role: PodView['role'],
  containers: ContainerView[],
  deleting = false,
): PodView => ({
  name,
  role,
  phase: 'Running',
  ready: true,
  restarts: 0,
  startedAt: null,
  podIp: null,
  containers,
  deleting,
});

describe('pickerPods', () => {
  it('lists the live pods, gateway first, with what logs:targets says of their containers', () => {
    const pods = [
      pod('sandbox-selftest-1', 'probe', [view('probe')]),
      pod('egress-proxy-a', 'proxy', [view('squid')]),
      pod('openclaw-gateway-a', 'gateway', [view('seed-config', { init: true }), view('gateway')]),
    ];
    const targets: LogTarget[] = [
      {
        pod: 'openclaw-gateway-a',
        role: 'gateway',
        containers: [
          { name: 'seed-config', init: true, hasPrevious: false },
          { name: 'gateway', init: false, hasPrevious: true },
        ],
      },
      // Gone since: AppState no longer has it.
      {
        pod: 'openclaw-gateway-old',
        role: 'gateway',
        containers: [{ name: 'gateway', init: false, hasPrevious: false }],
      },
    ];
    const picked = pickerPods(targets, pods);
    expect(picked.map(item => item.name)).toEqual([
      'openclaw-gateway-a',
      'egress-proxy-a',
      'sandbox-selftest-1',
    ]);
    expect(picked[0]?.containers.map(item => [item.name, item.init, item.hasPrevious])).toEqual([
      ['seed-config', true, false],
      ['gateway', false, true],
    ]);
  });

  it('knows a restarted container has a previous log even before logs:targets answers', () => {
    const picked = pickerPods(null, [pod('egress-proxy-a', 'proxy', [view('squid', { restarts: 1 })])]);
    expect(picked[0]?.containers[0]?.hasPrevious).toBe(true);
  });

  it('uses logs:targets alone until AppState has pods', () => {
    const picked = pickerPods(
      [{ pod: 'p', role: 'proxy', containers: [{ name: 'squid', init: false, hasPrevious: false }] }],
      [],
    );
    expect(picked).toEqual([
      {
        name: 'p',
        role: 'proxy',
        deleting: false,
        containers: [{ name: 'squid', init: false, hasPrevious: false, view: null }],
      },
    ]);
  });
});

describe('choosing', () => {
  const pods = pickerPods(null, [
    pod('openclaw-gateway-old', 'gateway', [view('seed-config', { init: true }), view('gateway')], true),
    pod('openclaw-gateway-new', 'gateway', [view('seed-config', { init: true }), view('gateway')]),
    pod('egress-proxy-a', 'proxy', [view('squid')]),
  ]);

  it('starts with a gateway that is not being deleted, on its app container', () => {
    expect(defaultSelection(pods)).toEqual({
      pod: 'openclaw-gateway-new',
      container: 'gateway',
      role: 'gateway',
    });
    expect(defaultSelection([])).toBeNull();
  });

  it('offers the pod of the same role that replaced a gone one', () => {
    expect(replacementFor({ pod: 'openclaw-gateway-gone', role: 'gateway' }, pods)?.name).toBe(
      'openclaw-gateway-new',
    );
    expect(replacementFor({ pod: 'x', role: 'other' }, pods)).toBeNull();
  });

  it('resolves a request from another page', () => {
    expect(requestedSelection({ pod: 'egress-proxy-a', container: null }, pods)).toEqual({
      pod: 'egress-proxy-a',
      container: 'squid',
      role: 'proxy',
    });
    expect(requestedSelection({ pod: 'not-yet', container: null }, pods)).toBeNull();
    expect(requestedSelection({ pod: 'not-yet', container: 'gateway' }, pods)).toMatchObject({
      container: 'gateway',
    });
  });
});
