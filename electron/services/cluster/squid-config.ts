import { validateAllowlist, validateAllowlistEntry } from '../../../common/allowlist';
import { ClawbarError } from '../../../common/errors';
import { translate } from '../../../common/i18n';
import { accessLogFormat, accessLogFormatName } from './proxy-access-log';

/**
 * squid.conf for the egress-proxy pod (SANDBOX.md "Proxy allowlist"). The rules come in this
 * order, and the order is the security: deny non-web ports, deny CONNECT to anything but 443,
 * deny every destination not on the allowlist, allow the allowlist from the pod network, deny
 * all. The manual guide put `allow localnet` before the allowlist, which lets every pod reach
 * every domain. The user can read the result in the ConfigMap, so every block says why.
 */

export const squidPort = 3128;
/** k3s's default cluster CIDR: the pods that may use the proxy. */
export const podNetworkCidr = '10.42.0.0/16';

export interface LocalModelsAccess {
  /** The Mac as the VM names it (`host.lima.internal`). */
  host: string;
  /** The same host as a literal address (`192.168.5.2`): a client may use either. */
  ip: string;
  /** Ollama's 11434, LM Studio's 1234 when it is on. */
  ports: number[];
}

export interface SquidConfigOptions {
  /** The effective allowlist (mergeAllowlist's entries). Empty is valid: everything is denied. */
  allowlist: string[];
  /** Plain-HTTP access to the local model servers on the Mac, or null when "Local models" is off. */
  localModels: LocalModelsAccess | null;
  port?: number;
}

/**
 * Renders the config, or throws `proxy-allowlist-invalid` (with one issue per bad entry) /
 * `proxy-config-invalid`: never a file Squid would misread (`-a.com` reads as a flag, `*.a.com`
 * as a literal star, `.a.com` beside `a.com` stops Squid).
 */
export function renderSquidConfig(options: SquidConfigOptions): string {
  const port = options.port ?? squidPort;
  if (!isPort(port)) throw new ClawbarError('proxy-config-invalid', `Invalid proxy port: ${String(port)}`);
  const allowlist = checkedAllowlist(options.allowlist);
  const localModels = options.localModels ? checkedLocalModels(options.localModels) : null;
  const destinations = [
    ...(allowlist.length > 0 ? ['allowlist'] : []),
    ...(localModels ? ['local_models'] : []),
  ];

  const lines: string[] = [
    '# squid.conf of the Clawbar egress proxy.',
    '# Rendered by Clawbar from its settings: edit the allowlist in Clawbar, not here (this file is',
    '# replaced on every apply). The OpenClaw gateway reaches the internet only through this proxy,',
    '# and the proxy lets through only the destinations on the allowlist below: every other request',
    '# gets "403 Forbidden" and shows up in Clawbar\'s "Blocked requests".',
    '',
    '# Listening port. HTTPS goes through it as CONNECT tunnels: the proxy sees the host name, never',
    '# the content.',
    `http_port ${port}`,
    '',
    '# DNS: no dns_nameservers line, on purpose. Squid then uses /etc/resolv.conf, i.e. the cluster',
    '# DNS; public resolvers such as 8.8.8.8 are blocked by the network policies.',
    '',
    '# Who may use the proxy: the pods of the cluster.',
    `acl localnet src ${podNetworkCidr}`,
    '',
    '# The web ports. Plain HTTP on 80, HTTPS (CONNECT tunnels) on 443 only.',
    'acl SSL_ports port 443',
    'acl Safe_ports port 80 443',
    'acl CONNECT method CONNECT',
    '',
    ...allowlistBlock(allowlist),
    ...(localModels ? localModelsBlock(localModels) : []),
    ...(destinations.length > 0
      ? [
          '# Every destination the proxy lets through.',
          `acl allowed_destinations any-of ${destinations.join(' ')}`,
          '',
        ]
      : []),
    '# Access rules. Squid stops at the first line that matches, so the order matters.',
    ...(localModels
      ? [
          '# 1. Only the web ports, and the local models on their own ports.',
          'http_access deny !Safe_ports !local_models',
        ]
      : ['# 1. Only the web ports.', 'http_access deny !Safe_ports']),
    '# 2. Tunnels (HTTPS) only to port 443.',
    'http_access deny CONNECT !SSL_ports',
    ...(destinations.length > 0
      ? [
          '# 3. Nothing that is not on the allowlist, whoever asks. This comes before any "allow":',
          '#    an "allow localnet" above it would let every pod reach every domain.',
          'http_access deny !allowed_destinations',
          '# 4. The allowlist, for the pods of the cluster.',
          'http_access allow localnet allowed_destinations',
        ]
      : [
          '# 3-4. The allowlist is empty and local models are off: nothing is allowed, so the last',
          '#      rule denies every request.',
        ]),
    '# 5. Everything else.',
    'http_access deny all',
    '',
    '# One line per request on stdout, in a fixed format Clawbar reads for "Blocked requests": a',
    '# marker, the time (Unix seconds.milliseconds), client IP, result/HTTP status, method, host,',
    "# port, bytes sent to the client. Squid's own messages go to stderr.",
    `logformat ${accessLogFormatName} ${accessLogFormat}`,
    `access_log stdio:/dev/stdout ${accessLogFormatName}`,
    'cache_log stdio:/dev/stderr',
    '',
    '# A filter, not a cache: nothing is stored, in memory or on disk (there is no cache_dir), and',
    '# no network measurement database is written.',
    'cache deny all',
    'cache_mem 0 MB',
    'netdb_filename none',
    '# No ICMP pinger helper: it needs raw sockets, which the pod does not have.',
    'pinger_enable off',
    '',
    "# Runtime files, on the pod's emptyDir volumes: the root filesystem is read-only.",
    'pid_filename /var/run/squid/squid.pid',
    'coredump_dir /var/spool/squid',
    '',
    '# Tell the sites nothing about the sandbox: no Via or X-Forwarded-For headers, and no Squid',
    '# version on error pages.',
    'via off',
    'forwarded_for delete',
    'httpd_suppress_version_string on',
    '',
    '# A restart takes seconds, not the default 30.',
    'shutdown_lifetime 1 seconds',
  ];
  return `${lines.join('\n')}\n`;
}

