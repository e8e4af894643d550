import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { PowerStatus } from '../../../common/state';
import { useApi } from '../context';

/**
 * Asks before installing the powermetrics permission: what it allows (the exact command and the
 * rule, word for word), where it goes, that macOS will ask for a password, and the sudoless
 * alternative. Only "Allow" sends the consent.
 */
export function PowerConsentDialog({ power, onClose }: { power: PowerStatus; onClose: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    // The safe choice has the focus: Enter does not install anything.
    cancelRef.current?.focus();
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape' && !busy) onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
    };
  }, [busy, onClose]);

  const allow = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    const result = await api.metrics.setupPower({ consent: true });
    setBusy(false);
    if (result.ok) onClose();
    else setError(t(`errors.${result.error.code}`));
  };

  return (
    <div className="dialog-backdrop">
      <div
        className="dialog card"
        role="dialog"
        aria-modal="true"
        aria-labelledby="power-dialog-title"
        aria-describedby="power-dialog-body"
      >
        <h2 id="power-dialog-title">{t('readouts.powerDialogTitle')}</h2>
        <p id="power-dialog-body">{t('readouts.powerDialogBody')}</p>
        {power.command && (
          <pre className="code-block">
            <code>{power.command}</code>
          </pre>
        )}
        {power.rule && (
          <>
            <p>{t('readouts.powerDialogRule', { path: power.rulePath ?? '' })}</p>
            <pre className="code-block">
              <code>{power.rule}</code>
            </pre>
          </>
        )}
        <p>{t('readouts.powerDialogPrompt')}</p>
        <p className="muted">{t('readouts.powerDialogAlternative')}</p>
        {busy && (
          <p role="status" aria-busy="true">
            {t('readouts.installing')}
          </p>
        )}
        {error && (
          <p role="alert" className="field-error">
            {error}
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="button" ref={cancelRef} onClick={onClose} disabled={busy}>
            {t('readouts.cancel')}
          </button>
          <button
            type="button"
            className="button button-primary"
            onClick={() => void allow()}
            disabled={busy}
          >
            {t('readouts.allow')}
          </button>
        </div>
      </div>
    </div>
  );
}
