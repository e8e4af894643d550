import { allowlistView, mergeAllowlist } from '../../../../common/allowlist';
import type { AllowlistPresetId } from '../../../../common/allowlist-presets';
import type { BlockedRequest } from '../../../../common/proxy-log';
import type { ClusterOperation } from '../../../../common/sandbox';
import type { SelfTestReport } from '../../../../common/selftest';
import type { AppState } from '../../../../common/state';
import { runningSandbox } from '../dashboard/test-pods';
import {
  fakeBridge,
  sampleInfo,
  sampleSettingsView,
  type FakeBridge,
  type FakeHandlers,
} from '../../test-support/fake-bridge';

/**
 * A sandbox for the Network page's tests that answers like the services do: the allowlist is
 * validated as the settings store's validator does (refused with `settings-invalid` and one
 * `sandbox.allowlist.domains.<i>` issue per bad entry), saved, and reported back as AllowlistView.
 */
export interface NetworkWorld {
  state: AppState;
  presets: AllowlistPresetId[];
  domains: string[];
  blocked: BlockedRequest[];
  bridge: FakeBridge;
  /** Pushes a new AppState, as the services do after a change. */
  push(change: (state: AppState) => AppState): void;
}

export function networkWorld(
  options: {
    state?: AppState;
    presets?: AllowlistPresetId[];
    domains?: string[];
    blocked?: BlockedRequest[];
    handlers?: FakeHandlers;
  } = {},
): NetworkWorld {
  const presets = options.presets ?? ['openclaw'];
  const domains = options.domains ?? [];
  const state = options.state ?? readySandbox();
  const world: NetworkWorld = {
    state: { ...state, cluster: { ...state.cluster, allowlist: mergeAllowlist(presets, domains).entries } },
    presets,
    domains,
    blocked: options.blocked ?? [],
    bridge: fakeBridge({}),
    push: change => {
      world.state = { ...change(world.state), revision: world.state.revision + 1 };
      world.bridge.emit('state:changed', world.state);
    },
  };
  world.bridge = fakeBridge({
    'app:get-state': () => ({ ok: true, value: world.state }),
    'app:get-info': () => ({ ok: true, value: sampleInfo }),
    'settings:get': () => ({ ok: true, value: sampleSettingsView() }),
    'proxy:get-allowlist': () => ({
      ok: true,
      value: allowlistView(world.presets, world.domains, world.state.cluster.allowlist),
    }),
    'proxy:set-allowlist': input => {
      const { issues, entries } = mergeAllowlist(input.presets, input.domains);
      if (issues.length > 0) {
        return {
          ok: false,
          error: {
            code: 'settings-invalid',
            message: 'Invalid settings',
            issues: issues.map(issue => ({
              path: `sandbox.allowlist.domains.${issue.index}`,
              message: `${issue.entry}: ${issue.code}`,
            })),
          },
        };
      }
      world.presets = input.presets;
      world.domains = input.domains;
      world.push(current => ({ ...current, cluster: { ...current.cluster, allowlist: entries } }));
      return { ok: true, value: allowlistView(world.presets, world.domains, entries) };
    },
    'proxy:blocked': () => ({ ok: true, value: world.blocked }),
    ...options.handlers,
  });
  return world;
}

/** The VM, k3s, both pods and the toggles on, proven by a passing self-test. */
export function readySandbox(): AppState {
  const base = runningSandbox();
  return {
    ...base,
    install: { ...base.install, status: 'succeeded', completedAt: '2026-12-03T08:00:00.000Z' },
  };
}

export function operation(overrides: Partial<ClusterOperation> = {}): ClusterOperation {
  return {
    id: 'op-1',
    kind: 'policies',
    target: null,
    status: 'running',
    progress: { step: 'applying', done: 3, total: 8, detail: 'Applying NetworkPolicy/gateway-to-host-llm' },
    error: null,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    ...overrides,
  };
}

/** A report as services/install writes it, with the evidence of a real run. */
export function selfTestReport(overrides: Partial<SelfTestReport> = {}): SelfTestReport {
  const finishedAt = new Date(Date.now() - 3 * 60_000).toISOString();
  return {
    passed: true,
    startedAt: new Date(Date.now() - 4 * 60_000).toISOString(),
    finishedAt,
    probes: [
      {
        id: 'direct-internet',
        expected: 'blocked',
        actual: 'blocked',
        passed: true,
        evidence: {
          command: 'nc -z -w 3 1.1.1.1 443',
          exitCode: 1,
          output: 'nc: 1.1.1.1 (1.1.1.1:443): Connection timed out',
        },
      },
      {
        id: 'proxy-allowed',
        expected: 'allowed',
        actual: 'not-testable',
        passed: true,
        evidence: {
          command:
            "printf 'CONNECT ghcr.io:443 HTTP/1.1\\r\\nHost: ghcr.io:443\\r\\n\\r\\n' | nc -w 5 egress-proxy 3128 | head -n 1",
          exitCode: 0,
          output: 'HTTP/1.1 503 Service Unavailable',
        },
      },
      {
        id: 'proxy-denied',
        expected: 'blocked',
        actual: 'blocked',
        passed: true,
        evidence: {
          command:
            "printf 'CONNECT clawbar-selftest-1a2b.invalid:443 HTTP/1.1\\r\\n…' | nc -w 5 egress-proxy 3128 | head -n 1",
          exitCode: 0,
          output: 'HTTP/1.1 403 Forbidden',
        },
      },
      {
        id: 'local-models',
        expected: 'allowed',
        actual: 'allowed',
        passed: true,
        evidence: {
          command: "printf 'GET /api/version HTTP/1.0\\r\\n…' | nc -w 3 host.lima.internal 11434 | head -n 1",
          exitCode: 0,
          output: 'HTTP/1.1 200 OK',
        },
      },
      {
        id: 'host-other-ports',
        expected: 'blocked',
        actual: 'blocked',
        passed: true,
        evidence: { command: 'nc -z -w 3 192.168.5.2 22', exitCode: 1, output: '(no output)' },
      },
      {
        id: 'gateway-health',
        expected: 'ok',
        actual: 'ok',
        passed: true,
        evidence: {
          command: 'GET http://127.0.0.1:18789/healthz',
          exitCode: null,
          output: 'HTTP 200 {"ok":true}',
        },
      },
    ],
    ...overrides,
  };
}