function allowlistBlock(allowlist: readonly string[]): string[] {
  if (allowlist.length === 0) {
    return ['# The allowlist is empty: no internet destination is allowed.', ''];
  }
  return [
    '# The allowlist. "name" allows that host only; ".name" allows the domain and every subdomain.',
    '# -n: match the name the request asks for, never a reverse DNS lookup of an IP address (whoever',
    '# owns an address chooses its reverse name, so an IP would otherwise pass as an allowed name).',
    ...allowlist.map(entry => `acl allowlist dstdomain -n ${entry}`),
    '',
  ];
}

function localModelsBlock(localModels: LocalModelsAccess): string[] {
  return [
    '# Local models on the Mac (Ollama, LM Studio). OpenClaw sends everything through this proxy,',
    '# these plain-HTTP calls too, so the Mac is allowed by name and by address, on these ports only.',
    `acl local_models_host dstdomain -n ${localModels.host} ${localModels.ip}`,
    `acl local_models_ports port ${localModels.ports.join(' ')}`,
    'acl local_models all-of local_models_host local_models_ports',
    '',
  ];
}

function checkedAllowlist(allowlist: readonly string[]): string[] {
  const validation = validateAllowlist(allowlist);
  if (validation.ok) return validation.entries;
  const issues = validation.issues.map(issue => ({
    path: `allowlist.${issue.index}`,
    message: translate('en', `allowlist.problems.${issue.code}`, issue.params),
  }));
  throw new ClawbarError(
    'proxy-allowlist-invalid',
    `The proxy allowlist has invalid entries: ${issues.map(issue => issue.message).join(' ')}`,
    issues,
  );
}

function checkedLocalModels(localModels: LocalModelsAccess): LocalModelsAccess {
  const host = validateAllowlistEntry(localModels.host);
  if (!host.ok || host.entry.startsWith('.')) {
    throw new ClawbarError('proxy-config-invalid', `Invalid local models host: ${localModels.host}`);
  }
  if (!isIpv4(localModels.ip)) {
    throw new ClawbarError('proxy-config-invalid', `Invalid local models address: ${localModels.ip}`);
  }
  if (localModels.ports.length === 0 || !localModels.ports.every(isPort)) {
    throw new ClawbarError(
      'proxy-config-invalid',
      `Invalid local models ports: ${localModels.ports.join(', ') || '(none)'}`,
    );
  }
  return {
    host: host.entry,
    ip: localModels.ip,
    ports: [...new Set(localModels.ports)].sort((a, b) => a - b),
  };
}

function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}

function isIpv4(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every(part => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255);
}

/** The allowlist a rendered squid.conf carries (its `acl allowlist dstdomain` lines), in order. */
export function allowlistOf(squidConf: string): string[] {
  const entries: string[] = [];
  for (const line of squidConf.split('\n')) {
    const match = /^acl allowlist dstdomain(?: -n)? (.+)$/.exec(line.trim());
    if (match?.[1]) entries.push(...match[1].split(/\s+/));
  }
  return entries;
}
