import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { appStateSchema } from '../../common/state';
import { preflightReportSchema, vmOperationSchema } from '../../common/vm-model';
import { appVersion } from '../services/platform/version';
import { runCliCaptured as run } from './test-support/run-cli';

describe('clawbar CLI', () => {
  it('prints its version', async () => {
    expect(await run(['--version'])).toMatchObject({ code: 0, out: `clawbar ${appVersion}\n` });
  });

  it('prints AppState as JSON for status --json under --demo', async () => {
    const home = await mkdtemp(join(tmpdir(), 'clawbar-cli-'));
    const { code, out } = await run(['--demo', 'status', '--json'], { CLAWBAR_HOME: home });
    expect(code).toBe(0);
    const state = appStateSchema.parse(JSON.parse(out));
    expect(state.app.mode).toBe('demo');
    expect(state.components.vm.state).toBe('not-created');
  });

  it('accepts --demo after the command too, and prints a readable table', async () => {
    const home = await mkdtemp(join(tmpdir(), 'clawbar-cli-'));
    const { code, out } = await run(['status', '--demo'], { CLAWBAR_HOME: home });
    expect(code).toBe(0);
    expect(out).toMatch(/^Overall: OpenClaw is not installed yet/);
    expect(out).toMatch(/Virtual machine\s+Not created/);
  });

  it('speaks French when the locale is French', async () => {
    const home = await mkdtemp(join(tmpdir(), 'clawbar-cli-'));
    const { out } = await run(['--demo', 'status'], { CLAWBAR_HOME: home, LANG: 'fr_FR.UTF-8' });
    expect(out).toMatch(/Machine virtuelle\s+Non créée/);
  });

  it('shares one world between commands given the same CLAWBAR_HOME', async () => {
    const home = await mkdtemp(join(tmpdir(), 'clawbar-cli-'));
    await writeFile(join(home, 'settings.json'), '{ not json');
    const first = await run(['--demo', 'status', '--json'], { CLAWBAR_HOME: home });
    expect(appStateSchema.parse(JSON.parse(first.out)).settings.recovery?.reason).toMatch(/not valid JSON/);
    const second = await run(['--demo', 'status', '--json'], { CLAWBAR_HOME: home });
    // The broken file was moved aside by the first run; the second sees the same home, now clean.
    expect(appStateSchema.parse(JSON.parse(second.out)).settings.recovery).toBeNull();
  });

  it('exits 2 with usage on an unknown command or option', async () => {
    expect(await run(['frobnicate'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown command "frobnicate"') as string,
    });
    const badOption = await run(['status', '--jsonn']);
    expect(badOption.code).toBe(2);
    expect(badOption.err).toContain('clawbar status [--json]');
  });

  it('exits 2 and prints help with no command', async () => {
    expect(await run([])).toMatchObject({ code: 2, out: expect.stringContaining('status') as string });
    expect((await run(['--help'])).code).toBe(0);
  });

  it('runs as the installed bin, straight from the sources', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/clawbar.js', '--version'], {
      cwd: join(import.meta.dirname, '../..'),
    });
    expect(stdout).toBe(`clawbar ${appVersion}\n`);
  });
});

