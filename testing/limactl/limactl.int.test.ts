import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The stand-in limactl as a program: run as an executable from another directory, with the
 * output formats and exit codes of reference/runtime-facts.md §1.
 */
const limactl = resolve(import.meta.dirname, '../bin/limactl');
let limaHome: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise(resolvePromise => {
    execFile(
      limactl,
      args,
      { cwd: tmpdir(), env: { ...process.env, LIMA_HOME: limaHome, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolvePromise({
          code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          stdout,
          stderr,
        });
      },
    );
  });
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter(line => line.trim() !== '')
    .map(line => JSON.parse(line) as Record<string, unknown>);
}

const template = (port: number) =>
  `vmType: vz\ncpus: 2\nmemory: 3GiB\ndisk: 25GiB\nportForwards:\n  - guestPort: 6443\n    hostIP: 127.0.0.1\n    hostPort: ${port}\n`;

beforeAll(async () => {
  limaHome = await mkdtemp(join(tmpdir(), 'clawbar-limactl-'));
  await mkdir(join(limaHome, '_standin'), { recursive: true });
  await writeFile(join(limaHome, '_standin', 'faults.json'), JSON.stringify({ paceMs: 0 }));
});

afterAll(async () => {
  await run(['stop', '-f', 'clawbar']);
  await rm(limaHome, { recursive: true, force: true });
});

