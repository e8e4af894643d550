import { describe, expect, it } from 'vitest';

import { renderSquidConfig } from '../../electron/services/cluster/squid-config';
import { adaptSquidConfig, testClientNetwork } from './adapt-config';

const paths = { port: 41234, dir: '/tmp/clawbar-squid-x', internetPort: 41235 };
const rendered = renderSquidConfig({
  allowlist: ['a.com', '.suffix.org'],
  localModels: { host: 'host.lima.internal', ip: '192.168.5.2', ports: [11434] },
});

describe('adaptSquidConfig', () => {
  it('changes only the port, the paths and the pod network, and appends the harness block', () => {
    const adapted = adaptSquidConfig(rendered, paths).split('\n');
    const original = rendered.trimEnd().split('\n');
    const changed = original
      .map((line, index) => [line, adapted[index]] as const)
      .filter(([before, after]) => before !== after);
    expect(changed).toEqual([
      ['http_port 3128', 'http_port 127.0.0.1:41234'],
      ['acl localnet src 10.42.0.0/16', `acl localnet src ${testClientNetwork}`],
      ['access_log stdio:/dev/stdout clawbar', 'access_log stdio:/tmp/clawbar-squid-x/access.log clawbar'],
      ['cache_log stdio:/dev/stderr', 'cache_log stdio:/tmp/clawbar-squid-x/cache.log'],
      ['pid_filename /var/run/squid/squid.pid', 'pid_filename /tmp/clawbar-squid-x/squid.pid'],
      ['coredump_dir /var/spool/squid', 'coredump_dir /tmp/clawbar-squid-x'],
    ]);
    const appended = adapted.slice(original.length).filter(line => line !== '' && !line.startsWith('#'));
    expect(appended).toEqual([
      'cache_peer 127.0.0.1 parent 41235 0 no-query no-digest name=fake_internet',
      'never_direct allow all',
    ]);
  });

  it('fails loudly when the rendered config no longer has a line it adapts', () => {
    expect(() =>
      adaptSquidConfig(rendered.replace('http_port 3128', 'http_port 0.0.0.0:3128'), paths),
    ).toThrow(/http_port .*expected 1.*out of date/);
  });
});
