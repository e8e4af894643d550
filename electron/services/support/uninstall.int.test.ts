import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';

import { keychainService } from '../platform/secret-store';
import { openSupportWorld, type SupportWorld } from './test-support/support-world';
import { ollamaInstallRecordFile, type LoginItemPort } from './uninstall';
import { writeOllamaInstallRecord } from './ollama-install-record';

/**
 * Uninstall on a simulated Mac full of things that are not Clawbar's: the user's own Lima VM in
 * ~/.lima, other clusters in ~/.kube/config, another app's Keychain item and its data folder next
 * to Clawbar's, OpenClaw's state, an Ollama Clawbar did not install. Only Clawbar's go.
 */
let world: SupportWorld | undefined;
afterEach(async () => {
  await world?.dispose();
  world = undefined;
});

const userKubeconfig = `apiVersion: v1
kind: Config
current-context: work
clusters:
  - name: work
    cluster:
      server: https://k8s.work.example:6443
users:
  - name: work
    user:
      token: work-token-123456
contexts:
  - name: work
    context:
      cluster: work
      user: work
`;

async function plantDecoys(world: SupportWorld) {
  const decoys = {
    userLima: join(world.userHome, '.lima', 'default', 'lima.yaml'),
    otherApp: join(dirname(world.paths.home), 'OtherApp', 'prefs.json'),
    openclaw: join(world.userHome, '.openclaw', 'openclaw.json'),
    ollamaModels: join(world.userHome, '.ollama', 'models', 'manifests', 'qwen3'),
  };
  for (const [name, file] of Object.entries(decoys)) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${name}\n`);
  }
  await mkdir(join(world.userHome, '.kube'), { recursive: true });
  await writeFile(join(world.userHome, '.kube', 'config'), userKubeconfig, { mode: 0o600 });
  await world.keychainAdd('com.example.other-app', 'OPENAI_API_KEY', 'other-apps-key-0123456789');
  await world.keychainAdd(keychainService, 'OPENAI_API_KEY', 'clawbar-openai-key-0123456789');
  return decoys;
}

function loginItem(): LoginItemPort & { removed: ReturnType<typeof vi.fn> } {
  const removed = vi.fn(() => Promise.resolve());
  return { status: () => ({ manageable: true, registered: true }), remove: removed, removed };
}

describe('uninstall', () => {
  it(
    'removes the VM, its objects and entries, the login item, the Keychain items and the data folder; nothing else',
    { timeout: 180_000 },
    async () => {
      const login = loginItem();
      world = await openSupportWorld({ loginItem: login });
      const { services, paths } = world;
      const decoys = await plantDecoys(world);
      await services.settings.update({ kubeconfig: { mergeIntoUserConfig: true } });
      await world.startVm();
      await services.secrets.ensureGatewayToken();
      expect(await readFile(join(world.userHome, '.kube', 'config'), 'utf8')).toContain(
        'clawbar.openclaw.ai',
      );

      const plan = await services.uninstall.plan();
      const byId = new Map(plan.items.map(item => [item.id, item]));
      expect(plan.items.filter(item => item.kind === 'removed').map(item => item.id)).toEqual([
        'vm',
        'cluster-objects',
        'lima-home',
        'kubeconfig',
        'user-kubeconfig',
        'login-item',
        'keychain',
        'state',
        'settings',
        'logs',
        'data-dir',
      ]);
      expect(byId.get('vm')?.targets).toEqual(['limactl delete -f clawbar', join(paths.limaHome, 'clawbar')]);
      expect(byId.get('vm')?.sizeBytes).toBeGreaterThan(0);
      expect(byId.get('keychain')?.targets).toEqual([
        `${keychainService} / OPENCLAW_GATEWAY_TOKEN`,
        `${keychainService} / OPENAI_API_KEY`,
      ]);
      expect(byId.get('user-kubeconfig')?.targets).toEqual(
        ['cluster', 'user', 'context'].map(
          section => `${join(world!.userHome, '.kube', 'config')}: ${section} "clawbar"`,
        ),
      );
      expect(byId.get('openclaw-state')).toMatchObject({
        kind: 'optional',
        choice: 'removeOpenclawState',
        targets: [join(world.userHome, '.openclaw')],
      });
      // The Ollama here is the one on PATH: not Clawbar's, so not even offered.
      expect(byId.get('ollama-app')).toMatchObject({ kind: 'kept', note: 'not-installed-by-clawbar' });
      expect(byId.get('ollama-data')).toMatchObject({
        kind: 'kept',
        targets: [join(world.userHome, '.ollama')],
      });
      const ollamaOnPath = byId.get('ollama-app')?.targets[0] ?? '';

      const report = await services.uninstall.execute(plan, {
        removeOpenclawState: false,
        removeOllama: false,
      });
      expect(report.results.filter(result => result.outcome === 'failed')).toEqual([]);
      expect(report.complete).toBe(true);
      expect(Object.fromEntries(report.results.map(result => [result.id, result.outcome]))).toEqual({
        vm: 'removed',
        'cluster-objects': 'removed',
        'lima-home': 'removed',
        kubeconfig: 'removed',
        'user-kubeconfig': 'removed',
        'login-item': 'removed',
        keychain: 'removed',
        'openclaw-state': 'kept',
        'ollama-app': 'kept',
        'ollama-data': 'kept',
        state: 'removed',
        settings: 'removed',
        logs: 'removed',
        'data-dir': 'removed',
      });
      expect(login.removed).toHaveBeenCalledOnce();

      // Gone: everything of Clawbar's.
      expect(existsSync(paths.home)).toBe(false);
      expect(await world.keychainHas(keychainService, 'OPENCLAW_GATEWAY_TOKEN')).toBe(false);
      expect(await world.keychainHas(keychainService, 'OPENAI_API_KEY')).toBe(false);
      const kube = parse(await readFile(join(world.userHome, '.kube', 'config'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(kube).toMatchObject({
        'current-context': 'work',
        clusters: [{ name: 'work' }],
        users: [{ name: 'work', user: { token: 'work-token-123456' } }],
        contexts: [{ name: 'work' }],
      });
      // Kept: everything else.
      for (const file of Object.values(decoys)) expect(existsSync(file), file).toBe(true);
      expect(existsSync(ollamaOnPath)).toBe(true);
      expect(await world.keychainHas('com.example.other-app', 'OPENAI_API_KEY')).toBe(true);
      expect(await readdir(dirname(paths.home))).toEqual(['OtherApp']);
    },
  );

  it(
    'removes OpenClaw’s state and the Ollama.app Clawbar installed when ticked, and keeps a folder it did not fill',
    { timeout: 60_000 },
    async () => {
      world = await openSupportWorld();
      const { services, paths } = world;
      const decoys = await plantDecoys(world);
      const app = join(world.userHome, 'Applications', 'Ollama.app');
      await mkdir(join(app, 'Contents', 'Resources'), { recursive: true });
      await writeFile(
        join(app, 'Contents', 'Info.plist'),
        '<plist><dict><key>CFBundleIdentifier</key><string>com.electron.ollama</string></dict></plist>',
      );
      await writeFile(join(app, 'Contents', 'Resources', 'ollama'), '#!/bin/sh\n', { mode: 0o755 });
      await writeOllamaInstallRecord(ollamaInstallRecordFile(paths), {
        appPath: app,
        from: 'https://example.com',
      });
      await writeFile(join(paths.home, 'notes-the-user-put-here.txt'), 'mine\n');

      const plan = await services.uninstall.plan();
      expect(plan.items.find(item => item.id === 'vm')).toBeUndefined();
      expect(plan.items.find(item => item.id === 'login-item')).toMatchObject({
        kind: 'kept',
        note: 'login-item-app-only',
      });
      expect(
        plan.items.filter(item => item.kind === 'optional').map(item => [item.id, item.targets]),
      ).toEqual([
        ['openclaw-state', [join(world.userHome, '.openclaw')]],
        ['ollama-app', [app]],
        ['ollama-data', [join(world.userHome, '.ollama')]],
      ]);

      const report = await services.uninstall.execute(plan, {
        removeOpenclawState: true,
        removeOllama: true,
      });
      const outcome = Object.fromEntries(report.results.map(result => [result.id, result]));
      expect(outcome['openclaw-state']?.outcome).toBe('removed');
      expect(outcome['ollama-app']?.outcome).toBe('removed');
      expect(outcome['ollama-data']?.outcome).toBe('removed');
      expect(outcome['login-item']?.outcome).toBe('kept');
      expect(outcome['data-dir']).toMatchObject({
        outcome: 'kept',
        message: expect.stringContaining('notes-the-user-put-here.txt') as string,
      });
      expect(existsSync(app)).toBe(false);
      expect(existsSync(join(world.userHome, '.openclaw'))).toBe(false);
      expect(existsSync(join(world.userHome, '.ollama'))).toBe(false);
      expect(await readdir(paths.home)).toEqual(['notes-the-user-put-here.txt']);
      expect(existsSync(decoys.userLima)).toBe(true);
      expect(existsSync(decoys.otherApp)).toBe(true);
      expect(await world.keychainHas('com.example.other-app', 'OPENAI_API_KEY')).toBe(true);
    },
  );

  it('keeps an Ollama.app that is no longer the one Clawbar installed', { timeout: 60_000 }, async () => {
    world = await openSupportWorld();
    const { services, paths } = world;
    const app = join(world.userHome, 'Applications', 'Ollama.app');
    await mkdir(join(app, 'Contents'), { recursive: true });
    await writeFile(
      join(app, 'Contents', 'Info.plist'),
      '<plist><string>com.example.not-ollama</string></plist>',
    );
    await writeOllamaInstallRecord(ollamaInstallRecordFile(paths), {
      appPath: app,
      from: 'https://example.com',
    });
    const plan = await services.uninstall.plan();
    const report = await services.uninstall.execute(plan, { removeOpenclawState: false, removeOllama: true });
    expect(report.results.find(result => result.id === 'ollama-app')).toMatchObject({
      outcome: 'failed',
      message: expect.stringContaining('no longer the Ollama.app Clawbar installed') as string,
    });
    expect(report.complete).toBe(false);
    expect(existsSync(join(app, 'Contents', 'Info.plist'))).toBe(true);
  });
});
