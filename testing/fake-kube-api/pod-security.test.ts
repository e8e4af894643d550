import { describe, expect, it } from 'vitest';

import { formatViolations, namespacePolicy, podSecurityViolations } from './pod-security';

/** Pod Security "restricted" and "baseline" checks, worded as pod-security-admission words them. */
const compliant = {
  securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [
    {
      name: 'gateway',
      image: 'ghcr.io/openclaw/openclaw:2026.7.1-2-slim',
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
      },
    },
  ],
  volumes: [
    { name: 'state', persistentVolumeClaim: { claimName: 'openclaw-state' } },
    { name: 'tmp', emptyDir: {} },
    { name: 'seed', configMap: { name: 'openclaw-seed-config' } },
  ],
};

const restricted = (spec: Record<string, unknown>) =>
  formatViolations(podSecurityViolations('restricted', spec));

describe('Pod Security restricted', () => {
  it('passes a pod that sets everything restricted asks for', () => {
    expect(podSecurityViolations('restricted', compliant)).toEqual([]);
  });

  it('lists the four usual failures of an unhardened pod, in the real order and words', () => {
    expect(restricted({ containers: [{ name: 'c', image: 'nginx' }] })).toBe(
      'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), ' +
        'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), ' +
        'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ' +
        'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  it('names several containers together, init containers first', () => {
    expect(
      restricted({
        ...compliant,
        initContainers: [{ name: 'seed', image: 'busybox' }],
        containers: [{ name: 'main', image: 'x' }],
        securityContext: {},
      }),
    ).toContain(
      'allowPrivilegeEscalation != false (containers "seed", "main" must set securityContext.allowPrivilegeEscalation=false)',
    );
  });

  it('refuses hostPath and other volume types restricted does not allow', () => {
    expect(
      restricted({ ...compliant, volumes: [{ name: 'state', hostPath: { path: '/Users/me/.openclaw' } }] }),
    ).toBe(
      'hostPath volumes (volume "state"), restricted volume types (volume "state" uses restricted volume type "hostPath")',
    );
    expect(
      restricted({
        ...compliant,
        volumes: [
          { name: 'a', hostPath: { path: '/a' } },
          { name: 'b', nfs: { server: 'x', path: '/' } },
        ],
      }),
    ).toContain('restricted volume types (volumes "a", "b" use restricted volume types "hostPath", "nfs")');
  });

  it('refuses privileged containers, host namespaces and host ports', () => {
    const spec = {
      ...compliant,
      hostNetwork: true,
      hostPID: true,
      containers: [
        {
          ...compliant.containers[0],
          securityContext: { ...compliant.containers[0]?.securityContext, privileged: true },
          ports: [{ containerPort: 18789, hostPort: 18789 }],
        },
      ],
    };
    expect(restricted(spec)).toBe(
      'host namespaces (hostNetwork=true, hostPID=true), hostPort (container "gateway" uses hostPort 18789), privileged (container "gateway" must not set securityContext.privileged=true)',
    );
  });

  it('allows only NET_BIND_SERVICE to be added', () => {
    const withAdds = (add: string[]) => ({
      ...compliant,
      containers: [
        {
          name: 'c',
          image: 'x',
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add } },
        },
      ],
    });
    expect(podSecurityViolations('restricted', withAdds(['NET_BIND_SERVICE']))).toEqual([]);
    expect(restricted(withAdds(['NET_BIND_SERVICE', 'CHOWN']))).toBe(
      'unrestricted capabilities (container "c" must not include "CHOWN" in securityContext.capabilities.add)',
    );
    expect(restricted(withAdds(['SYS_ADMIN']))).toBe(
      'unrestricted capabilities (container "c" must not include "SYS_ADMIN" in securityContext.capabilities.add)',
    );
  });

  it('refuses root: runAsNonRoot=false, runAsUser=0', () => {
    expect(
      restricted({
        ...compliant,
        securityContext: { ...compliant.securityContext, runAsNonRoot: false, runAsUser: 0 },
      }),
    ).toBe(
      'runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false), runAsUser=0 (pod must not set runAsUser=0)',
    );
    expect(
      restricted({
        ...compliant,
        containers: [
          {
            ...compliant.containers[0],
            securityContext: { ...compliant.containers[0]?.securityContext, runAsUser: 0 },
          },
        ],
      }),
    ).toBe('runAsUser=0 (container "gateway" must not set runAsUser=0)');
  });

  it('accepts Localhost seccomp and refuses Unconfined', () => {
    expect(
      podSecurityViolations('restricted', {
        ...compliant,
        securityContext: {
          runAsNonRoot: true,
          seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' },
        },
      }),
    ).toEqual([]);
    expect(
      restricted({
        ...compliant,
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } },
      }),
    ).toBe('seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")');
  });
});

describe('Pod Security baseline', () => {
  it('allows what restricted refuses but baseline does not', () => {
    expect(podSecurityViolations('baseline', { containers: [{ name: 'c', image: 'x' }] })).toEqual([]);
    expect(
      formatViolations(
        podSecurityViolations('baseline', {
          containers: [{ name: 'c', image: 'x', securityContext: { capabilities: { add: ['NET_ADMIN'] } } }],
        }),
      ),
    ).toBe(
      'non-default capabilities (container "c" must not include "NET_ADMIN" in securityContext.capabilities.add)',
    );
  });
});

describe('namespace labels', () => {
  it('reads the enforce, warn and audit levels with their versions', () => {
    expect(
      namespacePolicy({
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/warn': 'baseline',
        'pod-security.kubernetes.io/warn-version': 'v1.35',
      }),
    ).toEqual({
      enforce: { level: 'restricted', version: 'latest' },
      warn: { level: 'baseline', version: 'v1.35' },
      audit: undefined,
    });
  });
});
