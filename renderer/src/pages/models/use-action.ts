import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { Result } from '../../../../common/result';

/**
 * Runs one contract call for a button: `busy` while it runs, and the translated error (code
 * sentence plus the service's detail) when it fails.
 */
export function useAction() {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async <T>(name: string, call: () => Promise<Result<T>>): Promise<T | undefined> => {
      setBusy(name);
      setError(null);
      try {
        const result = await call();
        if (result.ok) return result.value;
        setError(`${t(`errors.${result.error.code}`)} ${result.error.message}`);
        return undefined;
      } finally {
        setBusy(null);
      }
    },
    [t],
  );
  return { busy, error, run, clearError: () => setError(null) };
}
