import { readFile, rename } from 'node:fs/promises';

import { z } from 'zod';

import { installViewSchema, type InstallView } from '../../../common/install';
import { writeFileAtomic } from '../platform/atomic-write';
import type { Logger } from '../platform/log';

/** Where the install's progress lives between runs of Clawbar. */
export interface InstallStateStore {
  /** The last saved view; null when there is none (or it was unreadable, and was set aside). */
  load(): Promise<InstallView | null>;
  save(view: InstallView): Promise<void>;
}

const fileSchema = z.object({ version: z.literal(1), install: installViewSchema });

/**
 * The install's progress as a JSON file in the app data dir, written atomically (a crash leaves the
 * old or the new content, never half), owner-only. Saves are queued so an older snapshot can never
 * land after a newer one. A file that cannot be read is moved aside (so nothing is lost) and the
 * install starts from scratch: every step's check still finds what is already done.
 */
export class InstallStateFile implements InstallStateStore {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly log: Logger,
  ) {}

  async load(): Promise<InstallView | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = fileSchema.safeParse(json);
    if (parsed.success) return parsed.data.install;
    const backup = `${this.path}.unreadable-${Date.now()}`;
    await rename(this.path, backup).catch(() => undefined);
    this.log.warn('The saved install progress was unreadable; starting over (its steps are checked again)', {
      backup,
    });
    return null;
  }

  save(view: InstallView): Promise<void> {
    const content = `${JSON.stringify({ version: 1, install: view }, null, 2)}\n`;
    const next = this.queue.then(() => writeFileAtomic(this.path, content, 0o600));
    // One failed write must not block the ones after it; the caller still sees its own failure.
    this.queue = next.catch(() => undefined);
    return next;
  }
}
