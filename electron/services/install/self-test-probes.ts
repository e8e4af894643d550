import { allowlistEntryMatches } from '../../../common/allowlist';
import type { ProbeOutcome, SelfTestProbe, SelfTestProbeId } from '../../../common/selftest';
import type { PolicyEnforcement, PolicyToggleId } from '../../../common/sandbox';

/**
 * The self-test's probes, as data: what the probe pod runs for each (a busybox shell command), and
 * how its output and exit code read. Pure, so the probe script, the reading of its output and the
 * demo's simulated network all agree on one definition.
 */
export type ProbeSpec =
  | { id: SelfTestProbeId; kind: 'tcp'; host: string; port: number }
  | { id: SelfTestProbeId; kind: 'connect'; proxy: string; proxyPort: number; host: string; port: number }
  | { id: SelfTestProbeId; kind: 'http'; host: string; port: number; path: string };

export interface ProbePlan {
  /** The probes the pod runs (gateway-health runs on the Mac, through the port-forward). */
  inPod: ProbeSpec[];
  expected: Record<SelfTestProbeId, ProbeOutcome>;
  /** The allowlisted name the proxy-allowed probe asks for; null when the allowlist is empty. */
  allowedHost: string | null;
}

export interface ProbeInputs {
  internet: boolean;
  localModels: boolean;
  allowlist: readonly string[];
  proxyHost: string;
  proxyPort: number;
  hostAddress: string;
  hostAlias: string;
  ollamaPort: number;
  /** A random label, so the denied name is never one a user allowed. */
  nonce: string;
}

/** A port on the Mac nothing in the sandbox may reach: SSH. */
const otherHostPort = 22;

export function planProbes(inputs: ProbeInputs): ProbePlan {
  const allowedHost = exampleHost(inputs.allowlist);
  // Reserved names (RFC 2606/6761) that no allowlist entry covers: Squid must refuse them.
  const candidates = ['invalid', 'test', 'example'].map(tld => `clawbar-selftest-${inputs.nonce}.${tld}`);
  const deniedHost =
    candidates.find(host => !inputs.allowlist.some(entry => allowlistEntryMatches(entry, host))) ??
    `clawbar-selftest-${inputs.nonce}.invalid`;
  const inPod: ProbeSpec[] = [
    { id: 'direct-internet', kind: 'tcp', host: '1.1.1.1', port: 443 },
    {
      id: 'proxy-allowed',
      kind: 'connect',
      proxy: inputs.proxyHost,
      proxyPort: inputs.proxyPort,
      host: allowedHost ?? 'api.anthropic.com',
      port: 443,
    },
    {
      id: 'proxy-denied',
      kind: 'connect',
      proxy: inputs.proxyHost,
      proxyPort: inputs.proxyPort,
      host: deniedHost,
      port: 443,
    },
    {
      id: 'local-models',
      kind: 'http',
      host: inputs.hostAlias,
      port: inputs.ollamaPort,
      path: '/api/version',
    },
    { id: 'host-other-ports', kind: 'tcp', host: inputs.hostAddress, port: otherHostPort },
  ];
  return {
    inPod,
    allowedHost,
    expected: {
      'direct-internet': 'blocked',
      'proxy-allowed': inputs.internet && allowedHost ? 'allowed' : 'blocked',
      'proxy-denied': 'blocked',
      'local-models': inputs.localModels ? 'allowed' : 'blocked',
      'host-other-ports': 'blocked',
      'gateway-health': 'ok',
    },
  };
}

/** An exact name the allowlist lets through (a `.suffix` entry stands for its own domain). */
function exampleHost(allowlist: readonly string[]): string | null {
  const exact = allowlist.find(entry => !entry.startsWith('.'));
  if (exact) return exact;
  const suffix = allowlist.find(entry => entry.startsWith('.'));
  return suffix ? suffix.slice(1) : null;
}

