import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { ClawbarError } from '../../../common/errors';
import type { Progress } from '../../../common/progress';
import type { DiagnosticsResult } from '../../../common/support';
import { writeDiagnosticsBundle, type DiagnosticsSources } from './diagnostics';

export interface DiagnosticsServiceOptions {
  sources: DiagnosticsSources;
  /** Where a bundle goes when no file is named: the user's Downloads in the app, <data>/diagnostics elsewhere. */
  outputDir: string;
  /** Every progress report of every run (the fronts broadcast it as `support:diagnose-progress`). */
  onProgress: (progress: Progress) => void;
  now?: () => Date;
}

/** `clawbar-diagnostics-2026-08-21-143005.zip`, in local time (what the user sees in Finder). */
export function bundleFileName(now: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  const date = `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
  const time = `${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
  return `clawbar-diagnostics-${date}-${time}.zip`;
}

/** One bundle at a time, cancellable, with its progress published. */
export class DiagnosticsService {
  private current: AbortController | null = null;

  constructor(private readonly options: DiagnosticsServiceOptions) {}

  get outputDir(): string {
    return this.options.outputDir;
  }

  /** Writes a bundle to `file`, or to a new file in the output folder. */
  async create(
    request: { file?: string; signal?: AbortSignal; onProgress?: (progress: Progress) => void } = {},
  ): Promise<DiagnosticsResult> {
    if (this.current)
      throw new ClawbarError('diagnostics-busy', 'A diagnostics bundle is already being written.');
    const controller = new AbortController();
    this.current = controller;
    const onAbort = (): void => controller.abort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const now = this.options.now?.() ?? new Date();
      const file = request.file ?? (await this.freshFile(now));
      return await writeDiagnosticsBundle(this.options.sources, {
        file,
        now,
        signal: controller.signal,
        onProgress: progress => {
          this.options.onProgress(progress);
          request.onProgress?.(progress);
        },
      });
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      this.current = null;
    }
  }

  cancel(): { cancelled: boolean } {
    if (!this.current) return { cancelled: false };
    this.current.abort();
    return { cancelled: true };
  }

  private async freshFile(now: Date): Promise<string> {
    await mkdir(this.options.outputDir, { recursive: true });
    const name = bundleFileName(now);
    let file = join(this.options.outputDir, name);
    for (let index = 2; existsSync(file); index++) {
      file = join(this.options.outputDir, name.replace(/\.zip$/, `-${index}.zip`));
    }
    return file;
  }
}
