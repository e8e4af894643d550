import { describe, expect, it } from 'vitest';

import { ExecError, type ExecRunner } from '../platform/exec';
import { createMemoryFactsProvider } from './memory-facts';

function fakeExec(answers: Record<string, string | Error>): ExecRunner & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    which: () => Promise.resolve(undefined),
    run: (command, args = []) => {
      const key = [command, ...args].join(' ');
      calls.push(key);
      const answer = answers[key];
      if (answer === undefined || answer instanceof Error) {
        return Promise.reject(answer ?? new ExecError('exec-failed', `unknown ${key}`, key, 1, null, '', ''));
      }
      return Promise.resolve({ command, args, exitCode: 0, stdout: answer, stderr: '', truncated: false });
    },
  };
}

describe('memory facts', () => {
  it('reads the memory size and the GPU wired limit with sysctl on macOS, once', async () => {
    const exec = fakeExec({
      'sysctl -n hw.memsize': '68719476736\n',
      'sysctl -n iogpu.wired_limit_mb': '57344\n',
    });
    const provider = createMemoryFactsProvider({ exec, platform: 'darwin' });
    expect(await provider.read()).toEqual({
      totalBytes: 68719476736,
      gpuWiredLimitBytes: 57344 * 1024 * 1024,
    });
    await provider.read();
    expect(exec.calls).toHaveLength(2);
  });

  it('treats a zero or missing wired limit as unset', async () => {
    const zero = fakeExec({ 'sysctl -n hw.memsize': '17179869184', 'sysctl -n iogpu.wired_limit_mb': '0' });
    expect(
      (await createMemoryFactsProvider({ exec: zero, platform: 'darwin' }).read()).gpuWiredLimitBytes,
    ).toBeNull();
    const intel = fakeExec({ 'sysctl -n hw.memsize': '17179869184' });
    expect(await createMemoryFactsProvider({ exec: intel, platform: 'darwin' }).read()).toEqual({
      totalBytes: 17179869184,
      gpuWiredLimitBytes: null,
    });
  });

  it('fails clearly on garbage and tries again on the next call', async () => {
    const answers: Record<string, string> = { 'sysctl -n hw.memsize': 'sysctl: unknown oid' };
    const provider = createMemoryFactsProvider({ exec: fakeExec(answers), platform: 'darwin' });
    await expect(provider.read()).rejects.toMatchObject({
      code: 'exec-failed',
      message: expect.stringContaining('not a size') as string,
    });
    answers['sysctl -n hw.memsize'] = '8589934592';
    expect((await provider.read()).totalBytes).toBe(8589934592);
  });

  it('uses the total memory elsewhere', async () => {
    const provider = createMemoryFactsProvider({
      exec: fakeExec({}),
      platform: 'linux',
      totalMemory: () => 4242,
    });
    expect(await provider.read()).toEqual({ totalBytes: 4242, gpuWiredLimitBytes: null });
  });
});
