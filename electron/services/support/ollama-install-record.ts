import { readFile } from 'node:fs/promises';

import { z } from 'zod';

import { writeFileAtomic } from '../platform/atomic-write';

/**
 * Clawbar installs Ollama.app only with the user's consent, and says so here (in its state folder)
 * when it did. The uninstall offers to remove Ollama and its models only then: an Ollama the user
 * installed (the app by hand, Homebrew) is never Clawbar's to remove.
 */
const recordSchema = z.object({
  appPath: z.string().min(1),
  installedAt: z.iso.datetime(),
  from: z.string(),
});
export type OllamaInstallRecord = z.infer<typeof recordSchema>;

export async function writeOllamaInstallRecord(
  file: string,
  record: Omit<OllamaInstallRecord, 'installedAt'>,
  now = new Date(),
): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify({ ...record, installedAt: now.toISOString() }, null, 2)}\n`);
}

/** The record, or null when Clawbar never installed Ollama (or the file is not one). */
export async function readOllamaInstallRecord(file: string): Promise<OllamaInstallRecord | null> {
  try {
    const parsed = recordSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
