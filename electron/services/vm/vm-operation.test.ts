import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { vmOperationSchema, type VmOperation } from '../../../common/vm-model';
import { defaultStageDeadlines, OperationRun, StageTimeout, UserCancelled } from './vm-operation';

function newRun(deadlines = defaultStageDeadlines) {
  const published: VmOperation[] = [];
  const run = new OperationRun(
    'start',
    ['checking', 'booting', 'waiting-ssh', 'provisioning-k3s', 'waiting-k3s'],
    deadlines,
    operation => published.push(operation),
    () => new Date('2026-12-03T10:00:00.000Z'),
  );
  return { run, published };
}

describe('OperationRun', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('moves forward through its plan, never back, and publishes each change with a higher seq', () => {
    const { run, published } = newRun();
    run.advance('waiting-ssh', 33);
    run.advance('booting');
    run.advance('waiting-ssh', 67);
    run.advance('recovering');
    expect(run.operation).toMatchObject({ step: 'waiting-ssh', done: 2, total: 5, percent: 67 });
    expect(published.map(operation => operation.seq)).toEqual([1, 2, 3]);
    expect(published.map(operation => operation.step)).toEqual(['booting', 'waiting-ssh', 'waiting-ssh']);
    for (const operation of published) expect(vmOperationSchema.safeParse(operation).success).toBe(true);
    run.dispose();
  });

  it('publishes the stages a late hint passed over, in order, each with its own deadline', () => {
    const { run, published } = newRun();
    run.advance('booting');
    run.advance('provisioning-k3s', 40);
    expect(published.map(({ step, done, percent }) => ({ step, done, percent }))).toEqual([
      { step: 'booting', done: 1, percent: undefined },
      { step: 'waiting-ssh', done: 2, percent: undefined },
      { step: 'provisioning-k3s', done: 3, percent: 40 },
    ]);
    run.dispose();
  });

  it('ends succeeded at ready with every stage done', () => {
    const { run } = newRun();
    run.advance('booting', 10);
    expect(run.finish('succeeded')).toMatchObject({ status: 'succeeded', step: 'ready', done: 5, total: 5 });
    expect(run.operation.percent).toBeUndefined();
  });

  it('aborts with a StageTimeout naming the stage when a stage overstays its deadline', () => {
    const { run } = newRun({ ...defaultStageDeadlines, booting: 1000 });
    run.advance('booting');
    vi.advanceTimersByTime(999);
    expect(run.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(run.signal.reason).toBeInstanceOf(StageTimeout);
    expect(run.signal.reason).toMatchObject({ stage: 'booting', deadlineMs: 1000 });
  });

  it('gives each stage its own deadline: moving on resets the watchdog', () => {
    const { run } = newRun({ ...defaultStageDeadlines, booting: 1000, 'waiting-ssh': 5000 });
    run.advance('booting');
    vi.advanceTimersByTime(900);
    run.advance('waiting-ssh');
    vi.advanceTimersByTime(4000);
    expect(run.signal.aborted).toBe(false);
    run.dispose();
  });

  it('cancels with UserCancelled, and a finished run has no watchdog left', () => {
    const { run } = newRun({ ...defaultStageDeadlines, checking: 10 });
    run.cancel();
    expect(run.signal.reason).toBeInstanceOf(UserCancelled);
    const other = newRun({ ...defaultStageDeadlines, checking: 10 }).run;
    other.finish('failed', { code: 'vm-stage-failed', message: 'x' }, 'tail');
    vi.advanceTimersByTime(100);
    expect(other.signal.aborted).toBe(false);
    expect(other.operation).toMatchObject({
      status: 'failed',
      error: { code: 'vm-stage-failed' },
      logTail: 'tail',
    });
  });

  it('replans when the checks find more (or less) to do', () => {
    const { run } = newRun();
    run.replan(['checking', 'creating', 'downloading-image', 'booting', 'waiting-k3s']);
    run.advance('creating');
    expect(run.operation).toMatchObject({ step: 'creating', done: 1, total: 5 });
    run.dispose();
  });
});
