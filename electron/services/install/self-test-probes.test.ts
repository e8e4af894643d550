import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { SelfTestProbe } from '../../../common/selftest';
import { restrictedViolationsOf } from '../cluster/pod-security';
import {
  enforcementFrom,
  parseProbeLines,
  planProbes,
  probeOutcome,
  probePassed,
  probeScript,
  type ProbeInputs,
  type ProbeSpec,
} from './self-test-probes';
import { probePod } from './self-test';

const inputs: ProbeInputs = {
  internet: true,
  localModels: true,
  allowlist: ['.openclaw.ai', 'api.anthropic.com', 'ghcr.io'],
  proxyHost: 'egress-proxy',
  proxyPort: 3128,
  hostAddress: '192.168.5.2',
  hostAlias: 'host.lima.internal',
  ollamaPort: 11434,
  nonce: '1a2b3c4d',
};

const spec = (id: ProbeSpec['id']) => {
  const found = planProbes(inputs).inPod.find(candidate => candidate.id === id);
  if (!found) throw new Error(id);
  return found;
};

describe('planProbes', () => {
  it('expects what the toggles promise', () => {
    expect(planProbes(inputs).expected).toEqual({
      'direct-internet': 'blocked',
      'proxy-allowed': 'allowed',
      'proxy-denied': 'blocked',
      'local-models': 'allowed',
      'host-other-ports': 'blocked',
      'gateway-health': 'ok',
    });
    const off = planProbes({ ...inputs, internet: false, localModels: false }).expected;
    expect(off['proxy-allowed']).toBe('blocked');
    expect(off['local-models']).toBe('blocked');
  });

  it('asks for an exact allowlisted name, and a denied name no entry covers', () => {
    const plan = planProbes({ ...inputs, allowlist: ['.openclaw.ai', '.invalid'] });
    expect(plan.allowedHost).toBe('openclaw.ai');
    const denied = plan.inPod.find(probe => probe.id === 'proxy-denied');
    expect(denied).toMatchObject({ kind: 'connect', port: 443, host: 'clawbar-selftest-1a2b3c4d.test' });
    expect(planProbes({ ...inputs, allowlist: [] })).toMatchObject({ allowedHost: null });
    expect(planProbes({ ...inputs, allowlist: [] }).expected['proxy-allowed']).toBe('blocked');
  });
});

describe('probeScript', () => {
  it('is valid POSIX shell that prints one line per probe', () => {
    const script = probeScript(planProbes(inputs).inPod);
    expect(() => execFileSync('sh', ['-n', '-c', script])).not.toThrow();
    // Run it with an `nc` that answers like a network that drops everything.
    const bin = mkdtempSync(join(tmpdir(), 'clawbar-nc-'));
    writeFileSync(join(bin, 'nc'), '#!/bin/sh\necho "nc: timeout" >&2\nexit 1\n', { mode: 0o755 });
    const output = execFileSync('sh', ['-c', script], {
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env.PATH ?? ''}` },
    });
    rmSync(bin, { recursive: true, force: true });
    const results = parseProbeLines(output.split('\n'));
    expect(results.map(result => result.id)).toEqual([
      'direct-internet',
      'proxy-allowed',
      'proxy-denied',
      'local-models',
      'host-other-ports',
    ]);
    expect(results[0]).toEqual({ id: 'direct-internet', exitCode: 1, output: 'nc: timeout' });
  });
});

describe('probeOutcome', () => {
  it('reads TCP probes: connected or refused means the network let it through', () => {
    const tcp = spec('host-other-ports');
    expect(probeOutcome(tcp, { id: tcp.id, exitCode: 1, output: 'nc: timeout' })).toBe('blocked');
    expect(
      probeOutcome(tcp, {
        id: tcp.id,
        exitCode: 1,
        output: "nc: can't connect to remote host: Connection refused",
      }),
    ).toBe('allowed');
    expect(probeOutcome(tcp, { id: tcp.id, exitCode: 0, output: '' })).toBe('allowed');
  });

  it("reads Squid's answer to CONNECT", () => {
    const connect = spec('proxy-allowed');
    const read = (output: string) => probeOutcome(connect, { id: connect.id, exitCode: 0, output });
    expect(read('HTTP/1.1 200 Connection established')).toBe('allowed');
    expect(read('HTTP/1.1 403 Forbidden')).toBe('blocked');
    expect(read('HTTP/1.1 503 Service Unavailable')).toBe('not-testable');
    expect(read('')).toBe('blocked');
  });

  it('reads the Ollama probe: an answer, silence, or nothing listening', () => {
    const http = spec('local-models');
    expect(probeOutcome(http, { id: http.id, exitCode: 0, output: 'HTTP/1.0 200 OK' })).toBe('allowed');
    expect(probeOutcome(http, { id: http.id, exitCode: 1, output: 'nc: timeout' })).toBe('blocked');
    expect(probeOutcome(http, { id: http.id, exitCode: 1, output: 'Connection refused' })).toBe('failed');
  });

  it('accepts not-testable only for the allowlisted domain', () => {
    expect(probePassed('proxy-allowed', 'allowed', 'not-testable')).toBe(true);
    expect(probePassed('proxy-denied', 'blocked', 'not-testable')).toBe(false);
    expect(probePassed('local-models', 'allowed', 'failed')).toBe(false);
  });
});

describe('enforcementFrom', () => {
  const probe = (id: SelfTestProbe['id'], actual: SelfTestProbe['actual']): SelfTestProbe => ({
    id,
    expected: 'blocked',
    actual,
    passed: false,
    evidence: { command: '', exitCode: null, output: '' },
  });
  it('marks a toggle that is off but let its flow through as NOT ENFORCED', () => {
    expect(
      enforcementFrom([probe('local-models', 'allowed')], { internet: true, localModels: false }),
    ).toEqual({
      internet: 'enforced',
      'local-models': 'not-enforced',
    });
    expect(
      enforcementFrom([probe('proxy-allowed', 'allowed')], { internet: false, localModels: true }).internet,
    ).toBe('not-enforced');
    expect(
      enforcementFrom([probe('direct-internet', 'allowed')], { internet: true, localModels: true }).internet,
    ).toBe('not-enforced');
    expect(
      enforcementFrom([probe('local-models', 'allowed')], { internet: true, localModels: true }),
    ).toEqual({
      internet: 'enforced',
      'local-models': 'enforced',
    });
  });
});

describe('probePod', () => {
  it('passes Pod Security "restricted" and carries the gateway labels but its own component', () => {
    const pod = probePod('sandbox-selftest-abc', 'openclaw', planProbes(inputs).inPod);
    expect(restrictedViolationsOf(pod as never)).toEqual([]);
    expect(pod.metadata?.labels).toMatchObject({
      'app.kubernetes.io/name': 'openclaw-gateway',
      'app.kubernetes.io/component': 'selftest',
      'app.kubernetes.io/managed-by': 'clawbar',
    });
    expect(pod.spec?.restartPolicy).toBe('Never');
    expect(pod.spec?.hostAliases).toEqual([{ ip: '192.168.5.2', hostnames: ['host.lima.internal'] }]);
  });
});
