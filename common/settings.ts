import { z } from 'zod';

/**
 * User settings: one schema for the file on disk, the IPC contract and the settings form.
 * Field schemas are declared once; the stored schema adds defaults, the patch schema makes every
 * field optional and refuses unknown keys (a typo in a patch is an error, not a silent no-op).
 */
export const languageSchema = z.enum(['system', 'en', 'fr']);
export const appearanceSchema = z.enum(['system', 'light', 'dark']);

const vmFields = {
  cpus: z.int().min(1).max(64),
  memoryGiB: z.number().min(2).max(512).multipleOf(0.5),
  diskGiB: z.int().min(20).max(4096),
};

const metricsFields = {
  sampleIntervalMs: z.int().min(250).max(60_000),
};

export const settingsDefaults = {
  language: 'system',
  appearance: 'system',
  launchAtLogin: false,
  stopEverythingOnQuit: false,
  vm: { cpus: 4, memoryGiB: 8, diskGiB: 60 },
  metrics: { sampleIntervalMs: 1000 },
} as const satisfies {
  language: z.infer<typeof languageSchema>;
  appearance: z.infer<typeof appearanceSchema>;
  launchAtLogin: boolean;
  stopEverythingOnQuit: boolean;
  vm: { cpus: number; memoryGiB: number; diskGiB: number };
  metrics: { sampleIntervalMs: number };
};

export const settingsSchema = z.object({
  language: languageSchema.default(settingsDefaults.language),
  appearance: appearanceSchema.default(settingsDefaults.appearance),
  launchAtLogin: z.boolean().default(settingsDefaults.launchAtLogin),
  stopEverythingOnQuit: z.boolean().default(settingsDefaults.stopEverythingOnQuit),
  vm: z
    .object({
      cpus: vmFields.cpus.default(settingsDefaults.vm.cpus),
      memoryGiB: vmFields.memoryGiB.default(settingsDefaults.vm.memoryGiB),
      diskGiB: vmFields.diskGiB.default(settingsDefaults.vm.diskGiB),
    })
    .prefault({}),
  metrics: z
    .object({
      sampleIntervalMs: metricsFields.sampleIntervalMs.default(settingsDefaults.metrics.sampleIntervalMs),
    })
    .prefault({}),
});

export type Settings = z.infer<typeof settingsSchema>;

export const settingsPatchSchema = z.strictObject({
  language: languageSchema.optional(),
  appearance: appearanceSchema.optional(),
  launchAtLogin: z.boolean().optional(),
  stopEverythingOnQuit: z.boolean().optional(),
  vm: z.strictObject(vmFields).partial().optional(),
  metrics: z.strictObject(metricsFields).partial().optional(),
});

export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export function defaultSettings(): Settings {
  return settingsSchema.parse({});
}

/**
 * Applies a patch: nested sections merge key by key, anything else (including arrays) replaces.
 * The caller validates the result with settingsSchema.
 */
export function mergeSettings(current: Settings, patch: SettingsPatch): Settings {
  return deepMerge(current, patch) as Settings;
}

function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
