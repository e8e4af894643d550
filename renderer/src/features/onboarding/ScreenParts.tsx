import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** Each screen's heading takes the focus when the screen appears, so a screen reader starts there. */
export function ScreenTitle({ children }: { children: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h1 id="onboarding-title" ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

export function ScreenActions({
  onBack,
  children,
}: {
  onBack?: (() => void) | undefined;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <div className="onboarding-actions">
      {onBack && (
        <button type="button" className="button" onClick={onBack}>
          {t('onboarding.back')}
        </button>
      )}
      <span className="onboarding-actions-spacer" />
      {children}
    </div>
  );
}
