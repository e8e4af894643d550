import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ClawbarError } from '../../../common/errors';
import type { ChildExit, LongRunningChild } from '../platform/child-process';
import { createLogger } from '../platform/log';
import { ServerSupervisor, type SupervisorPhase } from './server-supervisor';

/** The supervisor's decisions with fake processes and a fake clock: backoff, crash loop, stability. */
interface FakeChild extends LongRunningChild {
  exit(exit: ChildExit): void;
  stderr(line: string): void;
}

function harness(options: { healthy?: () => boolean } = {}) {
  const children: FakeChild[] = [];
  const launchedAt: number[] = [];
  const phases: SupervisorPhase[] = [];
  const supervisor = new ServerSupervisor({
    launch: onStderrLine => {
      let resolveExit: (exit: ChildExit) => void = () => undefined;
      let exited = false;
      const exitedPromise = new Promise<ChildExit>(resolve => (resolveExit = resolve));
      const child: FakeChild = {
        pid: 1000 + children.length,
        display: 'ollama serve',
        exited: exitedPromise,
        get hasExited() {
          return exited;
        },
        stop: () => {
          child.exit({ code: null, signal: 'SIGTERM' });
          return exitedPromise;
        },
        exit: exit => {
          if (exited) return;
          exited = true;
          resolveExit(exit);
        },
        stderr: line => onStderrLine(line),
      };
      children.push(child);
      launchedAt.push(Date.now());
      return child;
    },
    isHealthy: () => Promise.resolve(options.healthy?.() ?? true),
    classifyFailure: (_exit, tail) =>
      tail.some(line => line.includes('address already in use'))
        ? new ClawbarError('ollama-port-busy', 'busy')
        : null,
    crashLoopError: (count, tail) =>
      new ClawbarError('ollama-crashed', `crashed ${count}: ${tail.at(-1) ?? ''}`),
    log: createLogger({ sinks: [] }),
    timings: {
      startTimeoutMs: 1000,
      startPollMs: 10,
      healthIntervalMs: 100,
      unhealthyAfter: 2,
      backoffInitialMs: 100,
      backoffMaxMs: 800,
      crashLoopCount: 5,
      crashLoopWindowMs: 10_000,
      stableAfterMs: 5000,
      stopGraceMs: 100,
    },
  });
  supervisor.onDidChange(status => phases.push(status.phase));
  return { supervisor, children, launchedAt, phases };
}

