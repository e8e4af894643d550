import { describe, expect, it } from 'vitest';

import { instanceProcesses, parsePs } from './process-table';

describe('parsePs', () => {
  it('reads `ps -axo pid=,command=` lines', () => {
    expect(
      parsePs(
        '    1 /sbin/launchd\n  812 /usr/bin/limactl hostagent --pidfile /x/ha.pid clawbar\n\ngarbage\n',
      ),
    ).toEqual([
      { pid: 1, command: '/sbin/launchd' },
      { pid: 812, command: '/usr/bin/limactl hostagent --pidfile /x/ha.pid clawbar' },
    ]);
  });
});

describe('instanceProcesses', () => {
  const dir = '/Users/me/Library/Application Support/Clawbar/lima/clawbar';
  const processes = [
    {
      pid: 10,
      command: `/Applications/Clawbar.app/Contents/Resources/lima/bin/limactl hostagent --pidfile ${dir}/ha.pid --socket ${dir}/ha.sock clawbar`,
    },
    { pid: 11, command: `qemu-system-aarch64 -drive file=${dir}/diffdisk` },
    { pid: 12, command: `tail -f ${dir}/ha.stderr.log` },
    { pid: 13, command: `/usr/bin/limactl hostagent --pidfile /Users/me/.lima/clawbar/ha.pid clawbar` },
    { pid: 14, command: `limactl hostagent --pidfile ${dir}-other/ha.pid other` },
  ];

  it('finds the host agent and driver of this instance only', () => {
    expect(instanceProcesses(processes, dir).map(info => info.pid)).toEqual([10, 11]);
  });

  it('never picks this process', () => {
    expect(
      instanceProcesses([{ pid: process.pid, command: `limactl hostagent ${dir}/ha.pid` }], dir),
    ).toEqual([]);
  });
});
