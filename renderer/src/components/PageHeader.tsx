import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export function PageHeader({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle?: string;
  children?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div>
        <h1 id="page-title">{title}</h1>
        {subtitle && <p className="subtitle">{subtitle}</p>}
      </div>
      {children}
    </header>
  );
}

/** Shown until the first AppState arrives. */
export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="empty" role="status" aria-busy="true">
      {t('common.loading')}
    </p>
  );
}
