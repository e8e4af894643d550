import { useId, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { useDialogFocus } from './use-dialog-focus';

/**
 * A modal question before a change to what the sandbox lets through. The safe answer ("Cancel")
 * has the focus, so Enter changes nothing; Escape cancels; Tab stays inside.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  risky,
  confirmDisabled = false,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Opens something up: said in words, and the dialog is an alert dialog. */
  risky: boolean;
  confirmDisabled?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const titleId = useId();
  const bodyId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useDialogFocus(dialog, onCancel, cancel);

  return (
    <div className="dialog-backdrop">
      <div
        ref={dialog}
        className={`dialog card network-dialog${risky ? ' network-dialog-risky' : ''}`}
        role={risky ? 'alertdialog' : 'dialog'}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        tabIndex={-1}
      >
        <h2 id={titleId}>{title}</h2>
        <div id={bodyId} className="network-dialog-body">
          {children}
        </div>
        <div className="form-actions">
          <button ref={cancel} type="button" className="button" onClick={onCancel}>
            {t('networkView.cancel')}
          </button>
          <button
            type="button"
            className={`button ${risky ? 'button-danger' : 'button-primary'}`}
            disabled={confirmDisabled}
            onClick={onConfirm}
          >
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
