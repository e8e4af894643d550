import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import { appStateSchema } from '../../common/state';
import { appVersion } from '../services/platform/version';
import { runCli } from './cli';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', chunk => (out += String(chunk)));
  stderr.on('data', chunk => (err += String(chunk)));
  const code = await runCli(argv, { stdout, stderr, env: { PATH: process.env.PATH, ...env } });
  return { code, out, err };
}

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
