import { isDeepStrictEqual } from 'node:util';

import type { AppStateStore } from '../app-state';
import type { ExecRunner } from '../platform/exec';
import type { SettingsStore } from '../platform/settings-store';
import type { ComponentUpdate } from '../vm/vm-presence';
import { detectLmStudio } from './lmstudio-detect';
import type { FetchLike } from './ollama-client';
import type { MacLocations } from './ollama-detect';

const lmsIntervalMs = 60_000;

/** Keeps components.lmstudio and llm.lmstudio true; run by the status poller. */
export class LmStudioService {
  constructor(
    private readonly options: {
      state: AppStateStore;
      settings: SettingsStore;
      exec: ExecRunner;
      locations: MacLocations;
      /** The demo world's fake LM Studio; otherwise 127.0.0.1 and the configured port. */
      urlOverride?: string | undefined;
      fetch?: FetchLike;
    },
  ) {}

  /** When `lms` was last asked; the poller asks it at most once a minute, `ollama:detect` always. */
  private lmsAskedAt = Number.NEGATIVE_INFINITY;

  get baseUrl(): URL {
    return new URL(
      this.options.urlOverride ?? `http://127.0.0.1:${this.options.settings.current.lmStudio.port}`,
    );
  }

  async detect({ force = false }: { force?: boolean } = {}): Promise<ComponentUpdate> {
    const askLms = force || Date.now() - this.lmsAskedAt >= lmsIntervalMs;
    if (askLms) this.lmsAskedAt = Date.now();
    const detection = await detectLmStudio({
      exec: this.options.exec,
      locations: this.options.locations,
      baseUrl: this.baseUrl,
      askLms,
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    });
    this.options.state.update(current =>
      isDeepStrictEqual(current.llm.lmstudio, detection.detail)
        ? current
        : { ...current, llm: { ...current.llm, lmstudio: detection.detail } },
    );
    return { lmstudio: detection.component };
  }
}
