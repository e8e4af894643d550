import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createExecRunner, ExecError } from '../platform/exec';
import { createLogger } from '../platform/log';
import { PowerSetup, ruleFileName, sudoersFileContent, type PowerSetupPaths } from './power-setup';
import { projectRoot } from './test-fixtures';

const standIns = join(projectRoot, 'testing', 'bin');
const log = createLogger({ sinks: [] });
const temporary: string[] = [];

afterEach(async () => {
  await Promise.all(temporary.splice(0).map(dir => rm(dir, { recursive: true, force: true })));
});

async function world(env: NodeJS.ProcessEnv = {}, overrides: Partial<PowerSetupPaths> = {}) {
  const home = await mkdtemp(join(tmpdir(), 'clawbar-power-'));
  temporary.push(home);
  const sudoersDir = join(home, 'sudoers.d');
  const exec = createExecRunner({
    env: {
      PATH: `${standIns}${delimiter}${process.env.PATH ?? ''}`,
      CLAWBAR_SUDOERS_DIR: sudoersDir,
      ...env,
    },
    platform: 'linux',
  });
  const paths: PowerSetupPaths = {
    powermetrics: join(standIns, 'powermetrics'),
    sudo: join(standIns, 'sudo'),
    osascript: join(standIns, 'osascript'),
    visudo: join(standIns, 'visudo'),
    sudoersDir,
    macmonCandidates: [join(home, 'no-macmon-here')],
    ...overrides,
  };
  const setup = new PowerSetup({ exec, platform: 'darwin', user: userInfo().username, paths, log });
  return { home, sudoersDir, exec, setup, paths };
}

describe('the consented powermetrics setup, against stand-in osascript, visudo and sudo', () => {
  it('installs a 0440 rule that sudo then accepts for exactly the pinned command, and removes it', async () => {
    const { setup, sudoersDir, exec, paths } = await world();
    expect(await setup.probe()).toEqual({
      available: true,
      macmonPath: undefined,
      ruleInstalled: false,
      allowed: false,
    });

    await setup.install();
    const file = join(sudoersDir, ruleFileName);
    expect(await readFile(file, 'utf8')).toBe(sudoersFileContent(userInfo().username, paths.powermetrics));
    expect((await stat(file)).mode & 0o777).toBe(0o440);
    expect(await readdir(sudoersDir)).toEqual([ruleFileName]); // no staging file left behind
    expect(await setup.probe()).toMatchObject({ ruleInstalled: true, allowed: true });

    // The rule allows exactly the pinned command line, nothing else.
    await expect(exec.run(paths.sudo, ['-n', '-l', ...setup.command])).resolves.toMatchObject({
      exitCode: 0,
    });
    const other = exec.run(paths.sudo, ['-n', paths.powermetrics, '-o', '/tmp/anything', '-f', 'plist']);
    await expect(other).rejects.toBeInstanceOf(ExecError);
    await expect(other).rejects.toMatchObject({ stderrTail: 'sudo: a password is required' });

    await setup.remove();
    expect(await readdir(sudoersDir)).toEqual([]);
    expect(await setup.probe()).toMatchObject({ ruleInstalled: false, allowed: false });
  });

  it('changes nothing when the user cancels the administrator prompt', async () => {
    const { setup, home } = await world({ CLAWBAR_OSASCRIPT: 'cancel' });
    await expect(setup.install()).rejects.toMatchObject({ code: 'metrics-power-cancelled' });
    expect(await readdir(home)).toEqual([]);
  });

  it('keeps nothing when visudo rejects the rule', async () => {
    const { setup, sudoersDir } = await world({}, { visudo: '/bin/false' });
    await expect(setup.install()).rejects.toMatchObject({
      code: 'metrics-power-setup-failed',
      message: expect.stringContaining('visudo rejected the rule') as string,
    });
    expect(await readdir(sudoersDir)).toEqual([]);
  });

  it('would reject a rule whose commas are not escaped (the stand-in visudo checks what sudoers would)', async () => {
    const { exec, home, paths } = await world();
    const file = join(home, 'unescaped');
    await writeFile(
      file,
      `${userInfo().username} ALL=(root) NOPASSWD: ${paths.powermetrics} --samplers cpu_power,gpu_power -i 1000\n`,
    );
    await chmod(file, 0o440);
    await expect(exec.run(paths.visudo, ['-cf', file])).rejects.toMatchObject({ code: 'exec-failed' });
  });

  it('says so on a computer without powermetrics, and removing a rule that is not there is a no-op', async () => {
    const { setup } = await world({}, { powermetrics: '/nonexistent/powermetrics' });
    await expect(setup.install()).rejects.toMatchObject({ code: 'metrics-power-unsupported' });
    await expect(setup.remove()).resolves.toBeUndefined();
    expect(await setup.probe()).toMatchObject({ available: false, allowed: false });
  });

  it('finds macmon, the sudoless source, where it is installed', async () => {
    const { setup, home } = await world({}, {});
    const bin = join(home, 'homebrew');
    await mkdir(bin);
    const macmon = join(bin, 'macmon');
    await writeFile(macmon, '#!/bin/sh\n');
    await chmod(macmon, 0o755);
    const withMacmon = new PowerSetup({
      exec: createExecRunner({ env: { PATH: process.env.PATH }, platform: 'linux' }),
      platform: 'darwin',
      user: userInfo().username,
      paths: { ...setup.paths, macmonCandidates: [join(home, 'missing'), macmon] },
      log,
    });
    expect((await withMacmon.probe()).macmonPath).toBe(macmon);
  });
});
