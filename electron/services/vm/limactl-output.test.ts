import { describe, expect, it } from 'vitest';

import {
  apiPortOf,
  compareVersions,
  parseHostEvent,
  parseInstanceList,
  parseLimactlVersion,
  parseLogLine,
  readableLogTail,
  stageHintFromEvent,
  stageHintFromLog,
  toVmInstance,
} from './limactl-output';

// The fixture of reference/runtime-facts.md §1.2 (three instances, JSON Lines).
const listFixture = [
  '{"name":"k3s","hostname":"lima-k3s","status":"Running","dir":"/Users/me/.lima/k3s","vmType":"vz","arch":"aarch64","cpus":4,"memory":4294967296,"disk":107374182400,"sshLocalPort":52344,"hostAgentPID":4242,"driverPID":4242,"sshAddress":"127.0.0.1","protected":false,"limaVersion":"2.2.0","param":{"mirror":"","proxy":"","token":"","url":""},"HostOS":"darwin","HostArch":"aarch64","LimaHome":"/Users/me/.lima","IdentityFile":"/Users/me/.lima/_config/user"}',
  '{"name":"old","hostname":"lima-old","status":"Stopped","dir":"/Users/me/.lima/old","vmType":"qemu","arch":"x86_64","cpus":2,"memory":2147483648,"disk":53687091200,"sshLocalPort":60022,"sshAddress":"127.0.0.1","protected":false,"limaVersion":"1.2.1"}',
  '{"name":"bad","hostname":"lima-bad","status":"Broken","dir":"/Users/me/.lima/bad","vmType":"vz","arch":"aarch64","errors":["host agent is running but driver is not"],"sshAddress":"127.0.0.1","protected":false,"limaVersion":"2.2.0"}',
].join('\n');

describe('parseInstanceList', () => {
  it('reads JSON Lines, one instance per line, memory and disk in bytes', () => {
    const records = parseInstanceList(`${listFixture}\n`);
    expect(records.map(record => [record.name, record.status])).toEqual([
      ['k3s', 'Running'],
      ['old', 'Stopped'],
      ['bad', 'Broken'],
    ]);
    expect(toVmInstance(records[0]!)).toMatchObject({
      status: 'Running',
      cpus: 4,
      memoryGiB: 4,
      diskGiB: 100,
    });
    expect(toVmInstance(records[2]!)).toMatchObject({
      status: 'Broken',
      errors: ['host agent is running but driver is not'],
    });
  });

  it('answers nothing for no instances (limactl prints nothing on stdout)', () => {
    expect(parseInstanceList('')).toEqual([]);
  });

  it('skips garbage lines, pretty-printed fragments and objects that are not instances', () => {
    const noisy = `WARN something\n{not json\n[1,2]\n{"no":"name"}\n${listFixture.split('\n')[1]}\n  }\n`;
    expect(parseInstanceList(noisy).map(record => record.name)).toEqual(['old']);
  });

  it('maps an unknown status to Unknown instead of failing', () => {
    const [record] = parseInstanceList('{"name":"x","status":"Paused"}');
    expect(toVmInstance(record!).status).toBe('Unknown');
  });

  it('finds the API port in the config port forwards, skipping ignore rules', () => {
    const [record] = parseInstanceList(
      JSON.stringify({
        name: 'clawbar',
        status: 'Stopped',
        config: {
          portForwards: [
            { guestIP: '0.0.0.0', guestPortRange: [1, 65535], ignore: true },
            { guestIP: '127.0.0.1', guestPort: 6443, hostIP: '127.0.0.1', hostPort: 51234 },
          ],
        },
      }),
    );
    expect(apiPortOf(record!)).toBe(51234);
    expect(
      apiPortOf({ config: { portForwards: [{ guestPort: 6443, ignore: true, hostPort: 1 }] } }),
    ).toBeUndefined();
  });
});

