import { readFile, rename } from 'node:fs/promises';

import type { SettingsView } from '../../../common/contract';
import { ClawbarError, describeIssues, issuesFromZod, type IpcError } from '../../../common/errors';
import {
  defaultSettings,
  mergeSettings,
  settingsPatchSchema,
  settingsSchema,
  type Settings,
  type SettingsPatch,
} from '../../../common/settings';
import type { SettingsRecovery } from '../../../common/state';
import { writeFileAtomic } from './atomic-write';
import { Emitter, toDisposable, type Disposable } from './event';
import type { Logger } from './log';

/**
 * A check the schema cannot make alone (it needs the host or the VM), run on every update with
 * the merged result and the settings it replaces. Returned issues refuse the update.
 */
export type SettingsValidator = (
  next: Settings,
  current: Settings,
) => Promise<NonNullable<IpcError['issues']>> | NonNullable<IpcError['issues']>;

/**
 * settings.json: validated on read and on every change, written atomically (0600). A file that is
 * not JSON or does not match the schema is moved aside as a backup (never deleted), defaults are
 * used, and `recovery` tells the UI where the old file went.
 *
 * Top-level keys this version does not know (written by a newer Clawbar) are kept and written
 * back, so a downgrade loses nothing.
 */
export class SettingsStore implements Disposable {
  private settings: Settings = defaultSettings();
  private unknownKeys: Record<string, unknown> = {};
  private recovery: SettingsRecovery | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly changed = new Emitter<SettingsView>();
  private readonly validators = new Set<SettingsValidator>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly file: string,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get path(): string {
    return this.file;
  }

  addValidator(validator: SettingsValidator): Disposable {
    this.validators.add(validator);
    return toDisposable(() => this.validators.delete(validator));
  }

  view(): SettingsView {
    return { settings: structuredClone(this.settings), recovery: this.recovery };
  }

  get current(): Settings {
    return this.settings;
  }

  async load(): Promise<SettingsView> {
    let raw: string;
    try {
      raw = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.settings = defaultSettings();
        return this.view();
      }
      // Unreadable (permissions, a directory in the way): use defaults but leave the file alone.
      this.log.error('Settings file unreadable; using defaults', { file: this.file, error: String(error) });
      this.settings = defaultSettings();
      this.recovery = {
        backupPath: this.file,
        reason: (error as Error).message,
        at: this.now().toISOString(),
      };
      return this.view();
    }

    const problem = this.parse(raw);
    if (problem) await this.recover(problem);
    return this.view();
  }

  update(patch: unknown): Promise<SettingsView> {
    const run = async (): Promise<SettingsView> => {
      const parsedPatch = settingsPatchSchema.safeParse(patch);
      if (!parsedPatch.success) {
        const issues = issuesFromZod(parsedPatch.error);
        throw new ClawbarError('settings-invalid', `Invalid settings: ${describeIssues(issues)}`, issues);
      }
      const next = this.validate(mergeSettings(this.settings, parsedPatch.data));
      const issues = (
        await Promise.all([...this.validators].map(async validator => validator(next, this.settings)))
      ).flat();
      if (issues.length > 0) {
        throw new ClawbarError('settings-invalid', `Invalid settings: ${describeIssues(issues)}`, issues);
      }
      await this.write(next);
      this.settings = next;
      this.log.info('Settings updated', { keys: Object.keys(parsedPatch.data) });
      this.changed.fire(this.view());
      return this.view();
    };
    // Serialised: two quick updates must not interleave their read-merge-write.
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  dismissRecovery(): SettingsView {
    if (this.recovery) {
      this.recovery = null;
      this.changed.fire(this.view());
    }
    return this.view();
  }

  dispose(): void {
    this.changed.dispose();
  }

  private validate(candidate: SettingsPatch | Settings): Settings {
    const parsed = settingsSchema.safeParse(candidate);
    if (!parsed.success) {
      const issues = issuesFromZod(parsed.error);
      throw new ClawbarError('settings-invalid', `Invalid settings: ${describeIssues(issues)}`, issues);
    }
    return parsed.data;
  }

  /** Returns a description of what is wrong with the file, or undefined when it was accepted. */
  private parse(raw: string): string | undefined {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      return `not valid JSON (${(error as Error).message})`;
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'not a JSON object';
    const parsed = settingsSchema.safeParse(json);
    if (!parsed.success) return describeIssues(issuesFromZod(parsed.error));
    const known = new Set(Object.keys(settingsSchema.shape));
    this.unknownKeys = Object.fromEntries(Object.entries(json).filter(([key]) => !known.has(key)));
    this.settings = parsed.data;
    return undefined;
  }

  private async recover(problem: string): Promise<void> {
    const at = this.now();
    const backupPath = `${this.file}.invalid-${at.toISOString().replace(/[:.]/g, '-')}`;
    this.settings = defaultSettings();
    this.unknownKeys = {};
    try {
      await rename(this.file, backupPath);
      this.recovery = { backupPath, reason: problem, at: at.toISOString() };
      this.log.warn('Settings file invalid; kept a backup and using defaults', { backupPath, problem });
    } catch (error) {
      // Could not move it: leave it in place, say so, and do not overwrite it until the user saves.
      this.recovery = { backupPath: this.file, reason: problem, at: at.toISOString() };
      this.log.error('Settings file invalid and could not be moved aside', {
        file: this.file,
        error: String(error),
      });
    }
  }

  private async write(settings: Settings): Promise<void> {
    try {
      await writeFileAtomic(this.file, `${JSON.stringify({ ...this.unknownKeys, ...settings }, null, 2)}\n`);
    } catch (error) {
      throw new ClawbarError(
        'settings-write-failed',
        `Could not save settings to ${this.file}: ${(error as Error).message}`,
        undefined,
        {
          cause: error,
        },
      );
    }
  }
}
