import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { standInBinDir } from '../../testing/demo/world';
import { interactiveLine, keychainService } from '../services/platform/secret-store';
import { leaks, readZip } from '../services/support/test-support/read-zip';

/**
 * `clawbar --demo diagnose` and `clawbar --demo uninstall` as a user runs them: separate processes
 * of the real CLI (bin/clawbar.js) on one demo world with a running VM, after secrets were
 * planted in the Keychain stand-in, the logs, the VM's logs, k3s's journal, the settings and the
 * environment.
 */
const repo = join(import.meta.dirname, '../..');
const token = '7e2d9a4c1b3f5e7d9a2c4e6f8a1b3d5f7e9a2c4d6f8b1a3c5e7d9f2a4c6e8b1d';
const openaiKey = 'PLANTED-cli-openai-3c5e7a9b';

function clawbar(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    execFile(
      process.execPath,
      ['bin/clawbar.js', ...args],
      { cwd: repo, env: { PATH: process.env.PATH, ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function security(home: string, script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      join(standInBinDir, 'security'),
      ['-i'],
      { env: { PATH: [standInBinDir, process.env.PATH ?? ''].join(delimiter), CLAWBAR_HOME: home } },
      error => {
        if (error) reject(new Error(`security -i failed: ${error.message}`));
        else resolve();
      },
    );
    child.stdin?.end(script);
  });
}

const homes: string[] = [];
afterEach(async () => {
  for (const home of homes.splice(0)) {
    await clawbar(['--demo', 'vm', 'stop'], { CLAWBAR_HOME: home });
    await rm(home, { recursive: true, force: true });
  }
});

describe('clawbar diagnose and uninstall on the demo', () => {
  it(
    'writes a bundle with no planted secret, then uninstalls only with --yes',
    { timeout: 300_000 },
    async () => {
      const home = await mkdtemp(join(tmpdir(), 'clawbar-cli-support-'));
      homes.push(home);
      await mkdir(join(home, 'lima', '_standin'), { recursive: true });
      await writeFile(join(home, 'lima', '_standin', 'faults.json'), JSON.stringify({ paceMs: 0 }));
      const env = { CLAWBAR_HOME: home };
      const started = await clawbar(['--demo', 'vm', 'start'], env);
      expect(started.code, started.stderr).toBe(0);

      await security(
        home,
        interactiveLine([
          'add-generic-password',
          '-U',
          '-s',
          keychainService,
          '-a',
          'OPENCLAW_GATEWAY_TOKEN',
          '-w',
          token,
        ]) +
          interactiveLine([
            'add-generic-password',
            '-U',
            '-s',
            keychainService,
            '-a',
            'OPENAI_API_KEY',
            '-w',
            openaiKey,
          ]),
      );
      await appendFile(join(home, 'logs', 'clawbar.log'), `leaked ${token} and ${openaiKey}\n`);
      await writeFile(join(home, 'logs', 'clawbar.1.log'), `older ${token}\n`);
      await appendFile(
        join(home, 'lima', 'clawbar', 'standin', 'k3s.journal'),
        `Dec 04 05:23:44 lima-clawbar k3s[1402]: token ${token}\n`,
      );
      await appendFile(join(home, 'lima', 'clawbar', 'serialv.log'), `[  4.0] key ${openaiKey}\n`);
      const settings = JSON.parse(
        await readFile(join(home, 'settings.json'), 'utf8').catch(() => '{}'),
      ) as Record<string, unknown>;
      await writeFile(
        join(home, 'settings.json'),
        JSON.stringify({ ...settings, ollama: { installUrl: `https://example.com/Ollama.zip?t=${token}` } }),
      );

      const out = join(home, 'out', 'x.zip');
      const diagnose = await clawbar(['--demo', 'diagnose', '--out', out], {
        ...env,
        OPENAI_API_KEY: openaiKey,
        HTTPS_PROXY: `http://me:${token}@proxy.local:3128`,
      });
      expect(diagnose.code, diagnose.stderr).toBe(0);
      expect(diagnose.stdout).toContain(`Wrote ${out}`);
      expect(diagnose.stderr).toContain('[10/10] Writing the zip');
      const entries = await readZip(out);
      expect(
        leaks(entries, { token, openaiKey, 'token (base64)': Buffer.from(token).toString('base64') }),
      ).toEqual([]);
      const names = [...entries.keys()].map(name => name.replace(/^x\//, ''));
      expect(names).toEqual(
        expect.arrayContaining([
          'logs/clawbar.log',
          'logs/clawbar.1.log',
          'k3s/journal.log',
          'lima/serialv.log',
          'cluster/nodes.yaml',
        ]),
      );
      expect(entries.get('x/k3s/journal.log')).toContain('token [REDACTED]');
      expect(diagnose.stdout + diagnose.stderr).not.toContain(token);

      const dryRun = await clawbar(['--demo', 'uninstall'], env);
      expect(dryRun.code).toBe(2);
      expect(dryRun.stdout).toContain('Uninstalling Clawbar removes:');
      expect(dryRun.stdout).toContain('limactl delete -f clawbar');
      expect(dryRun.stdout).toMatch(/\[ \] OpenClaw’s state.*→ kept/);
      expect(dryRun.stderr).toContain('Run again with --yes');
      expect(existsSync(join(home, 'lima', 'clawbar', 'lima.yaml'))).toBe(true);

      const removed = await clawbar(['--demo', 'uninstall', '--yes'], env);
      expect(removed.code, removed.stdout + removed.stderr).toBe(0);
      expect(removed.stdout).toMatch(/Removed\s+The virtual machine “clawbar”/);
      expect(removed.stdout).toContain('Clawbar is uninstalled.');
      expect(existsSync(join(home, 'lima'))).toBe(false);
      expect(existsSync(join(home, 'settings.json'))).toBe(false);
      // The file log was closed before its folder went: nothing wrote it back.
      expect(existsSync(join(home, 'logs'))).toBe(false);
      // The demo's simulated Mac lives in the same folder: its ~/.openclaw stays, and so the folder does.
      expect(existsSync(join(home, 'mac', 'Users', 'me', '.openclaw'))).toBe(true);
      const keychain = await readFile(join(home, 'stand-ins', 'keychain.json'), 'utf8');
      expect(keychain).not.toContain('OPENCLAW_GATEWAY_TOKEN');
    },
  );
});
