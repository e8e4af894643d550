import { describe, expect, it } from 'vitest';

import { resolveAppPaths } from './paths';

describe('resolveAppPaths', () => {
  it('uses Application Support on macOS', () => {
    const paths = resolveAppPaths({ env: {}, platform: 'darwin', userHome: '/Users/me' });
    expect(paths.home).toBe('/Users/me/Library/Application Support/Clawbar');
    expect(paths.settingsFile).toBe('/Users/me/Library/Application Support/Clawbar/settings.json');
    expect(paths.limaHome).toBe('/Users/me/Library/Application Support/Clawbar/lima');
    expect(paths.kubeconfig).toBe('/Users/me/Library/Application Support/Clawbar/kubeconfig.yaml');
  });

  it('uses XDG_CONFIG_HOME or ~/.config elsewhere', () => {
    expect(resolveAppPaths({ env: {}, platform: 'linux', userHome: '/home/me' }).home).toBe(
      '/home/me/.config/Clawbar',
    );
    expect(
      resolveAppPaths({ env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux', userHome: '/home/me' }).home,
    ).toBe('/xdg/Clawbar');
    expect(
      resolveAppPaths({ env: { XDG_CONFIG_HOME: 'relative' }, platform: 'linux', userHome: '/home/me' }).home,
    ).toBe('/home/me/.config/Clawbar');
  });

  it('lets CLAWBAR_HOME override everything, and never touches ~/.kube', () => {
    const paths = resolveAppPaths({
      env: { CLAWBAR_HOME: '/tmp/demo' },
      platform: 'darwin',
      userHome: '/Users/me',
    });
    expect(Object.values({ ...paths }).every(path => path.startsWith('/tmp/demo'))).toBe(true);
  });

  it('ignores an empty CLAWBAR_HOME', () => {
    expect(
      resolveAppPaths({ env: { CLAWBAR_HOME: ' ' }, platform: 'linux', userHome: '/home/me' }).home,
    ).toBe('/home/me/.config/Clawbar');
  });
});
