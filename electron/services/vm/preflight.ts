import { isClawbarError } from '../../../common/errors';
import type { Settings } from '../../../common/settings';
import type {
  PreflightCheck,
  PreflightCheckId,
  PreflightCode,
  PreflightReport,
  PreflightStatus,
} from '../../../common/vm-model';
import type { HostFacts } from './host-facts';
import type { LimactlInfo } from './limactl-locator';
import { minimumLimactlVersion } from './limactl-locator';
import { apiPortOf, compareVersions, type LimaInstanceRecord } from './limactl-output';
import { maxVmMemoryGiB } from './vm-resources';

/**
 * Preflight checks, run before creating or starting the VM and by onboarding: each one says pass,
 * warn or fail, with a sentence and (when not a pass) a fix in every language. A fail blocks the
 * VM; a warning does not.
 */
export const minimumMacos = '13.5';
/** The image, k3s and its air-gap images need this much before the VM's own data. */
export const minimumFreeDiskGiB = 10;
export const gatewayPort = 18789;

export interface PreflightInputs {
  host: HostFacts;
  settings: Settings;
  limactl: LimactlInfo | Error;
  /** The instance as `limactl list` shows it; undefined when there is none or limactl is missing. */
  instance: LimaInstanceRecord | undefined;
  /** Where the VM's disk will live (the app data dir). */
  dataDir: string;
}

const gib = 2 ** 30;

export async function runPreflight(inputs: PreflightInputs): Promise<PreflightReport> {
  const checks = await Promise.all([
    macosCheck(inputs.host),
    archCheck(inputs.host),
    virtualizationCheck(inputs.host),
    Promise.resolve(limactlCheck(inputs.limactl)),
    diskCheck(inputs),
    Promise.resolve(memoryCheck(inputs)),
    Promise.resolve(cpusCheck(inputs)),
    portsCheck(inputs),
    Promise.resolve(instanceCheck(inputs.instance)),
  ]);
  return { ok: checks.every(check => check.status !== 'fail'), checks };
}

function check(
  id: PreflightCheckId,
  status: PreflightStatus,
  code: PreflightCode,
  message: string,
  params: Record<string, string> = {},
): PreflightCheck {
  return { id, status, code, message, params };
}

async function macosCheck(host: HostFacts): Promise<PreflightCheck> {
  if (host.platform !== 'darwin') {
    return check('macos-version', 'fail', 'not-macos', `Not macOS (${host.platform})`, {
      platform: host.platform,
    });
  }
  const version = await host.macosVersion();
  if (!version)
    return check('macos-version', 'fail', 'macos-too-old', 'macOS version unknown', {
      version: '?',
      minimum: minimumMacos,
    });
  if (compareVersions(version, minimumMacos) < 0) {
    return check('macos-version', 'fail', 'macos-too-old', `macOS ${version} < ${minimumMacos}`, {
      version,
      minimum: minimumMacos,
    });
  }
  return check('macos-version', 'pass', 'macos-supported', `macOS ${version}`, { version });
}

async function archCheck(host: HostFacts): Promise<PreflightCheck> {
  return (await host.appleSilicon())
    ? check('cpu-arch', 'pass', 'apple-silicon', 'Apple Silicon')
    : check('cpu-arch', 'warn', 'intel-mac', 'Intel Mac');
}

async function virtualizationCheck(host: HostFacts): Promise<PreflightCheck> {
  const available = await host.virtualization();
  if (available === undefined)
    return check('virtualization', 'warn', 'virtualization-unknown', 'kern.hv_support unreadable');
  return available
    ? check('virtualization', 'pass', 'virtualization-available', 'kern.hv_support = 1')
    : check('virtualization', 'fail', 'virtualization-unavailable', 'kern.hv_support = 0');
}

function limactlCheck(limactl: LimactlInfo | Error): PreflightCheck {
  if (!(limactl instanceof Error)) {
    return check('limactl', 'pass', 'limactl-ok', `limactl ${limactl.version} at ${limactl.path}`, {
      version: limactl.version,
      source: limactl.source,
      path: limactl.path,
    });
  }
  if (isClawbarError(limactl) && limactl.code === 'vm-limactl-not-found') {
    return check('limactl', 'fail', 'limactl-missing', limactl.message);
  }
  const tooOld = /limactl (\S+) at .* is too old/.exec(limactl.message);
  if (tooOld?.[1]) {
    return check('limactl', 'fail', 'limactl-too-old', limactl.message, {
      version: tooOld[1],
      minimum: minimumLimactlVersion,
    });
  }
  return check('limactl', 'fail', 'limactl-broken', limactl.message, {
    message: limactl.message.slice(0, 300),
  });
}