describe('ServerSupervisor', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('restarts with exponential backoff and gives up after a crash loop, keeping stderr', async () => {
    const { supervisor, children, launchedAt } = harness();
    const started = supervisor.start();
    await vi.advanceTimersByTimeAsync(20);
    await started;
    expect(supervisor.status.phase).toBe('running');
    const crashedAt: number[] = [];
    for (let crash = 0; crash < 5; crash++) {
      const child = children.at(-1)!;
      child.stderr(`panic: crash ${crash}`);
      crashedAt.push(Date.now());
      child.exit({ code: 2, signal: null });
      await vi.advanceTimersByTimeAsync(1000);
    }
    // Four restarts, each after twice the wait of the one before; the fifth crash ends it.
    const waits = launchedAt.slice(1).map((at, index) => at - (crashedAt[index] ?? 0));
    expect(waits).toEqual([100, 200, 400, 800]);
    expect(children).toHaveLength(5);
    expect(supervisor.status).toMatchObject({
      phase: 'crashed',
      restarts: 4,
      pid: null,
      stderrTail: ['panic: crash 4'],
    });
    expect(supervisor.status.failure).toMatchObject({
      code: 'ollama-crashed',
      message: 'crashed 5: panic: crash 4',
    });
  });

  it('resets the backoff once a process ran stable', async () => {
    const { supervisor, children, launchedAt } = harness();
    void supervisor.start();
    await vi.advanceTimersByTimeAsync(20);
    children.at(-1)!.exit({ code: 1, signal: null });
    await vi.advanceTimersByTimeAsync(150);
    children.at(-1)!.exit({ code: 1, signal: null });
    await vi.advanceTimersByTimeAsync(250);
    expect(launchedAt).toHaveLength(3);
    // Runs healthy for longer than stableAfterMs: the next wait is the first one again.
    await vi.advanceTimersByTimeAsync(6000);
    children.at(-1)!.exit({ code: 1, signal: null });
    const crashedAt = Date.now();
    await vi.advanceTimersByTimeAsync(150);
    expect(launchedAt).toHaveLength(4);
    expect((launchedAt[3] ?? 0) - crashedAt).toBe(100);
  });

  it('fails at once, without restarting, on a failure a restart cannot fix', async () => {
    const { supervisor, children } = harness({ healthy: () => false });
    const started = supervisor.start();
    const rejection = expect(started).rejects.toMatchObject({ code: 'ollama-port-busy' });
    children[0]!.stderr('Error: listen tcp 127.0.0.1:11434: bind: address already in use');
    children[0]!.exit({ code: 1, signal: null });
    await vi.advanceTimersByTimeAsync(50);
    await rejection;
    expect(children).toHaveLength(1);
    expect(supervisor.status).toMatchObject({ phase: 'failed', restarts: 0 });
  });

  it('kills and restarts a process that stops answering', async () => {
    let healthy = true;
    const { supervisor, children } = harness({ healthy: () => healthy });
    void supervisor.start();
    await vi.advanceTimersByTimeAsync(20);
    healthy = false;
    await vi.advanceTimersByTimeAsync(250);
    expect(children[0]!.hasExited).toBe(true);
    expect(supervisor.status.phase).toBe('backoff');
    healthy = true;
    await vi.advanceTimersByTimeAsync(200);
    expect(children).toHaveLength(2);
    expect(supervisor.status).toMatchObject({ phase: 'running', restarts: 1 });
  });

  it('stops a process that never answers within the start deadline, and counts it as a failure', async () => {
    const { supervisor, children } = harness({ healthy: () => false });
    void supervisor.start().catch(() => undefined);
    await vi.advanceTimersByTimeAsync(1150);
    expect(children[0]!.hasExited).toBe(true);
    expect(children).toHaveLength(2);
    expect(supervisor.status).toMatchObject({ phase: 'starting', restarts: 1 });
  });

  it('stop() ends the process it started and a pending start() is cancelled', async () => {
    const { supervisor, children, phases } = harness({ healthy: () => false });
    const started = supervisor.start();
    const rejection = expect(started).rejects.toMatchObject({ code: 'cancelled' });
    await vi.advanceTimersByTimeAsync(30);
    await supervisor.stop();
    await rejection;
    expect(children[0]!.hasExited).toBe(true);
    expect(phases.at(-1)).toBe('idle');
    // Its exit was planned: nothing restarts it.
    await vi.advanceTimersByTimeAsync(2000);
    expect(children).toHaveLength(1);
  });
});

describe('ServerSupervisor output', () => {
  it('keeps only the last lines, with secrets and URL credentials redacted', async () => {
    vi.useFakeTimers();
    try {
      const { supervisor, children } = harness();
      void supervisor.start();
      await vi.advanceTimersByTimeAsync(20);
      const child = children[0]!;
      for (let line = 0; line < 30; line++) child.stderr(`line ${line}`);
      child.stderr(
        'level=INFO msg="server config" env="map[HTTPS_PROXY:http://alice:s3cr3t-pass@proxy.local:3128]"',
      );
      child.stderr('OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz123456');
      child.stderr('   ');
      const tail = supervisor.status.stderrTail;
      expect(tail).toHaveLength(20);
      expect(tail[0]).toBe('line 12');
      expect(tail.join('\n')).not.toMatch(/s3cr3t-pass|alice|sk-proj/);
      expect(tail.at(-2)).toContain('http://[REDACTED]@proxy.local:3128');
    } finally {
      vi.useRealTimers();
    }
  });
});