/** The busybox shell command for one probe; its output's first line is what is read. */
export function probeCommand(spec: ProbeSpec): string {
  switch (spec.kind) {
    case 'tcp':
      return `nc -z -w 3 ${spec.host} ${spec.port}`;
    case 'connect':
      return (
        `printf 'CONNECT ${spec.host}:${spec.port} HTTP/1.1\\r\\nHost: ${spec.host}:${spec.port}\\r\\n\\r\\n' ` +
        `| nc -w 5 ${spec.proxy} ${spec.proxyPort} | head -n 1`
      );
    case 'http':
      return (
        `printf 'GET ${spec.path} HTTP/1.0\\r\\nHost: ${spec.host}:${spec.port}\\r\\n\\r\\n' ` +
        `| nc -w 3 ${spec.host} ${spec.port} | head -n 1`
      );
  }
}

export const probeLinePrefix = 'clawbar-probe';

/**
 * The probe pod's script: runs each probe and prints one line per probe,
 * `clawbar-probe <id> <exit code> <output, newlines folded, at most 300 bytes>`.
 */
export function probeScript(specs: readonly ProbeSpec[]): string {
  const lines = [
    'probe() {',
    '  id="$1"; shift',
    '  out="$(sh -c "$1" 2>&1)"; code=$?',
    `  printf '${probeLinePrefix} %s %s %s\\n' "$id" "$code" "$(printf '%s' "$out" | tr '\\r\\n' '  ' | head -c 300)"`,
    '}',
    ...specs.map(spec => `probe ${spec.id} ${shellQuote(probeCommand(spec))}`),
  ];
  return `${lines.join('\n')}\n`;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface ProbeResult {
  id: SelfTestProbeId;
  exitCode: number;
  output: string;
}

/** Reads the probe pod's log; lines that are not probe lines (busybox noise) are ignored. */
export function parseProbeLines(lines: readonly string[]): ProbeResult[] {
  const results: ProbeResult[] = [];
  for (const line of lines) {
    const match = /^clawbar-probe (\S+) (\d+) ?(.*)$/.exec(line.trim());
    if (!match) continue;
    results.push({
      id: match[1] as SelfTestProbeId,
      exitCode: Number(match[2]),
      output: (match[3] ?? '').trim(),
    });
  }
  return results;
}

/** What a probe's exit code and output say happened. */
export function probeOutcome(spec: ProbeSpec, result: ProbeResult): ProbeOutcome {
  const output = result.output;
  // The packet reached the other side, which said no: the network let it through.
  const refused = /connection refused/i.test(output);
  switch (spec.kind) {
    case 'tcp':
      return result.exitCode === 0 || refused ? 'allowed' : 'blocked';
    case 'connect': {
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(output)?.[1];
      if (status === '200') return 'allowed';
      if (status === '403') return 'blocked';
      // Squid answered but could not reach the site (no internet from here): it cannot say.
      if (status === '502' || status === '503' || status === '504') return 'not-testable';
      return 'blocked';
    }
    case 'http': {
      if (/^HTTP\/1\.[01] 2\d\d/.test(output)) return 'allowed';
      if (refused) return 'failed';
      return 'blocked';
    }
  }
}

/** Whether the actual outcome passes: `not-testable` only for the allowlisted domain, offline. */
export function probePassed(id: SelfTestProbeId, expected: ProbeOutcome, actual: ProbeOutcome): boolean {
  if (actual === expected) return true;
  return id === 'proxy-allowed' && expected === 'allowed' && actual === 'not-testable';
}

/**
 * A toggle that is off while its flow got through is NOT ENFORCED; direct internet getting through
 * means the default deny is not enforced, so no internet restriction holds.
 */
export function enforcementFrom(
  probes: readonly SelfTestProbe[],
  toggles: { internet: boolean; localModels: boolean },
): Record<PolicyToggleId, PolicyEnforcement> {
  const actual = (id: SelfTestProbeId) => probes.find(probe => probe.id === id)?.actual;
  const leaked = (id: SelfTestProbeId) => actual(id) === 'allowed';
  const internetBroken =
    leaked('direct-internet') || leaked('host-other-ports') || (!toggles.internet && leaked('proxy-allowed'));
  const localBroken = !toggles.localModels && (leaked('local-models') || actual('local-models') === 'failed');
  return {
    internet: internetBroken ? 'not-enforced' : 'enforced',
    'local-models': localBroken ? 'not-enforced' : 'enforced',
  };
}
