import { describe, expect, it } from 'vitest';

import {
  administratorAppleScript,
  installScript,
  removeScript,
  sudoersFileContent,
  sudoersRule,
} from './power-setup';

describe('the powermetrics sudoers rule', () => {
  it('pins the exact command line, commas escaped as sudoers requires', () => {
    expect(sudoersRule('ada', '/usr/bin/powermetrics')).toBe(
      'ada ALL=(root) NOPASSWD: /usr/bin/powermetrics --samplers cpu_power\\,gpu_power\\,thermal -i 1000 -f plist',
    );
  });

  it('explains itself in the file, then holds the rule', () => {
    const content = sudoersFileContent('ada', '/usr/bin/powermetrics');
    const lines = content.split('\n');
    expect(lines.slice(0, 2).every(line => line.startsWith('# '))).toBe(true);
    expect(lines[2]).toBe(sudoersRule('ada', '/usr/bin/powermetrics'));
    expect(content.endsWith('\n')).toBe(true);
  });

  // "%admin" is a group, "#0" a uid, "ALL" everyone and "ADMINS" an alias: none is this one user.
  it.each([['%admin'], ['ada lovelace'], ['ada,bob'], [''], ['#0'], ['ALL'], ['ADMINS']])(
    'refuses the user name %j, which sudoers would read as something else',
    user => {
      expect(() => sudoersRule(user, '/usr/bin/powermetrics')).toThrow(/cannot be written safely/);
    },
  );

  it('accepts ordinary macOS account names', () => {
    expect(sudoersRule('_ada-1', '/usr/bin/powermetrics')).toMatch(/^_ada-1 ALL=\(root\) NOPASSWD: /);
  });

  it('refuses a powermetrics path with characters sudoers treats specially', () => {
    expect(() => sudoersRule('ada', '/Applications/My Tools/powermetrics')).toThrow(
      /cannot be written safely/,
    );
    expect(() => sudoersRule('ada', 'powermetrics')).toThrow(/cannot be written safely/);
  });
});

describe('the administrator script', () => {
  const paths = { sudoersDir: '/etc/sudoers.d', visudo: '/usr/sbin/visudo' };

  it('stages the rule where sudo ignores it, checks it with visudo, and only then moves it in place', () => {
    const script = installScript(paths, sudoersFileContent('ada', '/usr/bin/powermetrics'));
    const staging = "'/etc/sudoers.d/.clawbar-powermetrics.new'";
    const order = [
      `printf '%s\\n'`,
      `/bin/chmod 0440 ${staging}`,
      `'/usr/sbin/visudo' -cf ${staging}`,
      `/bin/mv -f ${staging} '/etc/sudoers.d/clawbar-powermetrics'`,
    ].map(part => script.indexOf(part));
    expect(order.every(position => position >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(script).toContain(`else /bin/rm -f ${staging}; echo 'visudo rejected the rule' >&2; exit 1; fi`);
    expect(script).not.toContain('\n');
  });

  it('removes both the rule and any staging file', () => {
    expect(removeScript(paths)).toBe(
      "/bin/rm -f '/etc/sudoers.d/clawbar-powermetrics' '/etc/sudoers.d/.clawbar-powermetrics.new'",
    );
  });

  it('escapes backslashes and quotes for the AppleScript string', () => {
    expect(administratorAppleScript(`printf '%s\\n' "a"`)).toBe(
      `do shell script "printf '%s\\\\n' \\"a\\"" with administrator privileges`,
    );
  });
});
