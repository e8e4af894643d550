import { useCallback, useEffect, useRef, useState } from 'react';

import type { IpcError } from '../../../../common/errors';
import type { FitReport, InstalledModel, PullProgress, RunningModel } from '../../../../common/models';
import { useApi, useClawbar } from '../../context';

/** How often the page asks which models are loaded, while it is open and Ollama runs. */
export const runningRefreshMs = 5000;

const noPulls: PullProgress[] = [];

export interface PullOutcome {
  model: string;
  state: Exclude<PullProgress['state'], 'running'>;
  error?: IpcError;
}

interface Loaded {
  installed: InstalledModel[] | null;
  running: RunningModel[] | null;
  fit: FitReport | null;
  /** Why the last listing failed, when it did. */
  error: IpcError | null;
  /** Why asking for the loaded models failed, when it did. */
  runningError: IpcError | null;
  /** Why the memory-fit advice failed, when it did. */
  fitError: IpcError | null;
}

export interface ModelsData extends Loaded {
  serverUp: boolean;
  /** Pulls in progress (from AppState, so a pull started elsewhere shows too). */
  pulls: PullProgress[];
  outcomes: PullOutcome[];
  /** Loads everything again (after a delete, a test, a finished pull). */
  refresh: () => Promise<void>;
  dismissOutcome: (model: string) => void;
}

const nothing: Loaded = {
  installed: null,
  running: null,
  fit: null,
  error: null,
  runningError: null,
  fitError: null,
};

/**
 * The Models page's data, through the contract: installed models (with fit), running models
 * (refreshed every few seconds), memory-fit advice, and pull outcomes from the progress events.
 * Loads again when the server comes or goes, when settings change, and on refresh().
 */
export function useModels(): ModelsData {
  const api = useApi();
  const ollamaState = useClawbar(state => state.appState?.components.ollama.state);
  const pulls = useClawbar(state => state.appState?.llm.pulls ?? noPulls);
  const settings = useClawbar(state => state.settings?.settings);
  const serverUp = ollamaState === 'running';
  const [loaded, setLoaded] = useState<Loaded>(nothing);
  const [outcomes, setOutcomes] = useState<PullOutcome[]>([]);
  const [generation, setGeneration] = useState(0);
  /** refresh() callers waiting for the next load to land. */
  const waiters = useRef<(() => void)[]>([]);

  useEffect(() => {
    let current = true;
    void Promise.all([
      serverUp ? api.models.list() : null,
      serverUp ? api.models.running() : null,
      api.models.fit({}),
    ]).then(([list, running, advice]) => {
      if (!current) return;
      setLoaded(previous => ({
        installed: list?.ok ? list.value : null,
        running: running?.ok ? running.value : null,
        fit: advice.ok ? advice.value : previous.fit,
        error: list && !list.ok ? list.error : null,
        runningError: running && !running.ok ? running.error : null,
        fitError: advice.ok ? null : advice.error,
      }));
      for (const resolve of waiters.current.splice(0)) resolve();
    });
    return () => {
      current = false;
    };
  }, [api, serverUp, settings, generation]);

  useEffect(() => {
    if (!serverUp) return;
    const timer = setInterval(() => {
      void api.models.running().then(result => {
        setLoaded(previous =>
          result.ok
            ? { ...previous, running: result.value, runningError: null }
            : { ...previous, runningError: result.error },
        );
      });
    }, runningRefreshMs);
    return () => clearInterval(timer);
  }, [api, serverUp]);

  const refresh = useCallback(
    () =>
      new Promise<void>(resolve => {
        waiters.current.push(resolve);
        setGeneration(value => value + 1);
      }),
    [],
  );

  useEffect(
    () =>
      api.on('models:pull-progress', progress => {
        if (progress.state === 'running') return;
        const outcome: PullOutcome = {
          model: progress.model,
          state: progress.state,
          ...(progress.error ? { error: progress.error } : {}),
        };
        setOutcomes(current => [...current.filter(entry => entry.model !== progress.model), outcome]);
        if (progress.state === 'success') setGeneration(value => value + 1);
      }),
    [api],
  );

  const dismissOutcome = useCallback((model: string) => {
    setOutcomes(current => current.filter(entry => entry.model !== model));
  }, []);

  return { serverUp, ...loaded, pulls, outcomes, refresh, dismissOutcome };
}
