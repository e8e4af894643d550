import { isAbsolute } from 'node:path';

import { stringify } from 'yaml';

/**
 * Clawbar's Lima template, generated from the settings (reference/runtime-facts.md §1.3–1.4).
 * Compared with Lima's stock k3s template it pins k3s and installs it from that release's own
 * artifacts only (binary and air-gap images, checked against the release's sha256 list: no
 * get.k3s.io script, no image pulls from registries for the system pods), turns on secrets
 * encryption, disables traefik and servicelb, keeps the kubeconfig root-only in the guest,
 * mounts only ~/.openclaw (writable), and forwards only the API, to 127.0.0.1.
 */
export const k3sVersion = 'v1.35.0+k3s1';
/** Where ~/.openclaw appears in the guest: the static PV of SANDBOX.md points here. */
export const guestOpenclawDir = '/mnt/openclaw';
export const k3sApiGuestPort = 6443;

export function k3sNodeName(instanceName: string): string {
  return `lima-${instanceName}`;
}

export interface VmTemplateInput {
  instanceName: string;
  cpus: number;
  memoryGiB: number;
  diskGiB: number;
  /** Host port on 127.0.0.1 for the k3s API, chosen free when the VM is created. */
  apiPort: number;
  /** The Mac's ~/.openclaw (absolute). */
  openclawDir: string;
}

export function vmTemplate(input: VmTemplateInput): Record<string, unknown> {
  if (!Number.isInteger(input.apiPort) || input.apiPort < 1024 || input.apiPort > 65535) {
    throw new RangeError(`API port must be 1024–65535, got ${input.apiPort}`);
  }
  if (!isAbsolute(input.openclawDir))
    throw new RangeError(`openclawDir must be absolute: ${input.openclawDir}`);
  return {
    minimumLimaVersion: '2.0.0',
    base: 'template:_images/ubuntu-lts',
    vmType: 'vz',
    mountType: 'virtiofs',
    cpus: input.cpus,
    memory: `${input.memoryGiB}GiB`,
    disk: `${input.diskGiB}GiB`,
    mounts: [{ location: input.openclawDir, mountPoint: guestOpenclawDir, writable: true }],
    // k3s brings its own containerd.
    containerd: { system: false, user: false },
    // No keys from ~/.ssh in the guest and no agent forwarding: the VM holds nothing of the Mac's.
    ssh: { localPort: 0, loadDotSSHPubKeys: false, forwardAgent: false, forwardX11: false },
    video: { display: 'none' },
    // First match wins: the API goes to 127.0.0.1:<apiPort>; every other guest port (NodePorts,
    // anything listening on 0.0.0.0) is not forwarded at all.
    portForwards: [
      { guestIP: '127.0.0.1', guestPort: k3sApiGuestPort, hostIP: '127.0.0.1', hostPort: input.apiPort },
      { guestIP: '0.0.0.0', guestPortRange: [1, 65535], ignore: true },
      { guestIP: '127.0.0.1', guestPortRange: [1, 65535], ignore: true },
    ],
    provision: [{ mode: 'system', script: provisionScript(k3sNodeName(input.instanceName)) }],
    probes: [
      {
        description: 'the k3s kubeconfig to be written',
        script: [
          '#!/bin/bash',
          'set -eux -o pipefail',
          'if ! timeout 30s bash -c "until sudo test -f /etc/rancher/k3s/k3s.yaml; do sleep 3; done"; then',
          '  echo >&2 "k3s is not running yet"',
          '  exit 1',
          'fi',
          '',
        ].join('\n'),
        hint: `The k3s kubeconfig /etc/rancher/k3s/k3s.yaml was not created.\nRun "limactl shell ${input.instanceName} sudo journalctl -u k3s" to see why.\n`,
      },
    ],
    copyToHost: [
      {
        guest: '/etc/rancher/k3s/k3s.yaml',
        host: '{{.Dir}}/copied-from-guest/kubeconfig.yaml',
        deleteOnStop: true,
      },
    ],
  };
}

export function renderVmTemplate(input: VmTemplateInput): string {
  return `# Clawbar's Lima instance. Generated from Clawbar's settings; Clawbar edits it, not you.\n${stringify(
    vmTemplate(input),
    { lineWidth: 0 },
  )}`;
}

/**
 * Runs as root at every boot. Installs the pinned k3s once (verifying each artifact against the
 * release's sha256 list), then lets systemd start it.
 */
function provisionScript(nodeName: string): string {
  return `#!/bin/bash
set -eux -o pipefail
K3S_VERSION="${k3sVersion}"
if [ -x /usr/local/bin/k3s ] && /usr/local/bin/k3s --version | grep -qF "k3s version \${K3S_VERSION} "; then
  systemctl start k3s
  exit 0
fi
case "$(uname -m)" in
  aarch64) arch=arm64; binary=k3s-arm64 ;;
  x86_64) arch=amd64; binary=k3s ;;
  *) echo "unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac
release="https://github.com/k3s-io/k3s/releases/download/\${K3S_VERSION//+/%2B}"
images="k3s-airgap-images-\${arch}.tar.zst"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
for file in "sha256sum-\${arch}.txt" "$binary" "$images"; do
  curl -fsSL --retry 5 --retry-delay 3 -o "$file" "$release/$file"
done
grep -E " (\${binary}|\${images})$" "sha256sum-\${arch}.txt" > checksums
test "$(wc -l < checksums)" -eq 2
sha256sum -c checksums
install -m 0755 "$binary" /usr/local/bin/k3s
install -d -m 0700 /var/lib/rancher/k3s/agent/images /etc/rancher/k3s
install -m 0600 "$images" /var/lib/rancher/k3s/agent/images/
cat > /etc/rancher/k3s/config.yaml <<'EOF'
write-kubeconfig-mode: "0600"
secrets-encryption: true
disable:
  - traefik
  - servicelb
node-name: ${nodeName}
tls-san:
  - 127.0.0.1
EOF
chmod 0600 /etc/rancher/k3s/config.yaml
cat > /etc/systemd/system/k3s.service <<'EOF'
[Unit]
Description=Lightweight Kubernetes
Documentation=https://k3s.io
Wants=network-online.target
After=network-online.target

[Install]
WantedBy=multi-user.target

[Service]
Type=notify
KillMode=process
Delegate=yes
LimitNOFILE=1048576
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
TimeoutStartSec=0
Restart=always
RestartSec=5s
ExecStartPre=-/sbin/modprobe br_netfilter
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/local/bin/k3s server
EOF
systemctl daemon-reload
systemctl enable --now k3s
`;
}
