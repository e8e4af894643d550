import { afterEach, describe, expect, it } from 'vitest';

import { createExecRunner } from '../platform/exec';
import { createLogger } from '../platform/log';
import { SupervisedStream } from './supervised-stream';

const log = createLogger({ sinks: [] });
const exec = createExecRunner({ env: { PATH: process.env.PATH }, platform: 'linux' });
const streams: SupervisedStream[] = [];

afterEach(() => {
  for (const stream of streams.splice(0)) stream.dispose();
});

function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(check, 20);
    };
    check();
  });
}

describe('SupervisedStream', () => {
  it('restarts a process that exits, reporting each exit, until stopped', async () => {
    const exits: string[] = [];
    const output: string[] = [];
    const stream = new SupervisedStream({
      exec,
      log,
      command: 'sh',
      args: ['-c', 'echo line; echo "it broke" >&2; exit 3'],
      onStdout: chunk => output.push(chunk),
      onExit: description => exits.push(description),
      initialBackoffMs: 10,
      maxBackoffMs: 40,
    });
    streams.push(stream);
    stream.start();
    await until(() => stream.startCount >= 3, 'three starts');
    expect(exits[0]).toBe('it broke');
    expect(output.join('')).toContain('line\n');
    stream.stop();
    const starts = stream.startCount;
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(stream.startCount).toBe(starts);
    expect(stream.isRunning).toBe(false);
  });

  it('stops restarting for good once halted, and kills a running process on stop', async () => {
    let halted = false;
    const stream: SupervisedStream = new SupervisedStream({
      exec,
      log,
      command: 'sh',
      args: ['-c', 'echo "sudo: a password is required" >&2; exit 1'],
      onStdout: () => undefined,
      onStderr: chunk => {
        if (chunk.includes('password is required')) {
          halted = true;
          stream.halt('needs the rule');
        }
      },
      initialBackoffMs: 10,
    });
    streams.push(stream);
    stream.start();
    await until(() => halted, 'the halt');
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(stream.startCount).toBe(1);
    expect(stream.haltReason).toBe('needs the rule');

    const long = new SupervisedStream({
      exec,
      log,
      command: 'sleep',
      args: ['30'],
      onStdout: () => undefined,
    });
    streams.push(long);
    long.start();
    expect(long.isRunning).toBe(true);
    long.stop();
    expect(long.isRunning).toBe(false);
  });
});
