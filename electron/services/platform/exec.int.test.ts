import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { createExecRunner, ExecError, guiPath, tailLines, which } from './exec';

const runner = createExecRunner();

async function failure(promise: Promise<unknown>): Promise<ExecError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ExecError);
    return error as ExecError;
  }
  throw new Error('expected a failure');
}

/** Alive and not a zombie (in a container, orphans may never be reaped by PID 1). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

describe('guiPath (macOS GUI apps start with a minimal PATH)', () => {
  it('adds Homebrew and /usr/local on macOS', () => {
    expect(guiPath('/usr/bin:/bin', 'darwin')).toBe('/usr/bin:/bin:/opt/homebrew/bin:/usr/local/bin');
  });

  it('does not duplicate entries already there', () => {
    expect(guiPath('/opt/homebrew/bin:/usr/bin', 'darwin')).toBe('/opt/homebrew/bin:/usr/bin:/usr/local/bin');
  });

  it('works from an empty PATH', () => {
    expect(guiPath(undefined, 'darwin')).toBe('/opt/homebrew/bin:/usr/local/bin');
  });

  it('leaves other platforms alone', () => {
    expect(guiPath('/usr/bin', 'linux')).toBe('/usr/bin');
  });
});

describe('exec', () => {
  it('returns stdout, stderr and exit code 0', async () => {
    const result = await runner.run('sh', ['-c', 'echo out; echo err >&2']);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'out\n', stderr: 'err\n', truncated: false });
  });

  it('passes arguments without a shell', async () => {
    const result = await runner.run('printf', ['%s|', 'a b', '$HOME', ';rm -rf /']);
    expect(result.stdout).toBe('a b|$HOME|;rm -rf /|');
  });

  it('writes input to stdin', async () => {
    expect((await runner.run('cat', [], { input: 'hello\n' })).stdout).toBe('hello\n');
  });

  it('fails with exec-failed, the exit code and the stderr tail', async () => {
    const lines = Array.from({ length: 40 }, (_, index) => `echo line${index} >&2`).join('; ');
    const error = await failure(runner.run('sh', ['-c', `${lines}; exit 3`]));
    expect(error.code).toBe('exec-failed');
    expect(error.exitCode).toBe(3);
    expect(error.stderrTail.split('\n')).toHaveLength(20);
    expect(error.stderrTail).toMatch(/line39$/);
    expect(error.message).toContain('exited with code 3');
    expect(error.message).toContain('line39');
  });

  it('fails with exec-not-found for a missing program', async () => {
    const error = await failure(runner.run('clawbar-no-such-program-xyz'));
    expect(error.code).toBe('exec-not-found');
  });

  it('times out, and kills the whole process group', async () => {
    const started = Date.now();
    const error = await failure(
      runner.run('sh', ['-c', 'sleep 30 & echo $!; wait'], { timeoutMs: 300, killGraceMs: 200 }),
    );
    expect(error.code).toBe('exec-timeout');
    expect(Date.now() - started).toBeLessThan(5000);
    const grandchild = Number(error.stdoutTail.trim());
    expect(grandchild).toBeGreaterThan(0);
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(isAlive(grandchild)).toBe(false);
  });

  it('escalates to SIGKILL when the process ignores SIGTERM', async () => {
    const error = await failure(
      runner.run('sh', ['-c', "trap '' TERM; sleep 30"], { timeoutMs: 200, killGraceMs: 200 }),
    );
    expect(error.code).toBe('exec-timeout');
    expect(error.signal).toBe('SIGKILL');
  });

  it('is cancelled by an AbortSignal', async () => {
    const controller = new AbortController();
    const running = runner.run('sleep', ['30'], { signal: controller.signal, timeoutMs: 0 });
    setTimeout(() => controller.abort(), 100);
    expect((await failure(running)).code).toBe('exec-cancelled');
  });

  it('refuses to start when already cancelled', async () => {
    const error = await failure(runner.run('sleep', ['30'], { signal: AbortSignal.abort() }));
    expect(error.code).toBe('exec-cancelled');
  });

  it('streams output to callbacks as it arrives', async () => {
    const chunks: string[] = [];
    await runner.run('sh', ['-c', 'echo one; sleep 0.05; echo two'], {
      onStdout: chunk => chunks.push(chunk),
    });
    expect(chunks.join('')).toBe('one\ntwo\n');
  });

  it('keeps only the end of very long output', async () => {
    const result = await runner.run('sh', ['-c', 'seq 1 100000'], { maxOutput: 1000 });
    expect(result.truncated).toBe(true);
    expect(result.stdout.length).toBe(1000);
    expect(result.stdout.trim().endsWith('100000')).toBe(true);
  });

  it('does not crash when the command ignores its stdin', async () => {
    await expect(runner.run('true', [], { input: 'x'.repeat(1024 * 1024) })).resolves.toMatchObject({
      exitCode: 0,
    });
  });

  it('redacts secrets from the command line in errors', async () => {
    const error = await failure(
      runner.run('sh', ['-c', 'exit 1', 'sh', '--api-key', 'sk-ant-api03-abcdefghijklmnopqrstuv']),
    );
    expect(error.message).not.toContain('sk-ant-api03-abcdefghijklmnopqrstuv');
    expect(error.command).not.toContain('sk-ant-api03-abcdefghijklmnopqrstuv');
  });
});

describe('which', () => {
  it('finds a program on PATH and returns undefined when absent', async () => {
    expect(await which('sh', process.env.PATH ?? '')).toMatch(/\/sh$/);
    expect(await which('clawbar-no-such-program-xyz', process.env.PATH ?? '')).toBeUndefined();
  });
});

describe('tailLines', () => {
  it('keeps the last lines without trailing blank ones', () => {
    expect(tailLines('a\nb\nc\n\n', 2)).toBe('b\nc');
  });
});
