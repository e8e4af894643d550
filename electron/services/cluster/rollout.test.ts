import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';

import { rolloutVerdict } from './rollout';

function deployment(status: NonNullable<V1Deployment['status']>, generation = 2, replicas = 1): V1Deployment {
  return {
    metadata: { name: 'openclaw-gateway', generation },
    spec: { replicas, selector: {}, template: {} },
    status,
  };
}

describe('rolloutVerdict', () => {
  it('waits until the controller has seen the newest generation', () => {
    const verdict = rolloutVerdict(
      deployment({
        observedGeneration: 1,
        replicas: 1,
        updatedReplicas: 1,
        readyReplicas: 1,
        availableReplicas: 1,
      }),
    );
    expect(verdict.done).toBe(false);
    expect(verdict.progress.detail).toBe('waiting for the controller to see the change');
  });

  it('reports new pods created, old ones terminating, then ready, then done', () => {
    expect(
      rolloutVerdict(deployment({ observedGeneration: 2, replicas: 1, updatedReplicas: 0 })).progress.detail,
    ).toBe('0 of 1 new pods created');
    expect(
      rolloutVerdict(deployment({ observedGeneration: 2, replicas: 2, updatedReplicas: 1, readyReplicas: 1 }))
        .progress.detail,
    ).toBe('1 old pods terminating');
    expect(
      rolloutVerdict(deployment({ observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 0 }))
        .progress.detail,
    ).toBe('0 of 1 new pods ready');
    const done = rolloutVerdict(
      deployment({
        observedGeneration: 2,
        replicas: 1,
        updatedReplicas: 1,
        readyReplicas: 1,
        availableReplicas: 1,
      }),
    );
    expect(done).toMatchObject({ done: true, failed: null, progress: { ready: 1, desired: 1 } });
  });

  it('fails with the server reason once the progress deadline is exceeded', () => {
    const verdict = rolloutVerdict(
      deployment({
        observedGeneration: 2,
        replicas: 1,
        updatedReplicas: 1,
        readyReplicas: 0,
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'ReplicaSet "openclaw-gateway-7d9f" has timed out progressing.',
          },
        ],
      }),
    );
    expect(verdict.done).toBe(false);
    expect(verdict.failed).toBe('ReplicaSet "openclaw-gateway-7d9f" has timed out progressing.');
  });
});
