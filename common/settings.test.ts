import { describe, expect, it } from 'vitest';

import { defaultSettings, mergeSettings, settingsPatchSchema, settingsSchema } from './settings';

describe('settings schema', () => {
  it('fills every default from an empty object, including nested sections', () => {
    const settings = settingsSchema.parse({});
    expect(settings.vm).toEqual({ cpus: 4, memoryGiB: 8, diskGiB: 60, limactlPath: null });
    expect(settings.kubeconfig).toEqual({ mergeIntoUserConfig: false });
    expect(settings.language).toBe('system');
    expect(settings.metrics.sampleIntervalMs).toBe(1000);
  });

  it('fills missing fields of a partly written section', () => {
    expect(settingsSchema.parse({ vm: { cpus: 2 } }).vm).toEqual({
      cpus: 2,
      memoryGiB: 8,
      diskGiB: 60,
      limactlPath: null,
    });
  });

  it.each([
    [{ vm: { cpus: 0 } }, 'vm.cpus'],
    [{ vm: { memoryGiB: 1 } }, 'vm.memoryGiB'],
    [{ vm: { memoryGiB: 3.3 } }, 'vm.memoryGiB'],
    [{ vm: { diskGiB: 10 } }, 'vm.diskGiB'],
    [{ language: 'de' }, 'language'],
    [{ metrics: { sampleIntervalMs: 10 } }, 'metrics.sampleIntervalMs'],
    [{ vm: { limactlPath: 'bin/limactl' } }, 'vm.limactlPath'],
    [{ vm: { limactlPath: '/opt/lima\u0000/limactl' } }, 'vm.limactlPath'],
    [{ kubeconfig: { mergeIntoUserConfig: 'yes' } }, 'kubeconfig.mergeIntoUserConfig'],
  ])('rejects an impossible value %j', (value, path) => {
    const result = settingsSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map(issue => issue.path.join('.'))).toContain(path);
  });
});

describe('settings patch', () => {
  it('refuses unknown keys at every level, so a typo is an error', () => {
    expect(settingsPatchSchema.safeParse({ lanugage: 'fr' }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ vm: { cpu: 2 } }).success).toBe(false);
  });

  it('accepts an empty patch and a partial section', () => {
    expect(settingsPatchSchema.parse({})).toEqual({});
    expect(settingsPatchSchema.parse({ vm: { cpus: 6 } })).toEqual({ vm: { cpus: 6 } });
  });

  it('merges nested sections key by key', () => {
    const merged = mergeSettings(defaultSettings(), { vm: { cpus: 6 }, language: 'fr' });
    expect(merged.vm).toEqual({ cpus: 6, memoryGiB: 8, diskGiB: 60, limactlPath: null });
    expect(merged.language).toBe('fr');
    expect(merged.appearance).toBe('system');
  });

  it('sets and clears the limactl path (null means: bundled, then PATH)', () => {
    const set = mergeSettings(defaultSettings(), { vm: { limactlPath: '/opt/homebrew/bin/limactl' } });
    expect(settingsSchema.parse(set).vm.limactlPath).toBe('/opt/homebrew/bin/limactl');
    expect(mergeSettings(set, { vm: { limactlPath: null } }).vm.limactlPath).toBeNull();
  });

  it('does not mutate the current settings', () => {
    const current = defaultSettings();
    mergeSettings(current, { vm: { cpus: 6 } });
    expect(current.vm.cpus).toBe(4);
  });
});

describe('Ollama and LM Studio settings', () => {
  it('defaults to a loopback server with Homebrew’s memory-saving options and LM Studio off', () => {
    const { ollama, lmStudio } = defaultSettings();
    expect(ollama).toMatchObject({
      autoStart: true,
      bindAddress: '127.0.0.1',
      port: 11434,
      flashAttention: true,
      kvCacheType: 'q8_0',
      installUrl: 'https://ollama.com/download/Ollama-darwin.zip',
      defaultModel: '',
      recommendedModels: [],
    });
    expect(lmStudio).toEqual({ enabled: false, port: 1234 });
  });

  it.each(['5m', '1h30m', '-1', '300', '0', '2.5h'])('accepts the keep-alive %j', keepAlive => {
    expect(settingsSchema.safeParse({ ollama: { keepAlive } }).success).toBe(true);
  });

  it.each([
    [{ ollama: { keepAlive: 'forever' } }, 'ollama.keepAlive'],
    [{ ollama: { bindAddress: '192.168.1.4' } }, 'ollama.bindAddress'],
    [{ ollama: { port: 0 } }, 'ollama.port'],
    [{ ollama: { installUrl: 'file:///etc/passwd' } }, 'ollama.installUrl'],
    [{ ollama: { defaultModel: 'rm -rf' } }, 'ollama.defaultModel'],
    [{ ollama: { flashAttention: false, kvCacheType: 'q4_0' } }, 'ollama.kvCacheType'],
    [
      { ollama: { recommendedModels: [{ name: 'x:1b', sizeBytes: -1 }] } },
      'ollama.recommendedModels.0.sizeBytes',
    ],
    [
      { ollama: { recommendedModels: [{ name: 'x:1b', sizeBytes: 1, extra: true }] } },
      'ollama.recommendedModels.0',
    ],
    [{ lmStudio: { port: 70000 } }, 'lmStudio.port'],
  ])('rejects %j', (value, path) => {
    const result = settingsSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map(issue => issue.path.join('.'))).toContain(path);
  });

  it('accepts f16 without flash attention, and a user’s recommended model', () => {
    const parsed = settingsSchema.parse({
      ollama: {
        flashAttention: false,
        kvCacheType: 'f16',
        recommendedModels: [{ name: 'mistral-small:24b', sizeBytes: 14e9, note: 'mine' }],
      },
    });
    expect(parsed.ollama.recommendedModels).toEqual([
      { name: 'mistral-small:24b', sizeBytes: 14e9, note: 'mine' },
    ]);
  });

  it('refuses unknown keys in the ollama patch', () => {
    expect(settingsPatchSchema.safeParse({ ollama: { keepalive: '5m' } }).success).toBe(false);
    expect(
      settingsPatchSchema.safeParse({ ollama: { keepAlive: '5m' }, lmStudio: { enabled: true } }).success,
    ).toBe(true);
  });
});