async function diskCheck(inputs: PreflightInputs): Promise<PreflightCheck> {
  let free: number;
  try {
    free = (await inputs.host.disk(inputs.dataDir)).freeBytes / gib;
  } catch (error) {
    return check('disk-space', 'warn', 'disk-tight', `free space unknown: ${String(error)}`, {
      free: '?',
      disk: String(inputs.settings.vm.diskGiB),
    });
  }
  const params = {
    free: String(Math.floor(free)),
    disk: String(inputs.settings.vm.diskGiB),
    minimum: String(minimumFreeDiskGiB),
  };
  // The disk image is sparse: it only takes what the guest writes, so a big disk setting is a warning.
  if (free < minimumFreeDiskGiB && !inputs.instance)
    return check('disk-space', 'fail', 'disk-insufficient', `${free.toFixed(1)} GiB free`, params);
  if (free < inputs.settings.vm.diskGiB)
    return check('disk-space', 'warn', 'disk-tight', `${free.toFixed(1)} GiB free`, params);
  return check('disk-space', 'pass', 'disk-ok', `${free.toFixed(1)} GiB free`, params);
}

function memoryCheck(inputs: PreflightInputs): PreflightCheck {
  const total = inputs.host.totalMemoryBytes() / gib;
  const vm = inputs.settings.vm.memoryGiB;
  const max = maxVmMemoryGiB(inputs.host.totalMemoryBytes());
  const params = { vm: String(vm), total: String(Math.round(total)), max: String(max) };
  if (vm > max) return check('memory', 'fail', 'memory-too-much', `${vm} GiB > ${max} GiB`, params);
  if (vm > total / 2)
    return check('memory', 'warn', 'memory-high', `${vm} of ${total.toFixed(0)} GiB`, params);
  return check('memory', 'pass', 'memory-ok', `${vm} of ${total.toFixed(0)} GiB`, params);
}

function cpusCheck(inputs: PreflightInputs): PreflightCheck {
  const total = inputs.host.cpuCount();
  const vm = inputs.settings.vm.cpus;
  const params = { vm: String(vm), total: String(total) };
  return vm > total
    ? check('cpus', 'fail', 'cpus-too-many', `${vm} > ${total} CPUs`, params)
    : check('cpus', 'pass', 'cpus-ok', `${vm} of ${total} CPUs`, params);
}

async function portsCheck(inputs: PreflightInputs): Promise<PreflightCheck> {
  const running = inputs.instance?.status === 'Running';
  const apiPort = inputs.instance ? apiPortOf(inputs.instance) : undefined;
  // A running VM holds its own API port; only a stopped VM's port can be taken by someone else.
  if (apiPort !== undefined && !running && !(await inputs.host.portFree(apiPort))) {
    return check('ports', 'warn', 'api-port-busy', `127.0.0.1:${apiPort} is in use`, {
      port: String(apiPort),
    });
  }
  if (!running && !(await inputs.host.portFree(gatewayPort))) {
    return check('ports', 'warn', 'gateway-port-busy', `127.0.0.1:${gatewayPort} is in use`, {
      port: String(gatewayPort),
    });
  }
  const ports = [apiPort === undefined ? undefined : String(apiPort), String(gatewayPort)]
    .filter(Boolean)
    .join(', ');
  return check('ports', 'pass', 'ports-free', `free: ${ports}`, { ports });
}

function instanceCheck(instance: LimaInstanceRecord | undefined): PreflightCheck {
  if (!instance) return check('existing-instance', 'pass', 'instance-none', 'no instance');
  const vmType = instance.vmType ?? instance.config?.vmType;
  if ((vmType !== undefined && vmType !== 'vz') || apiPortOf(instance) === undefined) {
    const detail = vmType !== 'vz' ? `vmType ${vmType ?? '?'}` : 'no Kubernetes API forward';
    return check('existing-instance', 'fail', 'instance-foreign', detail, { detail });
  }
  if (instance.status === 'Broken') {
    return check(
      'existing-instance',
      'warn',
      'instance-broken',
      (instance.errors ?? []).join('; ') || 'Broken',
    );
  }
  return check('existing-instance', 'pass', 'instance-ok', instance.status, { status: instance.status });
}
