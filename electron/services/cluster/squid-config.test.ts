import { describe, expect, it } from 'vitest';

import { mergeAllowlist } from '../../../common/allowlist';
import { allowlistPresetIds } from '../../../common/allowlist-presets';
import { ClawbarError } from '../../../common/errors';
import { accessLogFormat } from './proxy-access-log';
import { podNetworkCidr, renderSquidConfig, squidPort, type LocalModelsAccess } from './squid-config';

const localModels: LocalModelsAccess = {
  host: 'host.lima.internal',
  ip: '192.168.5.2',
  ports: [11434, 1234],
};

const directives = (config: string): string[] =>
  config.split('\n').filter(line => line.trim() !== '' && !line.startsWith('#'));
const rules = (config: string): string[] =>
  directives(config).filter(line => line.startsWith('http_access '));
const acls = (config: string): string[] => directives(config).filter(line => line.startsWith('acl '));

describe('renderSquidConfig: the access rules, in SANDBOX.md order', () => {
  it('without local models', () => {
    const config = renderSquidConfig({ allowlist: ['api.anthropic.com', '.slack.com'], localModels: null });
    expect(rules(config)).toEqual([
      'http_access deny !Safe_ports',
      'http_access deny CONNECT !SSL_ports',
      'http_access deny !allowed_destinations',
      'http_access allow localnet allowed_destinations',
      'http_access deny all',
    ]);
    expect(acls(config)).toEqual([
      `acl localnet src ${podNetworkCidr}`,
      'acl SSL_ports port 443',
      'acl Safe_ports port 80 443',
      'acl CONNECT method CONNECT',
      'acl allowlist dstdomain -n api.anthropic.com',
      'acl allowlist dstdomain -n .slack.com',
      'acl allowed_destinations any-of allowlist',
    ]);
  });

  it('with local models: their host and ports only, as plain HTTP', () => {
    const config = renderSquidConfig({ allowlist: ['api.anthropic.com'], localModels });
    expect(rules(config)).toEqual([
      'http_access deny !Safe_ports !local_models',
      'http_access deny CONNECT !SSL_ports',
      'http_access deny !allowed_destinations',
      'http_access allow localnet allowed_destinations',
      'http_access deny all',
    ]);
    expect(acls(config).slice(4)).toEqual([
      'acl allowlist dstdomain -n api.anthropic.com',
      'acl local_models_host dstdomain -n host.lima.internal 192.168.5.2',
      'acl local_models_ports port 1234 11434',
      'acl local_models all-of local_models_host local_models_ports',
      'acl allowed_destinations any-of allowlist local_models',
    ]);
  });

  it('an empty allowlist denies everything (and declares no empty ACL, which Squid warns about)', () => {
    const config = renderSquidConfig({ allowlist: [], localModels: null });
    expect(rules(config)).toEqual([
      'http_access deny !Safe_ports',
      'http_access deny CONNECT !SSL_ports',
      'http_access deny all',
    ]);
    expect(config).not.toMatch(/^acl allowlist/m);
    expect(config).not.toMatch(/allowed_destinations/);
  });

  it('an empty allowlist with local models allows only the local models', () => {
    const config = renderSquidConfig({ allowlist: [], localModels });
    expect(config).not.toMatch(/^acl allowlist/m);
    expect(acls(config).at(-1)).toBe('acl allowed_destinations any-of local_models');
    expect(rules(config)).toEqual([
      'http_access deny !Safe_ports !local_models',
      'http_access deny CONNECT !SSL_ports',
      'http_access deny !allowed_destinations',
      'http_access allow localnet allowed_destinations',
      'http_access deny all',
    ]);
  });

  it('every ACL a rule uses is declared before the first rule', () => {
    for (const options of [
      { allowlist: ['a.com'], localModels },
      { allowlist: ['a.com'], localModels: null },
      { allowlist: [], localModels },
      { allowlist: [], localModels: null },
    ]) {
      const lines = directives(renderSquidConfig(options));
      const firstRule = lines.findIndex(line => line.startsWith('http_access'));
      const declared = new Set(
        lines
          .slice(0, firstRule)
          .filter(line => line.startsWith('acl '))
          .map(line => line.split(' ')[1]),
      );
      const used = rules(lines.join('\n')).flatMap(rule =>
        rule
          .split(' ')
          .slice(2)
          .map(name => name.replace(/^!/, '')),
      );
      for (const name of used) if (name !== 'all') expect(declared.has(name), name).toBe(true);
      expect(lines.slice(firstRule).some(line => line.startsWith('acl '))).toBe(false);
    }
  });
});

