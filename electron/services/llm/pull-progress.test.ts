import { describe, expect, it } from 'vitest';

import { PullTracker, stepOfStatus } from './pull-progress';

const GB = 1_000_000_000;

function tracker() {
  let now = 0;
  const clock = { advance: (ms: number) => (now += ms) };
  return { pull: new PullTracker('qwen3:8b', { now: () => now, speedWindowMs: 5000 }), clock };
}

describe('stepOfStatus', () => {
  it.each([
    ['pulling manifest', 'manifest'],
    ['pulling 6a0746a1ec1a', 'download'],
    ['verifying sha256 digest', 'verify'],
    ['writing manifest', 'write'],
    ['removing any unused layers', 'cleanup'],
    ['removing unused layers', 'cleanup'],
    ['success', 'done'],
    ['something new', undefined],
  ])('%s → %s', (status, step) => {
    expect(stepOfStatus(status)).toBe(step);
  });
});

describe('PullTracker', () => {
  it('sums bytes over concurrent layers and measures speed and ETA', () => {
    const { pull, clock } = tracker();
    expect(pull.update({ status: 'pulling manifest' })).toMatchObject({
      state: 'running',
      progress: { step: 'manifest', done: 0 },
      percent: null,
      bytesPerSecond: null,
      etaSeconds: null,
    });
    pull.update({ status: 'pulling aaa', digest: 'sha256:aaa', total: 4 * GB, completed: 0 });
    pull.update({ status: 'pulling bbb', digest: 'sha256:bbb', total: 1 * GB });
    clock.advance(1000);
    pull.update({ status: 'pulling aaa', digest: 'sha256:aaa', total: 4 * GB, completed: 1 * GB });
    clock.advance(1000);
    const progress = pull.update({
      status: 'pulling bbb',
      digest: 'sha256:bbb',
      total: 1 * GB,
      completed: GB,
    });
    expect(progress.progress).toEqual({
      step: 'download',
      done: 2 * GB,
      total: 5 * GB,
      detail: 'pulling bbb',
    });
    expect(progress.percent).toBeCloseTo(40);
    expect(progress.bytesPerSecond).toBeCloseTo(GB); // 2 GB over 2 s
    expect(progress.etaSeconds).toBeCloseTo(3); // 3 GB left at 1 GB/s
  });

  it('ignores a repeated older completed value', () => {
    const { pull } = tracker();
    pull.update({ status: 'pulling a', digest: 'a', total: 100, completed: 60 });
    expect(pull.update({ status: 'pulling a', digest: 'a', total: 100, completed: 40 }).progress.done).toBe(
      60,
    );
  });

  it('counts only new bytes toward the speed of a resumed pull', () => {
    const { pull, clock } = tracker();
    pull.update({ status: 'pulling a', digest: 'a', total: 10 * GB, completed: 8 * GB });
    clock.advance(2000);
    const progress = pull.update({ status: 'pulling a', digest: 'a', total: 10 * GB, completed: 9 * GB });
    expect(progress.bytesPerSecond).toBeCloseTo(GB / 2);
    expect(progress.percent).toBeCloseTo(90);
  });

  it('measures speed over the recent window only, so a stall shows', () => {
    const { pull, clock } = tracker();
    pull.update({ status: 'pulling a', digest: 'a', total: 100 * GB, completed: 0 });
    clock.advance(1000);
    pull.update({ status: 'pulling a', digest: 'a', total: 100 * GB, completed: 10 * GB });
    for (let second = 0; second < 10; second++) {
      clock.advance(1000);
      pull.update({ status: 'pulling a', digest: 'a', total: 100 * GB, completed: 10 * GB });
    }
    const stalled = pull.update({ status: 'pulling a', digest: 'a', total: 100 * GB, completed: 10 * GB });
    expect(stalled.bytesPerSecond).toBe(0);
    expect(stalled.etaSeconds).toBeNull();
  });

  it('reports success as 100 % and carries an error on failure', () => {
    const { pull } = tracker();
    pull.update({ status: 'pulling a', digest: 'a', total: 50, completed: 50 });
    pull.update({ status: 'verifying sha256 digest' });
    expect(pull.finish('success')).toMatchObject({
      state: 'success',
      percent: 100,
      progress: { step: 'done', done: 50, total: 50 },
    });
    const failed = new PullTracker('x').finish('failed', { code: 'pull-failed', message: 'boom' });
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'pull-failed', message: 'boom' } });
  });
});
