/**
 * The rendered squid.conf made runnable on this machine, changed ONLY where a test must: the
 * listening port, the runtime and log paths, the pod network (the test's client is 127.0.0.1),
 * and a harness block at the end that sends what Squid lets through to the fake internet (a
 * parent proxy on loopback). Every `acl` and `http_access` rule stays byte for byte what the
 * app renders.
 */
export interface SquidTestPaths {
  /** Where Squid listens, on 127.0.0.1. */
  port: number;
  /** A private directory for the pid file and the logs. */
  dir: string;
  /** The fake internet's port (testing/squid/fake-internet.ts). */
  internetPort: number;
}

export const testClientNetwork = '127.0.0.1/32';

export function adaptSquidConfig(rendered: string, paths: SquidTestPaths): string {
  let config = rendered;
  const replace = (pattern: RegExp, replacement: string): void => {
    const matches = config.match(new RegExp(pattern.source, 'gm'));
    if (matches?.length !== 1) {
      throw new Error(
        `The rendered squid.conf has ${matches?.length ?? 0} lines matching ${pattern.source} (expected 1): the test adaptation is out of date`,
      );
    }
    config = config.replace(new RegExp(pattern.source, 'm'), replacement);
  };
  replace(/^http_port \d+$/, `http_port 127.0.0.1:${paths.port}`);
  replace(/^acl localnet src \S+$/, `acl localnet src ${testClientNetwork}`);
  replace(/^access_log stdio:\/dev\/stdout (\S+)$/, `access_log stdio:${paths.dir}/access.log $1`);
  replace(/^cache_log stdio:\/dev\/stderr$/, `cache_log stdio:${paths.dir}/cache.log`);
  replace(/^pid_filename \S+$/, `pid_filename ${paths.dir}/squid.pid`);
  replace(/^coredump_dir \S+$/, `coredump_dir ${paths.dir}`);
  return [
    config.trimEnd(),
    '',
    '# --- Test harness (testing/squid): not part of the rendered config ---',
    '# What the rules let through goes to the fake internet on loopback, never out of the machine.',
    `cache_peer 127.0.0.1 parent ${paths.internetPort} 0 no-query no-digest name=fake_internet`,
    'never_direct allow all',
    '',
  ].join('\n');
}