describe('clawbar vm', () => {
  const homes: string[] = [];
  afterEach(async () => {
    // Removing the home also ends a stand-in VM left running (its host agent follows its directory).
    for (const home of homes.splice(0)) await rm(home, { recursive: true, force: true });
  });

  async function demoHome(faults: Record<string, unknown> = {}): Promise<string> {
    const home = await mkdtemp(join(tmpdir(), 'clawbar-cli-vm-'));
    homes.push(home);
    await mkdir(join(home, 'lima', '_standin'), { recursive: true });
    await writeFile(join(home, 'lima', '_standin', 'faults.json'), JSON.stringify({ paceMs: 0, ...faults }));
    return home;
  }

  it('exits 2 with usage for a missing or unknown vm command, and for delete without --yes', async () => {
    expect(await run(['vm'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('clawbar vm <template|status') as string,
    });
    expect(await run(['vm', 'frobnicate'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown vm command "frobnicate"') as string,
    });
    const remove = await run(['vm', 'delete', '--demo'], { CLAWBAR_HOME: await demoHome() });
    expect(remove.code).toBe(2);
    expect(remove.err).toContain('run again with --yes to confirm');
  });

  it('prints the Lima template for the current settings', async () => {
    const home = await demoHome();
    await writeFile(join(home, 'settings.json'), JSON.stringify({ vm: { cpus: 6, memoryGiB: 12 } }));
    const { code, out } = await run(['--demo', 'vm', 'template'], { CLAWBAR_HOME: home });
    expect(code).toBe(0);
    const template = parse(out) as {
      vmType: string;
      cpus: number;
      memory: string;
      mounts: { location: string }[];
      portForwards: { hostIP?: string; hostPort?: number }[];
    };
    expect(template).toMatchObject({ vmType: 'vz', cpus: 6, memory: '12GiB' });
    expect(template.mounts).toEqual([
      expect.objectContaining({ location: join(home, 'mac', 'Users', 'me', '.openclaw'), writable: true }),
    ]);
    expect(template.portForwards[0]).toMatchObject({
      hostIP: '127.0.0.1',
      hostPort: expect.any(Number) as number,
    });
  });

  it('runs the preflight checks on the simulated Mac', async () => {
    const { code, out } = await run(['--demo', 'vm', 'preflight', '--json'], {
      CLAWBAR_HOME: await demoHome(),
    });
    expect(code).toBe(0);
    const report = preflightReportSchema.parse(JSON.parse(out));
    expect(report.ok).toBe(true);
    const human = await run(['--demo', 'vm', 'preflight'], {
      CLAWBAR_HOME: await demoHome(),
      LANG: 'fr_FR.UTF-8',
    });
    expect(human.out).toContain('✓ Version de macOS : macOS 15.5 est pris en charge.');
  });

  it(
    'starts, reports, stops and deletes the VM, sharing one world across commands',
    { timeout: 240_000 },
    async () => {
      const home = await demoHome();
      const start = await run(['--demo', 'vm', 'start'], { CLAWBAR_HOME: home });
      expect(start.code).toBe(0);
      expect(start.err).toMatch(/\[1\/\d\] Checking this Mac… 0%/);
      expect(start.err).toContain('Waiting for Kubernetes to be ready…');
      expect(start.out).toMatch(
        /^Starting the VM: Done\.\nVM Running: 4 CPUs, 8 GiB memory, 60 GiB disk, API on 127\.0\.0\.1:\d+/,
      );

      const status = await run(['--demo', 'vm', 'status', '--json'], { CLAWBAR_HOME: home });
      const parsed = JSON.parse(status.out) as {
        vm: { instance: { status: string } };
        components: { k3s: { state: string } };
      };
      expect(parsed.vm.instance.status).toBe('Running');
      expect(parsed.components.k3s.state).toBe('running');

      const stop = await run(['--demo', 'vm', 'stop', '--json'], { CLAWBAR_HOME: home });
      expect(stop.code).toBe(0);
      expect(vmOperationSchema.parse((JSON.parse(stop.out) as { operation: unknown }).operation).status).toBe(
        'succeeded',
      );

      const remove = await run(['--demo', 'vm', 'delete', '--yes'], { CLAWBAR_HOME: home });
      expect(remove.code).toBe(0);
      expect(remove.out).toContain('No VM yet.');
    },
  );

  it('exits 1 with the reason and the log lines when a start fails', { timeout: 120_000 }, async () => {
    const home = await demoHome({
      failAt: { stage: 'booting', message: 'The virtual machine failed to start.' },
    });
    const { code, err } = await run(['--demo', 'vm', 'start'], { CLAWBAR_HOME: home });
    expect(code).toBe(1);
    expect(err).toMatch(/clawbar vm start: Booting failed: exiting, status=/);
    expect(err).toContain('Last log lines:');
    expect(err).toContain('error: failed to start VZ: The virtual machine failed to start.');
  });
});
