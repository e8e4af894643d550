import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { describe, expect, it } from 'vitest';

import {
  checkRestrictedPod,
  formatPodSecurityViolations,
  podTemplateOf,
  restrictedViolationsOf,
} from './pod-security';
import { renderManifests } from './render-manifests';
import {
  describeToggles,
  manifestsDir,
  paramsFor,
  toggleCombinations,
} from './test-support/sandbox-fixtures';

/** A container that meets "restricted" on its own. */
const locked = {
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' as const },
};

function spec(overrides: Partial<IPodSpec> = {}): IPodSpec {
  return { containers: [{ name: 'app', image: 'app:1', securityContext: { ...locked } }], ...overrides };
}

describe('the restricted checker, in the API server’s words', () => {
  it('passes a locked-down pod', () => {
    expect(checkRestrictedPod({ spec: spec() })).toEqual([]);
  });

  it('reports a bare pod exactly as admission does', () => {
    const violations = checkRestrictedPod({
      spec: { containers: [{ name: 'azure-vote-back', image: 'redis' }] },
    });
    // The warning kubectl prints for this pod in a restricted namespace.
    expect(formatPodSecurityViolations(violations)).toBe(
      'violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "azure-vote-back" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "azure-vote-back" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "azure-vote-back" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "azure-vote-back" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  it('names several containers in the plural, init containers first', () => {
    const violations = checkRestrictedPod({
      spec: {
        initContainers: [{ name: 'init', image: 'x' }],
        containers: [{ name: 'app', image: 'x' }],
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      },
    });
    expect(violations.map(violation => violation.detail)).toEqual([
      'containers "init", "app" must set securityContext.allowPrivilegeEscalation=false',
      'containers "init", "app" must set securityContext.capabilities.drop=["ALL"]',
    ]);
  });

  it('refuses hostPath and other non-core volumes, but not PVCs, emptyDirs and ConfigMaps', () => {
    const violations = checkRestrictedPod({
      spec: spec({
        volumes: [
          { name: 'state', hostPath: { path: '/mnt/openclaw' } },
          { name: 'share', nfs: { server: 'nas', path: '/x' } },
          { name: 'claim', persistentVolumeClaim: { claimName: 'c' } },
          { name: 'tmp', emptyDir: {} },
          { name: 'config', configMap: { name: 'c' } },
        ],
      }),
    });
    expect(violations).toEqual([
      {
        check: 'restrictedVolumes',
        reason: 'restricted volume types',
        detail: 'volumes "state", "share" use restricted volume types "hostPath", "nfs"',
      },
    ]);
  });

  it('refuses the baseline escapes: host namespaces, host ports, privileged, added capabilities, probe hosts', () => {
    const violations = checkRestrictedPod({
      spec: spec({
        hostNetwork: true,
        hostPID: true,
        containers: [
          {
            name: 'app',
            image: 'x',
            ports: [{ containerPort: 80, hostPort: 8080 }],
            livenessProbe: { httpGet: { host: '10.0.0.1', port: 80 } },
            securityContext: {
              ...locked,
              privileged: true,
              capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_BIND_SERVICE'] },
            },
          },
        ],
      }),
    });
    expect(violations.map(violation => `${violation.reason}: ${violation.detail}`)).toEqual([
      'host namespaces: hostNetwork, hostPID',
      'hostPort: container "app" uses hostPort 8080',
      'probe or lifecycle host: container "app" uses probe or lifecycle host "10.0.0.1"',
      'privileged: container "app" must not set securityContext.privileged=true',
      'unrestricted capabilities: container "app" must not include "NET_ADMIN" in securityContext.capabilities.add',
    ]);
  });

  it('refuses root, Unconfined seccomp and unsafe sysctls', () => {
    const violations = checkRestrictedPod({
      spec: spec({
        securityContext: {
          runAsUser: 0,
          seccompProfile: { type: 'Unconfined' },
          sysctls: [{ name: 'kernel.msgmax', value: '1' }],
        },
        containers: [
          {
            name: 'app',
            image: 'x',
            securityContext: { ...locked, runAsNonRoot: false, seccompProfile: undefined },
          },
        ],
      }),
    });
    expect(violations.map(violation => `${violation.reason}: ${violation.detail}`)).toEqual([
      'forbidden sysctls: kernel.msgmax',
      'runAsNonRoot != true: container "app" must not set securityContext.runAsNonRoot=false',
      'runAsUser=0: pod must not set runAsUser=0',
      'seccompProfile: pod must not set securityContext.seccompProfile.type to "Unconfined"',
    ]);
  });

  it('finds the pod template of workloads, and nothing in objects that run no pods', () => {
    const template = { spec: spec({ containers: [{ name: 'bare', image: 'x' }] }) };
    expect(podTemplateOf({ kind: 'Deployment', spec: { template } })).toBe(template);
    expect(podTemplateOf({ kind: 'CronJob', spec: { jobTemplate: { spec: { template } } } })).toBe(template);
    expect(restrictedViolationsOf({ kind: 'Pod', metadata: {}, spec: template.spec }).length).toBeGreaterThan(
      0,
    );
    expect(restrictedViolationsOf({ kind: 'ConfigMap' })).toEqual([]);
  });
});

describe('every pod template we render', () => {
  for (const toggles of toggleCombinations) {
    it(`meets restricted:latest (${describeToggles(toggles)})`, async () => {
      const objects = await renderManifests(
        manifestsDir,
        paramsFor({ ...toggles, secretKeys: ['OPENAI_API_KEY'] }),
      );
      const workloads = objects.filter(object => podTemplateOf(object));
      expect(workloads.map(object => object.metadata.name).sort()).toEqual([
        'egress-proxy',
        'openclaw-gateway',
      ]);
      for (const workload of workloads) {
        expect(restrictedViolationsOf(workload), workload.metadata.name).toEqual([]);
        // And beyond what restricted asks: a read-only root filesystem everywhere.
        const pod = podTemplateOf(workload)!;
        for (const container of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
          expect(container.securityContext?.readOnlyRootFilesystem, container.name).toBe(true);
        }
      }
    });
  }
});
