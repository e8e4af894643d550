import { describe, expect, it } from 'vitest';

import { defaultSettings, mergeSettings, settingsPatchSchema, settingsSchema } from './settings';

describe('settings schema', () => {
  it('fills every default from an empty object, including nested sections', () => {
    const settings = settingsSchema.parse({});
    expect(settings.vm).toEqual({ cpus: 4, memoryGiB: 8, diskGiB: 60 });
    expect(settings.language).toBe('system');
    expect(settings.metrics.sampleIntervalMs).toBe(1000);
  });

  it('fills missing fields of a partly written section', () => {
    expect(settingsSchema.parse({ vm: { cpus: 2 } }).vm).toEqual({ cpus: 2, memoryGiB: 8, diskGiB: 60 });
  });

  it.each([
    [{ vm: { cpus: 0 } }, 'vm.cpus'],
    [{ vm: { memoryGiB: 1 } }, 'vm.memoryGiB'],
    [{ vm: { memoryGiB: 3.3 } }, 'vm.memoryGiB'],
    [{ vm: { diskGiB: 10 } }, 'vm.diskGiB'],
    [{ language: 'de' }, 'language'],
    [{ metrics: { sampleIntervalMs: 10 } }, 'metrics.sampleIntervalMs'],
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
    expect(merged.vm).toEqual({ cpus: 6, memoryGiB: 8, diskGiB: 60 });
    expect(merged.language).toBe('fr');
    expect(merged.appearance).toBe('system');
  });

  it('does not mutate the current settings', () => {
    const current = defaultSettings();
    mergeSettings(current, { vm: { cpus: 6 } });
    expect(current.vm.cpus).toBe(4);
  });
});
