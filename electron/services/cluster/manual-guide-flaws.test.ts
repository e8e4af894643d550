import { readdir, readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';

import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IService } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';

import { guestOpenclawDir, renderVmTemplate, vmTemplate } from '../vm/vm-template';
import { podTemplateOf } from './pod-security';
import { evaluateFlow, sandboxFlows, selectorMatches } from './reachability';
import { renderManifests, secretPlaceholder, type SandboxObject } from './render-manifests';
import { clawbarSelector, limaHostAddress, sandboxPodLabels } from './sandbox-params';
import { manifestsDir, paramsFor } from './test-support/sandbox-fixtures';

/**
 * SANDBOX.md "Where the manual guide goes wrong": one test per flaw, each proving that what Clawbar
 * renders does not have it. Rendered with everything on (internet, local models, LM Studio, a
 * provider key), unless a test needs otherwise.
 */

async function rendered(options: Parameters<typeof paramsFor>[0] = {}): Promise<SandboxObject[]> {
  return renderManifests(
    manifestsDir,
    paramsFor({
      internet: true,
      localModels: true,
      lmStudio: true,
      secretKeys: ['OPENAI_API_KEY'],
      ...options,
    }),
  );
}

function squidConf(objects: SandboxObject[]): string {
  const configMap = objects.find(object => object.metadata.name === 'egress-proxy-config') as unknown as {
    data: Record<string, string>;
  };
  return configMap.data['squid.conf']!;
}

function policies(objects: SandboxObject[]): INetworkPolicy[] {
  return objects.filter(object => object.kind === 'NetworkPolicy') as unknown as INetworkPolicy[];
}

function podSpecs(objects: SandboxObject[]) {
  return objects.flatMap(object => {
    const pod = podTemplateOf(object);
    return pod ? [{ name: object.metadata.name, spec: pod.spec }] : [];
  });
}

function flow(id: string) {
  const found = sandboxFlows().find(candidate => candidate.id === id);
  if (!found) throw new Error(`no flow ${id}`);
  return found.flow;
}

const vmInput = {
  instanceName: 'clawbar',
  cpus: 4,
  memoryGiB: 8,
  diskGiB: 60,
  apiPort: 51234,
  openclawDir: '/Users/me/.openclaw',
};

