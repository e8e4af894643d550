import { useCallback, useState } from 'react';
import { z } from 'zod';

import { tailChoices, type TailChoice } from './SourceBar';

/** How the user likes the log view; kept in this window's storage (a view habit, not an app setting). */
export interface LogPreferences {
  wrap: boolean;
  showTime: boolean;
  tailLines: TailChoice;
}

const storageKey = 'clawbar.logs.view';
const defaults: LogPreferences = { wrap: false, showTime: false, tailLines: 1000 };

const preferencesSchema = z.object({
  wrap: z.boolean().catch(defaults.wrap),
  showTime: z.boolean().catch(defaults.showTime),
  tailLines: z
    .number()
    .nullable()
    .refine(value => (tailChoices as readonly (number | null)[]).includes(value))
    .catch(defaults.tailLines),
});

export function readLogPreferences(storage: Storage | undefined): LogPreferences {
  try {
    const parsed = preferencesSchema.safeParse(JSON.parse(storage?.getItem(storageKey) ?? 'null'));
    return parsed.success ? { ...parsed.data, tailLines: parsed.data.tailLines as TailChoice } : defaults;
  } catch {
    return defaults;
  }
}

export function useLogPreferences(): [LogPreferences, (change: Partial<LogPreferences>) => void] {
  const [preferences, setPreferences] = useState(() => readLogPreferences(safeStorage()));
  const update = useCallback((change: Partial<LogPreferences>) => {
    setPreferences(current => {
      const next = { ...current, ...change };
      try {
        safeStorage()?.setItem(storageKey, JSON.stringify(next));
      } catch {
        // Storage full or disabled: the choice still holds for this view.
      }
      return next;
    });
  }, []);
  return [preferences, update];
}

function safeStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
