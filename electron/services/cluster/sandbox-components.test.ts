import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';

import { toPodView } from './pod-view';
import { sandboxComponentStatus } from './sandbox-components';

const deployment: V1Deployment = {
  metadata: { name: 'openclaw-gateway' },
  spec: {
    selector: {},
    template: {
      spec: { containers: [{ name: 'gateway', image: 'ghcr.io/openclaw/openclaw:2026.7.1-2-slim' }] },
    },
  },
};

function gatewayPod(status: V1Pod['status'], name = 'openclaw-gateway-5d8c9-abcde'): V1Pod {
  return {
    metadata: {
      name,
      labels: { 'app.kubernetes.io/name': 'openclaw-gateway', 'app.kubernetes.io/component': 'gateway' },
    },
    spec: {
      initContainers: [{ name: 'seed-config', image: 'busybox:1.37.0' }],
      containers: [{ name: 'gateway', image: 'ghcr.io/openclaw/openclaw:2026.7.1-2-slim' }],
    },
    status,
  };
}

describe('toPodView', () => {
  it('tells the self-test probe from the gateway, whose name it carries', () => {
    const probe = gatewayPod({ phase: 'Running' }, 'sandbox-selftest-1a2b3c');
    probe.metadata!.labels = {
      'app.kubernetes.io/name': 'openclaw-gateway',
      'app.kubernetes.io/component': 'selftest',
    };
    expect(toPodView(probe).role).toBe('probe');
    probe.metadata!.labels = {};
    expect(toPodView(probe).role).toBe('other');
  });

  it('reads role, readiness, restarts and the last termination of each container', () => {
    const view = toPodView(
      gatewayPod({
        phase: 'Running',
        podIP: '10.42.0.9',
        startTime: new Date('2026-12-04T10:00:00Z'),
        conditions: [{ type: 'Ready', status: 'True' }],
        initContainerStatuses: [
          {
            name: 'seed-config',
            image: 'busybox:1.37.0',
            imageID: '',
            ready: true,
            restartCount: 0,
            state: { terminated: { exitCode: 0, reason: 'Completed' } },
          },
        ],
        containerStatuses: [
          {
            name: 'gateway',
            image: 'ghcr.io/openclaw/openclaw:2026.7.1-2-slim',
            imageID: '',
            ready: true,
            restartCount: 2,
            state: { running: { startedAt: new Date('2026-12-04T10:05:00Z') } },
            lastState: {
              terminated: {
                exitCode: 137,
                reason: 'OOMKilled',
                finishedAt: new Date('2026-12-04T10:04:59Z'),
              },
            },
          },
        ],
      }),
    );
    expect(view).toMatchObject({
      role: 'gateway',
      phase: 'Running',
      ready: true,
      restarts: 2,
      podIp: '10.42.0.9',
      startedAt: '2026-12-04T10:00:00.000Z',
    });
    expect(view.containers).toEqual([
      expect.objectContaining({
        name: 'seed-config',
        init: true,
        state: 'terminated',
        reason: 'Completed',
        restarts: 0,
      }),
      expect.objectContaining({
        name: 'gateway',
        init: false,
        state: 'running',
        lastTermination: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-12-04T10:04:59.000Z' },
      }),
    ]);
  });

  it('takes watch events as they arrive, with times as strings', () => {
    const raw = gatewayPod({ phase: 'Pending', startTime: '2026-12-04T10:00:00Z' as unknown as Date });
    expect(toPodView(raw)).toMatchObject({
      phase: 'Pending',
      ready: false,
      startedAt: '2026-12-04T10:00:00.000Z',
    });
  });
});

describe('sandboxComponentStatus', () => {
  it('is not installed without its Deployment', () => {
    expect(sandboxComponentStatus('gateway', undefined, [])).toMatchObject({
      state: 'not-installed',
      reason: { code: 'sandbox-not-installed' },
    });
  });

  it('runs when a pod is ready, with the image tag as version', () => {
    const pod = toPodView(gatewayPod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }));
    expect(sandboxComponentStatus('gateway', deployment, [pod])).toMatchObject({
      state: 'running',
      version: '2026.7.1-2-slim',
      reason: { code: 'pod-running', params: { pod: pod.name } },
    });
  });

  it('has crashed in a crash loop, saying why the last run ended', () => {
    const pod = toPodView(
      gatewayPod({
        phase: 'Running',
        containerStatuses: [
          {
            name: 'gateway',
            image: 'x',
            imageID: '',
            ready: false,
            restartCount: 5,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error' } },
          },
        ],
      }),
    );
    expect(sandboxComponentStatus('gateway', deployment, [pod])).toMatchObject({
      state: 'crashed',
      reason: { code: 'pod-crash-loop', params: { reason: 'Error' } },
    });
  });

  it('is in error when stuck on its configuration, starting otherwise', () => {
    const stuck = toPodView(
      gatewayPod({
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'gateway',
            image: 'x',
            imageID: '',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'CreateContainerConfigError' } },
          },
        ],
      }),
    );
    expect(sandboxComponentStatus('gateway', deployment, [stuck]).state).toBe('error');
    const creating = toPodView(
      gatewayPod({
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'gateway',
            image: 'x',
            imageID: '',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ContainerCreating' } },
          },
        ],
      }),
    );
    expect(sandboxComponentStatus('gateway', deployment, [creating])).toMatchObject({
      state: 'starting',
      reason: { params: { reason: 'ContainerCreating' } },
    });
    expect(sandboxComponentStatus('gateway', deployment, []).reason?.code).toBe('pod-missing');
  });

  it('ignores pods on their way out', () => {
    const leaving = {
      ...toPodView(gatewayPod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] })),
      deleting: true,
    };
    expect(sandboxComponentStatus('gateway', deployment, [leaving]).state).toBe('starting');
  });
});