describe('where the manual guide goes wrong, and Clawbar does not', () => {
  it('1. the allowlist deny comes before any allow in squid.conf, so no pod reaches every domain', async () => {
    for (const domains of [[], ['example.org']]) {
      for (const presets of [[], ['openclaw' as const]]) {
        const conf = squidConf(
          await rendered({
            settings: settings => ({
              ...settings,
              sandbox: { ...settings.sandbox, allowlist: { presets, domains } },
            }),
          }),
        );
        const rules = conf.split('\n').filter(line => line.startsWith('http_access '));
        const firstAllow = rules.findIndex(rule => rule.startsWith('http_access allow'));
        const allowlistDeny = rules.indexOf('http_access deny !allowed_destinations');
        expect(rules.at(-1)).toBe('http_access deny all');
        expect(rules).not.toContain('http_access allow localnet');
        if (firstAllow !== -1) {
          expect(allowlistDeny).toBeGreaterThanOrEqual(0);
          expect(allowlistDeny).toBeLessThan(firstAllow);
        }
        for (const allow of rules.filter(rule => rule.startsWith('http_access allow'))) {
          expect(allow).toContain('allowed_destinations');
        }
      }
    }
  });

  it('2. Squid resolves through the cluster DNS, which the policies allow, not 8.8.8.8 or 1.1.1.1', async () => {
    const objects = await rendered();
    const directives = squidConf(objects)
      .split('\n')
      .filter(line => !line.trimStart().startsWith('#'));
    expect(directives.filter(line => /^\s*dns_nameservers/.test(line))).toEqual([]);
    expect(directives.filter(line => /8\.8\.8\.8|1\.1\.1\.1/.test(line))).toEqual([]);
    const proxy = podSpecs(objects).find(pod => pod.name === 'egress-proxy')!.spec;
    expect(proxy.dnsPolicy ?? 'ClusterFirst').toBe('ClusterFirst');
    expect(proxy.dnsConfig?.nameservers ?? []).toEqual([]);
    expect(evaluateFlow(policies(objects), flow('proxy-dns')).allowed).toBe(true);
    expect(evaluateFlow(policies(objects), flow('proxy-public-dns')).allowed).toBe(false);
  });

  it('3. hostAliases name the Mac by a literal IP address, never "host-gateway"', async () => {
    const pods = podSpecs(await rendered());
    const aliases = pods.flatMap(pod => pod.spec.hostAliases ?? []);
    expect(aliases.length).toBe(pods.length);
    for (const alias of aliases) {
      expect(isIP(alias.ip), alias.ip).toBe(4);
      expect(alias).toEqual({ ip: limaHostAddress, hostnames: ['host.lima.internal'] });
    }
  });

  it('4. no pod mounts a hostPath: the state is a claim on a PV at the Mac’s ~/.openclaw as the VM mounts it', async () => {
    const objects = await rendered();
    for (const pod of podSpecs(objects)) {
      for (const volume of pod.spec.volumes ?? [])
        expect(volume.hostPath, `${pod.name}/${volume.name}`).toBeUndefined();
    }
    const gateway = podSpecs(objects).find(pod => pod.name === 'openclaw-gateway')!.spec;
    expect(gateway.volumes).toContainEqual({
      name: 'state',
      persistentVolumeClaim: { claimName: 'openclaw-state' },
    });
    const volume = objects.find(object => object.kind === 'PersistentVolume') as unknown as {
      spec: { hostPath: { path: string } };
    };
    // The PV's path is where the VM mounts the Mac's ~/.openclaw, not a directory of the VM's own.
    const mounts = vmTemplate(vmInput).mounts as {
      location: string;
      mountPoint: string;
      writable: boolean;
    }[];
    expect(mounts).toContainEqual({
      location: '/Users/me/.openclaw',
      mountPoint: volume.spec.hostPath.path,
      writable: true,
    });
    expect(volume.spec.hostPath.path).toBe(guestOpenclawDir);
  });

  it('5. the gateway is on no NodePort or LoadBalancer, no policy lets anything in, and it needs its token', async () => {
    const objects = await rendered();
    const services = objects.filter(object => object.kind === 'Service') as unknown as IService[];
    for (const service of services) {
      expect(service.spec?.type).toBe('ClusterIP');
      expect(service.spec?.ports?.every(port => port.nodePort === undefined)).toBe(true);
    }
    expect(objects.find(object => object.kind === 'ResourceQuota')).toMatchObject({
      spec: { hard: { 'services.nodeports': '0', 'services.loadbalancers': '0' } },
    });
    const gatewayLabels = sandboxPodLabels('gateway');
    for (const policy of policies(objects)) {
      if (!selectorMatches(policy.spec!.podSelector, gatewayLabels)) continue;
      expect(policy.spec?.ingress ?? [], policy.metadata?.name).toEqual([]);
    }
    for (const id of [
      'lan-to-gateway',
      'other-namespace-to-gateway',
      'proxy-to-gateway',
      'internet-to-gateway',
      'mac-to-gateway',
    ]) {
      expect(evaluateFlow(policies(objects), flow(id)).allowed, id).toBe(false);
    }
    const gateway = objects.find(
      object => object.metadata.name === 'openclaw-gateway' && object.kind === 'Deployment',
    ) as unknown as IDeployment;
    const token = gateway.spec!.template.spec!.containers[0]!.env!.find(
      variable => variable.name === 'OPENCLAW_GATEWAY_TOKEN',
    )!;
    expect(token.valueFrom?.secretKeyRef).toEqual({
      name: 'openclaw-secrets',
      key: 'OPENCLAW_GATEWAY_TOKEN',
    });
    const seed = JSON.parse(
      (
        objects.find(object => object.metadata.name === 'openclaw-seed-config') as unknown as {
          data: Record<string, string>;
        }
      ).data['openclaw.json']!,
    ) as { gateway: { auth: { mode: string } } };
    expect(seed.gateway.auth.mode).toBe('token');
  });

  it('6. keys reach the gateway only through secretKeyRef, the files hold placeholders, and k3s encrypts Secrets', async () => {
    const objects = await rendered({
      secretKeys: ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'TELEGRAM_BOT_TOKEN'],
    });
    const secretLike = /(KEY|TOKEN|SECRET|PASSWORD)/i;
    for (const pod of podSpecs(objects)) {
      for (const container of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
        expect(container.envFrom ?? []).toEqual([]);
        for (const variable of container.env ?? []) {
          if (!secretLike.test(variable.name)) continue;
          expect(variable.value, variable.name).toBeUndefined();
          expect(variable.valueFrom?.secretKeyRef?.name, variable.name).toBe('openclaw-secrets');
        }
      }
    }
    const secret = objects.find(object => object.kind === 'Secret') as unknown as {
      stringData: Record<string, string>;
      data?: unknown;
    };
    expect(secret.data).toBeUndefined();
    expect(Object.values(secret.stringData).every(value => value === secretPlaceholder)).toBe(true);
    expect(renderVmTemplate(vmInput)).toContain('secrets-encryption: true');
  });

  it('7. no policy pretends to block: every one only allows, and denial comes from default-deny alone', async () => {
    const objects = await rendered();
    const set = policies(objects);
    for (const policy of set) {
      const types = policy.spec?.policyTypes ?? [];
      if (policy.metadata?.name === 'default-deny') {
        expect(policy.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
        continue;
      }
      // Each direction a policy isolates comes with a rule that lets something through.
      for (const type of types) {
        const rules = type === 'Egress' ? policy.spec?.egress : policy.spec?.ingress;
        expect(rules?.length ?? 0, `${policy.metadata?.name} ${type}`).toBeGreaterThan(0);
      }
      expect(policy.metadata?.name).not.toMatch(/block|deny/);
    }
    // Taking any policy but default-deny away never opens a flow: it only ever allowed.
    const flows = sandboxFlows();
    const allowed = (subset: INetworkPolicy[]) =>
      new Set(flows.filter(entry => evaluateFlow(subset, entry.flow).allowed).map(entry => entry.id));
    const all = allowed(set);
    for (const policy of set.filter(candidate => candidate.metadata?.name !== 'default-deny')) {
      const without = allowed(set.filter(candidate => candidate !== policy));
      expect(
        [...without].filter(id => !all.has(id)),
        policy.metadata?.name,
      ).toEqual([]);
    }
  });

  it('8. one way to k3s: Lima with its own k3s, no Docker, k3d, Multipass or Compose anywhere', async () => {
    const runtimes =
      /\b(k3d|multipass|minikube|colima|docker-compose|compose\.ya?ml|dockerd|docker\.sock|docker desktop)\b|\bdocker\b(?!\.io\/)/i;
    for (const file of await readdir(manifestsDir)) {
      const text = await readFile(join(manifestsDir, file), 'utf8');
      expect(runtimes.exec(text)?.[0], file).toBeUndefined();
    }
    const template = renderVmTemplate(vmInput);
    expect(runtimes.exec(template)?.[0]).toBeUndefined();
    expect(vmTemplate(vmInput)).toMatchObject({ vmType: 'vz', containerd: { system: false, user: false } });
    expect(template).toContain('install -m 0755 "$binary" /usr/local/bin/k3s');
  });

  it('9. uninstall can select exactly what Clawbar made, and keeps ~/.openclaw', async () => {
    const objects = await rendered();
    const [key, value] = clawbarSelector.split('=') as [string, string];
    for (const object of objects) {
      expect(
        selectorMatches({ matchLabels: { [key]: value } }, object.metadata.labels ?? {}),
        `${object.kind}/${object.metadata.name}`,
      ).toBe(true);
      expect(object.metadata.labels?.['app.kubernetes.io/part-of']).toBe('clawbar');
    }
    // Nothing cluster-wide beyond the namespace and the state volume: no roles, no bindings, no CRDs.
    expect(
      objects
        .filter(object => !object.metadata.namespace)
        .map(object => object.kind)
        .sort(),
    ).toEqual(['Namespace', 'PersistentVolume']);
    expect(objects.some(object => /Role|Binding|CustomResourceDefinition/.test(object.kind))).toBe(false);
    const volume = objects.find(object => object.kind === 'PersistentVolume') as unknown as {
      spec: { persistentVolumeReclaimPolicy: string; storageClassName: string };
    };
    // Deleting the claim or the volume leaves the files: nothing provisions or reclaims them.
    expect(volume.spec).toMatchObject({ persistentVolumeReclaimPolicy: 'Retain', storageClassName: '' });
  });
});
