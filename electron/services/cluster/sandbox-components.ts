import type { V1Deployment } from '@kubernetes/client-node';

import type { PodView, SandboxPodRole } from '../../../common/sandbox';
import type { ComponentStatus } from '../../../common/state';

type Status = Omit<ComponentStatus, 'since'>;

/** Waiting reasons that will not fix themselves: the user (or a new apply) has to act. */
const stuckReasons = new Set([
  'CreateContainerConfigError',
  'CreateContainerError',
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
]);

/**
 * The gateway's or the proxy's card, from its Deployment and pods: running when a pod is ready,
 * crashed in a crash loop, error when stuck (bad config, image), starting otherwise.
 */
export function sandboxComponentStatus(
  role: Extract<SandboxPodRole, 'gateway' | 'proxy'>,
  deployment: V1Deployment | undefined,
  pods: readonly PodView[],
): Status {
  const name = role === 'gateway' ? 'openclaw-gateway' : 'egress-proxy';
  if (!deployment) {
    return {
      state: 'not-installed',
      reason: { code: 'sandbox-not-installed', message: `Deployment ${name} is not on the cluster.` },
    };
  }
  const mine = pods.filter(pod => pod.role === role && !pod.deleting);
  const ready = mine.find(pod => pod.ready);
  const version = imageTag(deployment.spec?.template.spec?.containers[0]?.image);
  const withVersion = (status: Status): Status => (version ? { ...status, version } : status);
  if (ready) {
    return withVersion({
      state: 'running',
      reason: { code: 'pod-running', message: `${ready.name} is ready.`, params: { pod: ready.name } },
    });
  }
  const pod = mine[0];
  if (!pod) {
    return withVersion({
      state: deployment.spec?.replicas === 0 ? 'stopped' : 'starting',
      reason: { code: 'pod-missing', message: `No pod of ${name} exists yet.`, params: { name } },
    });
  }
  const waiting = pod.containers.find(container => container.state === 'waiting' && container.reason);
  const reason = waiting?.reason ?? '';
  const lastReason = waiting?.lastTermination?.reason ?? '';
  if (reason === 'CrashLoopBackOff') {
    return withVersion({
      state: 'crashed',
      reason: {
        code: 'pod-crash-loop',
        message: `${pod.name} keeps crashing (${lastReason || 'no reason given'}).`,
        params: { pod: pod.name, reason: lastReason || 'Error' },
      },
    });
  }
  if (stuckReasons.has(reason)) {
    return withVersion({
      state: 'error',
      reason: { code: 'pod-stuck', message: `${pod.name}: ${reason}.`, params: { pod: pod.name, reason } },
    });
  }
  return withVersion({
    state: 'starting',
    reason: {
      code: 'pod-starting',
      message: `${pod.name} is starting (${reason || pod.phase}).`,
      params: { pod: pod.name, reason: reason || pod.phase },
    },
  });
}

function imageTag(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const withoutDigest = image.split('@')[0] ?? image;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(colon + 1) : undefined;
}
