import { chmod, mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ClawbarError } from '../../../common/errors';
import { defaultSettings } from '../../../common/settings';
import { createLogger, MemorySink } from './log';
import { SettingsStore } from './settings-store';

async function storeIn(content?: string) {
  const dir = await mkdtemp(join(tmpdir(), 'clawbar-settings-'));
  const file = join(dir, 'settings.json');
  if (content !== undefined) await writeFile(file, content);
  const sink = new MemorySink();
  const store = new SettingsStore(
    file,
    createLogger({ sinks: [sink] }),
    () => new Date('2026-12-03T10:00:00.000Z'),
  );
  return { dir, file, store, sink };
}

async function rejection(promise: Promise<unknown>): Promise<ClawbarError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ClawbarError);
    return error as ClawbarError;
  }
  throw new Error('expected a rejection');
}

describe('SettingsStore', () => {
  it('uses defaults when there is no file, without writing one', async () => {
    const { store, dir } = await storeIn();
    expect(await store.load()).toEqual({ settings: defaultSettings(), recovery: null });
    expect(await readdir(dir)).toEqual([]);
  });

  it('reads a valid file and fills what it leaves out', async () => {
    const { store } = await storeIn(JSON.stringify({ language: 'fr', vm: { cpus: 2 } }));
    const { settings, recovery } = await store.load();
    expect(recovery).toBeNull();
    expect(settings.language).toBe('fr');
    expect(settings.vm).toEqual({ cpus: 2, memoryGiB: 8, diskGiB: 60, limactlPath: null });
  });

  it.each([
    ['not JSON', '{"language": "fr",', /not valid JSON/],
    ['not an object', '[1,2,3]', /not a JSON object/],
    ['schema-invalid', JSON.stringify({ vm: { cpus: 999 } }), /vm\.cpus/],
  ])('keeps a %s file as a backup, uses defaults and says so', async (_label, content, reason) => {
    const { store, dir, file } = await storeIn(content);
    const view = await store.load();
    expect(view.settings).toEqual(defaultSettings());
    expect(view.recovery?.reason).toMatch(reason);
    expect(view.recovery?.backupPath).toBe(`${file}.invalid-2026-12-03T10-00-00-000Z`);
    expect(await readFile(view.recovery?.backupPath ?? '', 'utf8')).toBe(content);
    expect((await readdir(dir)).sort()).toEqual(['settings.json.invalid-2026-12-03T10-00-00-000Z']);
  });

  it('writes atomically with mode 0600 and reads back what it wrote', async () => {
    const { store, file, dir } = await storeIn();
    await store.load();
    const view = await store.update({ vm: { cpus: 6 }, language: 'fr' });
    expect(view.settings.vm.cpus).toBe(6);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['settings.json']);
    const reloaded = new SettingsStore(file, createLogger({ sinks: [] }));
    expect((await reloaded.load()).settings).toEqual(view.settings);
  });

  it('rejects an invalid patch with per-field issues and leaves the file untouched', async () => {
    const { store, file } = await storeIn(JSON.stringify({ vm: { cpus: 2 } }));
    await store.load();
    const before = await readFile(file, 'utf8');
    const error = await rejection(store.update({ vm: { cpus: -1, memoryGiB: 'lots' } }));
    expect(error.code).toBe('settings-invalid');
    expect(error.issues?.map(issue => issue.path).sort()).toEqual(['vm.cpus', 'vm.memoryGiB']);
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(store.current.vm.cpus).toBe(2);
  });

  it('refuses an update a validator finds impossible, and accepts it once the validator is gone', async () => {
    const { store, file } = await storeIn();
    await store.load();
    const seen: [number, number][] = [];
    const registration = store.addValidator((next, current) => {
      seen.push([next.vm.cpus, current.vm.cpus]);
      return next.vm.cpus > 8 ? [{ path: 'vm.cpus', message: 'This Mac has 8 CPUs.' }] : [];
    });
    const error = await rejection(store.update({ vm: { cpus: 12 } }));
    expect(error).toMatchObject({
      code: 'settings-invalid',
      issues: [{ path: 'vm.cpus', message: 'This Mac has 8 CPUs.' }],
    });
    expect(store.current.vm.cpus).toBe(4);
    await expect(readFile(file, 'utf8')).rejects.toThrow();
    await store.update({ vm: { cpus: 6 } });
    expect(seen).toEqual([
      [12, 4],
      [6, 4],
    ]);
    registration.dispose();
    expect((await store.update({ vm: { cpus: 12 } })).settings.vm.cpus).toBe(12);
  });

  it.each([[null], ['fr'], [[]], [{ unknownKey: true }], [{ vm: 'big' }]])(
    'rejects the malformed patch %j',
    async patch => {
      const { store } = await storeIn();
      await store.load();
      expect((await rejection(store.update(patch))).code).toBe('settings-invalid');
    },
  );

  it('keeps keys written by a newer version', async () => {
    const { store, file } = await storeIn(JSON.stringify({ futureFeature: { on: true }, language: 'en' }));
    await store.load();
    await store.update({ language: 'fr' });
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({
      futureFeature: { on: true },
      language: 'fr',
    });
  });

  it('serialises concurrent updates so none is lost', async () => {
    const { store, file } = await storeIn();
    await store.load();
    await Promise.all([
      store.update({ vm: { cpus: 6 } }),
      store.update({ language: 'fr' }),
      store.update({ launchAtLogin: true }),
    ]);
    const written = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({ vm: { cpus: 6 }, language: 'fr', launchAtLogin: true });
  });

  it('fails with settings-write-failed when the folder is read-only, keeping the old values', async () => {
    if (process.getuid?.() === 0) return; // root writes anywhere; the permission check cannot be exercised
    const { store, dir } = await storeIn();
    await store.load();
    await chmod(dir, 0o500);
    try {
      expect((await rejection(store.update({ language: 'fr' }))).code).toBe('settings-write-failed');
      expect(store.current.language).toBe('system');
    } finally {
      await chmod(dir, 0o700);
    }
  });

  it('fails with settings-write-failed when the target is not writable as a file', async () => {
    const { store, file } = await storeIn();
    await store.load();
    await mkdir(file);
    await writeFile(join(file, 'keep'), 'x');
    expect((await rejection(store.update({ language: 'fr' }))).code).toBe('settings-write-failed');
    expect(store.current.language).toBe('system');
  });

  it('tells listeners about changes and a dismissed recovery', async () => {
    const { store } = await storeIn('garbage');
    await store.load();
    const seen: (string | null)[] = [];
    store.onDidChange(view => seen.push(view.recovery ? 'recovery' : view.settings.language));
    await store.update({ language: 'fr' });
    store.dismissRecovery();
    expect(seen).toEqual(['recovery', 'fr']);
    expect(store.view().recovery).toBeNull();
  });
});