describe('renderSquidConfig: the rest of the file', () => {
  const config = renderSquidConfig({ allowlist: ['a.com'], localModels: null });

  it('has the fixed settings of the proxy pod', () => {
    const lines = directives(config);
    for (const line of [
      `http_port ${squidPort}`,
      `logformat clawbar ${accessLogFormat}`,
      'access_log stdio:/dev/stdout clawbar',
      'cache_log stdio:/dev/stderr',
      'cache deny all',
      'pid_filename /var/run/squid/squid.pid',
      'coredump_dir /var/spool/squid',
      'via off',
      'forwarded_for delete',
      'httpd_suppress_version_string on',
      'shutdown_lifetime 1 seconds',
    ]) {
      expect(lines).toContain(line);
    }
    expect(lines.indexOf(`logformat clawbar ${accessLogFormat}`)).toBeLessThan(
      lines.indexOf('access_log stdio:/dev/stdout clawbar'),
    );
  });

  it('sets no DNS servers (guide mistake #2: 8.8.8.8 / 1.1.1.1 are blocked) and no disk cache', () => {
    const lines = directives(config);
    expect(lines.filter(line => /dns_nameservers|8\.8\.8\.8|1\.1\.1\.1/.test(line))).toEqual([]);
    expect(lines.filter(line => line.startsWith('cache_dir'))).toEqual([]);
  });

  it('listens on another port when asked', () => {
    expect(directives(renderSquidConfig({ allowlist: [], localModels: null, port: 8080 }))).toContain(
      'http_port 8080',
    );
  });

  it('explains every block with a comment', () => {
    const blocks = config.trim().split(/\n\s*\n/);
    for (const block of blocks) expect(block.startsWith('#'), block).toBe(true);
  });

  it('writes entries normalised', () => {
    expect(acls(renderSquidConfig({ allowlist: [' A.com. ', '.B.org'], localModels: null }))).toContain(
      'acl allowlist dstdomain -n a.com',
    );
  });

  it('renders every preset together', () => {
    const { entries } = mergeAllowlist(allowlistPresetIds, []);
    const listed = acls(renderSquidConfig({ allowlist: entries, localModels }))
      .filter(line => line.startsWith('acl allowlist '))
      .map(line => line.split(' ').at(-1));
    expect(listed).toEqual(entries);
  });
});

describe('renderSquidConfig refuses what Squid would misread', () => {
  const refusal = (render: () => unknown): ClawbarError => {
    try {
      render();
    } catch (error) {
      if (error instanceof ClawbarError) return error;
      throw error;
    }
    throw new Error('expected renderSquidConfig to throw');
  };

  it('invalid entries and overlaps, one issue per entry, in English', () => {
    const error = refusal(() =>
      renderSquidConfig({
        allowlist: ['ok.com', '-a.com', '*.b.com', '.c.com', 'x.c.com', '10.0.0.0/8'],
        localModels: null,
      }),
    );
    expect(error.code).toBe('proxy-allowlist-invalid');
    expect(error.issues).toEqual([
      { path: 'allowlist.1', message: expect.stringContaining('“-a.com”') as string },
      { path: 'allowlist.2', message: expect.stringContaining('wildcard') as string },
      {
        path: 'allowlist.4',
        message: '“x.c.com” is already allowed by “.c.com”: remove it (Squid refuses a list that has both).',
      },
      { path: 'allowlist.5', message: expect.stringContaining('address range') as string },
    ]);
    expect(error.message).not.toMatch(/\{\{/);
  });

  it.each([
    ['a suffix host', { ...localModels, host: '.host.lima.internal' }],
    ['a host with a scheme', { ...localModels, host: 'http://host.lima.internal' }],
    ['an IP that is not IPv4', { ...localModels, ip: '::1' }],
    ['an IP out of range', { ...localModels, ip: '192.168.5.256' }],
    ['an IP with a leading zero', { ...localModels, ip: '192.168.05.2' }],
    ['no ports', { ...localModels, ports: [] }],
    ['port 0', { ...localModels, ports: [0] }],
    ['a port too high', { ...localModels, ports: [65536] }],
    ['a fractional port', { ...localModels, ports: [11434.5] }],
  ])('local models with %s', (_name, access) => {
    expect(refusal(() => renderSquidConfig({ allowlist: [], localModels: access })).code).toBe(
      'proxy-config-invalid',
    );
  });

  it('a bad listening port', () => {
    expect(refusal(() => renderSquidConfig({ allowlist: [], localModels: null, port: 0 })).code).toBe(
      'proxy-config-invalid',
    );
  });
});
