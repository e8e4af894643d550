import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { runCliCaptured } from './test-support/run-cli';

/**
 * `clawbar install` up to the point where it would change this (simulated) Mac: what it refuses
 * without --yes, and resume with nothing to resume. The whole install runs in
 * electron/services/install/install-faults.int.test.ts, through the same service.
 */
const homes: string[] = [];
afterEach(async () => {
  for (const home of homes.splice(0)) await rm(home, { recursive: true, force: true });
});

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const home = await mkdtemp(join(tmpdir(), 'clawbar-cli-install-'));
  homes.push(home);
  return runCliCaptured(argv, { CLAWBAR_HOME: home, LANG: 'en_US.UTF-8', ...env });
}

describe('clawbar install', () => {
  it('does not pick a model for the user without --yes, and says which one --yes would pull', async () => {
    const { code, err } = await run(['--demo', 'install']);
    expect(code).toBe(1);
    expect(err).toMatch(
      /No model is chosen yet\. Run again with --yes to pull the recommended one \(qwen3:14b\), or with --model NAME\./,
    );
  });

  it('has nothing to resume on a fresh Mac, and says so in French too', async () => {
    expect(await run(['--demo', 'install', '--resume'])).toMatchObject({
      code: 1,
      err: expect.stringContaining('There is no install to resume: run clawbar install.') as unknown,
    });
    expect((await run(['--demo', 'install', '--resume'], { LANG: 'fr_FR.UTF-8' })).err).toContain(
      'Il n’y a pas d’installation à reprendre : lancez clawbar install.',
    );
  });

  it('refuses what does not make sense, with its usage', async () => {
    const both = await run(['install', '--resume', '--model', 'qwen3:4b']);
    expect(both.code).toBe(2);
    expect(both.err).toContain('--model starts a new install; drop --resume.');
    expect(both.err).toContain('clawbar install [--resume] [--yes] [--model NAME] [--json]');
    const bad = await run(['install', '--model', 'not a model!']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--model: not a model name/);
  });
});