describe('log lines and events', () => {
  it('parses logrus JSON lines and keeps other lines as text', () => {
    expect(
      parseLogLine(
        '{"level":"fatal","msg":"instance `clawbar` already exists","time":"2026-12-03T10:00:00Z"}',
      ),
    ).toEqual({
      level: 'fatal',
      msg: 'instance `clawbar` already exists',
      fields: {},
    });
    expect(
      parseLogLine(
        '{"digest":"sha256:ab","level":"info","msg":"Attempting to download the image","time":"x"}',
      )?.fields,
    ).toEqual({
      digest: 'sha256:ab',
    });
    expect(parseLogLine('Message from the instance "clawbar":')).toEqual({
      level: 'info',
      msg: 'Message from the instance "clawbar":',
      fields: {},
    });
    expect(parseLogLine('   ')).toBeUndefined();
  });

  it('parses host-agent events and ignores broken ones', () => {
    expect(parseHostEvent('{"time":"t","status":{"running":true,"sshLocalPort":60022}}')?.status).toEqual({
      running: true,
      sshLocalPort: 60022,
    });
    expect(parseHostEvent('garbage')).toBeUndefined();
    expect(parseHostEvent('{"status":"weird"}')?.status).toEqual({});
  });

  it('renders ha.stderr.log as level: message', () => {
    const text = '{"level":"info","msg":"a","time":"t"}\n{"level":"error","msg":"b","time":"t"}\n';
    expect(readableLogTail(text, 1)).toBe('error: b');
  });
});

describe('stage hints', () => {
  it.each([
    ['Attempting to download the image from "https://x"', 'downloading-image', undefined],
    [
      'Using cache "/Users/me/Library/Caches/lima/download/by-url-sha256/ab/data"',
      'downloading-image',
      undefined,
    ],
    ['Starting the instance "clawbar" with internal VM driver "vz"', 'booting', undefined],
    [
      '[hostagent] Starting VZ (hint: to watch the boot progress, see "/x/serialv.log")',
      'booting',
      undefined,
    ],
    ['[hostagent] Waiting for the essential requirement 1 of 3: "ssh"', 'waiting-ssh', 0],
    ['[hostagent] The essential requirement 2 of 3 is satisfied', 'waiting-ssh', 67],
    [
      '[hostagent] Waiting for the optional requirement 1 of 1: "the k3s kubeconfig to be written"',
      'provisioning-k3s',
      0,
    ],
    ['[hostagent] The optional requirement 1 of 1 is satisfied', 'provisioning-k3s', 50],
    [
      '[hostagent] Waiting for the final requirement 1 of 1: "boot scripts must have finished"',
      'provisioning-k3s',
      50,
    ],
    ['[hostagent] Forwarding TCP from 127.0.0.1:6443 to 127.0.0.1:51234', 'forwarding-ports', undefined],
    [
      '[hostagent] Copying config from /etc/rancher/k3s/k3s.yaml to /x/kubeconfig.yaml',
      'forwarding-ports',
      undefined,
    ],
  ])('%s → %s', (line, stage, percent) => {
    const hint = stageHintFromLog(line);
    expect(hint?.stage).toBe(stage);
    expect(hint?.percent).toBe(percent);
  });

  it('has no hint for lines that say nothing about the stage', () => {
    expect(
      stageHintFromLog('Terminal is not available, proceeding without opening an editor'),
    ).toBeUndefined();
    expect(stageHintFromLog('[hostagent] The essential requirement 1 of 3 is unhappy')).toBeUndefined();
  });

  it('reads stages from host-agent events', () => {
    expect(stageHintFromEvent({ status: { sshLocalPort: 1 } })?.stage).toBe('booting');
    expect(stageHintFromEvent({ status: { portForward: { type: 'forwarding' } } })?.stage).toBe(
      'forwarding-ports',
    );
    expect(stageHintFromEvent({ status: { running: true, sshLocalPort: 1 } })).toBeUndefined();
  });
});

describe('versions', () => {
  it('reads limactl --version and compares numerically', () => {
    expect(parseLimactlVersion('limactl version 2.0.3\n')).toBe('2.0.3');
    expect(parseLimactlVersion('limactl version v1.2.1')).toBe('1.2.1');
    expect(parseLimactlVersion('something else')).toBeUndefined();
    expect(compareVersions('2.0.3', '2.0.0')).toBeGreaterThan(0);
    expect(compareVersions('1.10.0', '1.9.9')).toBeGreaterThan(0);
    expect(compareVersions('2.0.0-beta.1', '2.0.0')).toBe(0);
    expect(compareVersions('1.2.1', '2.0.0')).toBeLessThan(0);
  });
});
