import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { guestOpenclawDir, k3sVersion, renderVmTemplate, vmTemplate } from './vm-template';

const input = {
  instanceName: 'clawbar',
  cpus: 6,
  memoryGiB: 12.5,
  diskGiB: 80,
  apiPort: 51234,
  openclawDir: '/Users/me/.openclaw',
};

interface Template {
  vmType: string;
  mountType: string;
  cpus: number;
  memory: string;
  disk: string;
  mounts: { location: string; mountPoint: string; writable: boolean }[];
  portForwards: {
    guestIP?: string;
    guestPort?: number;
    hostIP?: string;
    hostPort?: number;
    ignore?: boolean;
    guestPortRange?: number[];
  }[];
  provision: { mode: string; script: string }[];
  probes: { script: string }[];
  copyToHost: { guest: string; host: string; deleteOnStop: boolean }[];
  ssh: { loadDotSSHPubKeys: boolean; forwardAgent: boolean };
}

function rendered(): Template {
  return parse(renderVmTemplate(input)) as Template;
}

describe('the VM template', () => {
  it('is a vz VM with virtiofs, sized from the settings', () => {
    expect(rendered()).toMatchObject({
      vmType: 'vz',
      mountType: 'virtiofs',
      cpus: 6,
      memory: '12.5GiB',
      disk: '80GiB',
    });
  });

  it('mounts only ~/.openclaw, writable, at the path the static PV uses', () => {
    expect(rendered().mounts).toEqual([
      { location: '/Users/me/.openclaw', mountPoint: guestOpenclawDir, writable: true },
    ]);
  });

  it('forwards only the API, to 127.0.0.1 on the chosen port, and ignores every other port', () => {
    const forwards = rendered().portForwards;
    expect(forwards[0]).toEqual({
      guestIP: '127.0.0.1',
      guestPort: 6443,
      hostIP: '127.0.0.1',
      hostPort: 51234,
    });
    for (const rule of forwards.slice(1))
      expect(rule).toMatchObject({ guestPortRange: [1, 65535], ignore: true });
    expect(forwards.filter(rule => !rule.ignore)).toHaveLength(1);
    expect(JSON.stringify(forwards.filter(rule => !rule.ignore))).not.toContain('0.0.0.0');
  });

  it('keeps the Mac out of the guest: no ssh keys from ~/.ssh, no agent forwarding', () => {
    expect(rendered().ssh).toMatchObject({ loadDotSSHPubKeys: false, forwardAgent: false });
  });

  it('installs the pinned k3s from its release artifacts only, checksum-verified', () => {
    const script = rendered().provision[0]!.script;
    expect(rendered().provision[0]!.mode).toBe('system');
    expect(script).toContain(`K3S_VERSION="${k3sVersion}"`);
    expect(script).toContain('https://github.com/k3s-io/k3s/releases/download/');
    expect(script).toContain('sha256sum -c checksums');
    expect(script).toContain('k3s-airgap-images-${arch}.tar.zst');
    // Every download is from the pinned release: curl only ever fetches "$release/…".
    expect(script).toContain(
      'release="https://github.com/k3s-io/k3s/releases/download/${K3S_VERSION//+/%2B}"',
    );
    const downloads = script.split('\n').filter(line => /\b(curl|wget)\b/.test(line));
    expect(downloads).toEqual(['  curl -fsSL --retry 5 --retry-delay 3 -o "$file" "$release/$file"']);
    expect(script).not.toContain('get.k3s.io');
  });

  it('runs k3s with secrets encryption, without traefik and servicelb, kubeconfig root-only', () => {
    const script = rendered().provision[0]!.script;
    expect(script).toContain('secrets-encryption: true');
    expect(script).toMatch(/disable:\n {2}- traefik\n {2}- servicelb/);
    expect(script).toContain('write-kubeconfig-mode: "0600"');
    expect(script).toContain('node-name: lima-clawbar');
  });

  it('copies the kubeconfig to the host and deletes it on stop', () => {
    expect(rendered().copyToHost).toEqual([
      {
        guest: '/etc/rancher/k3s/k3s.yaml',
        host: '{{.Dir}}/copied-from-guest/kubeconfig.yaml',
        deleteOnStop: true,
      },
    ]);
  });

  it('refuses an API port below 1024 or a relative ~/.openclaw', () => {
    expect(() => vmTemplate({ ...input, apiPort: 80 })).toThrow(RangeError);
    expect(() => vmTemplate({ ...input, openclawDir: '.openclaw' })).toThrow(RangeError);
  });
});