describe('stand-in limactl', () => {
  it('prints its version', async () => {
    expect(await run(['--version'])).toMatchObject({ code: 0, stdout: 'limactl version 2.0.3\n' });
  });

  it('lists nothing as nothing on stdout, a warning on stderr and exit 0', async () => {
    const result = await run(['--log-format=json', 'list', '--json']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(jsonLines(result.stderr)).toEqual([
      {
        level: 'warning',
        msg: 'No instance found. Run `limactl create` to create an instance.',
        time: expect.any(String) as string,
      },
    ]);
  });

  it('fails with exit 1 for an instance that does not exist', async () => {
    const result = await run(['--log-format', 'json', 'list', 'nope']);
    expect(result.code).toBe(1);
    expect(jsonLines(result.stderr).at(-1)).toMatchObject({
      level: 'fatal',
      msg: 'No instance matching nope found.',
    });
  });

  it('logs in logrus text format unless asked for JSON', async () => {
    const result = await run(['stop', 'nope']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^time="[\d-]+T[\d:]+Z" level=fatal msg="instance \\"nope\\" does not exist/,
    );
  });

  it('refuses a template that is not valid YAML or not a valid Lima config', async () => {
    const file = join(limaHome, 'broken.yaml');
    await writeFile(file, 'cpus: [oops');
    expect((await run(['create', '--name=broken', file])).code).toBe(1);
    await writeFile(file, 'vmType: wsl2\n');
    const result = await run(['--log-format=json', 'create', '--name=broken', file]);
    expect(result.code).toBe(1);
    expect(jsonLines(result.stderr).at(-1)?.msg).toBe('field `vmType` must be "qemu" or "vz"; got "wsl2"');
  });

  it(
    'creates, lists as JSON Lines with Lima’s fields, starts, and follows Lima’s rules for stop and delete',
    { timeout: 120_000 },
    async () => {
      const file = join(limaHome, 'clawbar.yaml');
      await writeFile(file, template(46123));
      expect((await run(['create', '--name=clawbar', '--tty=false', file])).code).toBe(0);

      const [stopped] = jsonLines((await run(['list', '--json'])).stdout);
      expect(stopped).toMatchObject({
        name: 'clawbar',
        hostname: 'lima-clawbar',
        status: 'Stopped',
        dir: join(limaHome, 'clawbar'),
        vmType: 'vz',
        cpus: 2,
        memory: 3 * 2 ** 30,
        disk: 25 * 2 ** 30,
        sshAddress: '127.0.0.1',
        protected: false,
        limaVersion: '2.0.3',
        param: {},
        LimaHome: limaHome,
      });
      expect(stopped).not.toHaveProperty('hostAgentPID');
      expect(['aarch64', 'x86_64']).toContain(stopped?.arch);

      expect(await run(['stop', 'clawbar'])).toMatchObject({
        code: 1,
        stderr: expect.stringContaining('expected status \\"Running\\", got \\"Stopped\\"') as string,
      });

      const started = await run(['--log-format=json', 'start', 'clawbar']);
      expect(started.code).toBe(0);
      const messages = jsonLines(started.stderr).map(record => record.msg);
      expect(messages[0]).toBe('Starting the instance "clawbar" with internal VM driver "vz"');
      expect(messages).toContain('[hostagent] Waiting for the essential requirement 1 of 3: "ssh"');
      expect(messages.at(-1)).toBe('READY. Run `limactl shell clawbar` to open the shell.');

      const events = jsonLines(await readFile(join(limaHome, 'clawbar', 'ha.stdout.log'), 'utf8'));
      expect(events.at(-1)).toMatchObject({ status: { running: true } });
      expect(
        events.some(
          event =>
            (event.status as { portForward?: { hostAddr?: string } }).portForward?.hostAddr ===
            '127.0.0.1:46123',
        ),
      ).toBe(true);

      const [running] = jsonLines((await run(['list', '--json'])).stdout);
      expect(running).toMatchObject({
        status: 'Running',
        hostAgentPID: expect.any(Number) as number,
        driverPID: expect.any(Number) as number,
      });

      expect(await run(['start', 'clawbar'])).toMatchObject({
        code: 0,
        stderr: expect.stringContaining('is already running') as string,
      });
      expect(await run(['delete', 'clawbar'])).toMatchObject({
        code: 1,
        stderr: expect.stringContaining(
          'failed to delete instance \\"clawbar\\": expected status \\"Stopped\\", got \\"Running\\"',
        ) as string,
      });
      expect(await run(['shell', 'clawbar', 'nope', '--flag'])).toMatchObject({
        code: 127,
        stderr: 'bash: line 1: nope: command not found\n',
      });
      expect(await run(['shell', 'clawbar', 'cat', '/etc/rancher/k3s/k3s.yaml'])).toMatchObject({
        code: 1,
        stderr: expect.stringContaining('Permission denied') as string,
      });

      const stop = await run(['stop', 'clawbar']);
      expect(stop.code).toBe(0);
      expect(stop.stderr).toContain('The instance clawbar has shut down');
      const deleted = await run(['delete', 'clawbar']);
      expect(deleted.code).toBe(0);
      expect((await run(['list', '--json'])).stdout).toBe('');
    },
  );

  it(
    'takes faults from the environment too, and a host agent does not outlive its instance directory',
    { timeout: 120_000 },
    async () => {
      const file = join(limaHome, 'other.yaml');
      await writeFile(file, template(46124));
      await run(['create', '--name=other', file]);
      const failed = await run(['--log-format=json', 'start', 'other'], {
        LIMACTL_STANDIN_FAULTS: JSON.stringify({
          paceMs: 0,
          failAt: { stage: 'booting', message: 'VZ said no' },
        }),
      });
      expect(failed.code).toBe(1);
      expect(jsonLines(failed.stderr).map(record => record.msg)).toContain(
        '[hostagent] failed to start VZ: VZ said no',
      );

      expect((await run(['start', 'other'])).code).toBe(0);
      const [record] = jsonLines((await run(['list', '--json', 'other'])).stdout);
      const pid = record?.hostAgentPID as number;
      await rm(join(limaHome, 'other'), { recursive: true, force: true });
      await expect
        .poll(
          () => {
            try {
              process.kill(pid, 0);
              return true;
            } catch {
              return false;
            }
          },
          { timeout: 15_000 },
        )
        .toBe(false);
    },
  );
});
