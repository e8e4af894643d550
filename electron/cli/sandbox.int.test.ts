import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCliCaptured } from './test-support/run-cli';

/**
 * The terminal path end to end under --demo: one install, then the commands a user runs on the
 * sandbox it left, each a separate CLI run sharing the world through CLAWBAR_HOME (the stand-in
 * VM, its embedded Kubernetes API and the simulated network keep running between commands).
 */
let home: string;

function run(argv: string[]) {
  return runCliCaptured(['--demo', ...argv], { CLAWBAR_HOME: home, LANG: 'en_US.UTF-8' });
}

interface ProbeLine {
  id: string;
  expected: string;
  actual: string;
  passed: boolean;
  evidence: unknown;
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'clawbar-cli-sandbox-'));
  // The stand-in limactl without its human pacing: the stages still happen, in order.
  await mkdir(join(home, 'lima', '_standin'), { recursive: true });
  await writeFile(join(home, 'lima', '_standin', 'faults.json'), JSON.stringify({ paceMs: 0 }));
});

afterAll(async () => {
  await run(['vm', 'stop']);
  // Removing the home also ends the stand-in VM's host agent (it follows its directory).
  await rm(home, { recursive: true, force: true });
});

describe('clawbar on the demo sandbox', () => {
  it('installs with --yes and proves the sandbox with its self-test', async () => {
    const install = await run(['install', '--yes']);
    expect(install.code, install.err).toBe(0);

    const selftest = await run(['selftest', '--json']);
    expect(selftest.code, selftest.err).toBe(0);
    const report = JSON.parse(selftest.out) as { probes: ProbeLine[] };
    expect(report.probes.map(probe => probe.id).sort()).toEqual(
      [
        'direct-internet',
        'gateway-health',
        'host-other-ports',
        'local-models',
        'proxy-allowed',
        'proxy-denied',
      ].sort(),
    );
    const byId = new Map(report.probes.map(probe => [probe.id, probe]));
    // Offline (the demo has no internet), the allowlisted domain cannot be tried: not a failure.
    expect(byId.get('proxy-allowed')).toMatchObject({ actual: 'not-testable', passed: true });
    expect(byId.get('direct-internet')).toMatchObject({
      expected: 'blocked',
      actual: 'blocked',
      passed: true,
    });
    expect(byId.get('proxy-denied')).toMatchObject({ expected: 'blocked', actual: 'blocked', passed: true });
    expect(byId.get('local-models')).toMatchObject({ expected: 'allowed', actual: 'allowed', passed: true });
    for (const probe of report.probes) expect(probe.passed, JSON.stringify(probe)).toBe(true);
  }, 240_000);

  it('turns a policy off on the server and a self-test then finds the local models blocked', async () => {
    const off = await run(['policies', 'set', 'local-models', 'off']);
    expect(off.code, off.err).toBe(0);

    const listed = await run(['policies', '--json']);
    expect(listed.code, listed.err).toBe(0);
    const policies = JSON.parse(listed.out) as { id: string; server: string; enforcement: string }[];
    expect(policies.find(policy => policy.id === 'local-models')).toMatchObject({ server: 'off' });
    expect(policies.find(policy => policy.id === 'internet')).toMatchObject({ server: 'on' });

    const selftest = await run(['selftest', '--json']);
    const probes = (JSON.parse(selftest.out) as { probes: ProbeLine[] }).probes;
    expect(probes.find(probe => probe.id === 'local-models')).toMatchObject({
      expected: 'blocked',
      actual: 'blocked',
      passed: true,
    });

    expect((await run(['policies', 'set', 'local-models', 'on'])).code).toBe(0);
  }, 180_000);

  it('adds a domain to the allowlist and removes it; an invalid one is refused, the list kept', async () => {
    const added = await run(['allow', 'example.org']);
    expect(added.code, added.err).toBe(0);
    expect(added.out).toMatch(/^ {2}example\.org$/m);

    const invalid = await run(['allow', 'https://example.net/']);
    expect(invalid.code).toBe(2);
    expect(invalid.err).toContain('is a URL: enter only the host name');

    const removed = await run(['deny', 'example.org']);
    expect(removed.code, removed.err).toBe(0);
    expect(removed.out).not.toMatch(/^ {2}example\.org$/m);
    // The presets survived both edits.
    expect(removed.out).toMatch(/^ {2}\S+\.\S+$/m);
  }, 120_000);

  it('prints the last lines of the gateway log and exits', async () => {
    const logs = await run(['logs', '--tail', '2']);
    expect(logs.code, logs.err).toBe(0);
    const lines = logs.out.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(2);
    for (const line of lines) expect(line.trim()).not.toBe('');
  }, 60_000);
});
