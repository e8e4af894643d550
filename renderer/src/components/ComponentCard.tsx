import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import type { ComponentId, ComponentStatus } from '../../../common/state';
import type { ComponentFacts } from '../features/dashboard/component-facts';
import { formatDateTime, formatDuration, formatNumber, formatPast } from '../format';
import { useNow } from '../use-now';
import { StatusDot } from './StatusDot';

/**
 * A component on the Dashboard (and the Models page): its state and why, version, how long it
 * has been up, how often it restarted, and the actions that make sense for it (`children`).
 */
export function ComponentCard({
  id,
  status,
  facts,
  children,
}: {
  id: ComponentId;
  status: ComponentStatus;
  facts?: ComponentFacts;
  children?: ReactNode;
}) {
  const titleId = `component-${id}`;
  return (
    <section
      className="card component-card"
      aria-labelledby={titleId}
      data-component={id}
      data-state={status.state}
    >
      <ComponentCardHeading id={id} titleId={titleId} status={status} />
      <ComponentCardMeta status={status} facts={facts} />
      {children}
    </section>
  );
}

/** A component card's title, state and the reason for it: the same on every card. */
export function ComponentCardHeading({
  id,
  titleId,
  status,
}: {
  id: ComponentId;
  titleId: string;
  status: ComponentStatus;
}) {
  const { t } = useTranslation();
  return (
    <>
      <header className="card-header">
        <h3 id={titleId}>{t(`components.${id}`)}</h3>
        <span className="state">
          <StatusDot state={status.state} />
          {t(`componentStates.${status.state}`)}
        </span>
      </header>
      {status.reason && (
        <p className="card-body">{t(`reasons.${status.reason.code}`, status.reason.params ?? {})}</p>
      )}
    </>
  );
}

/** Version, uptime (or when the state last changed) and restarts, in the user's language. */
export function ComponentCardMeta({ status, facts }: { status: ComponentStatus; facts?: ComponentFacts }) {
  const { t, i18n } = useTranslation();
  const now = useNow(15_000);
  const language = i18n.language;
  const upSince = facts?.upSince ?? null;
  const restarts = facts?.restarts ?? null;
  return (
    <footer className="card-meta">
      {status.version && <span>{t('dashboard.version', { version: status.version })}</span>}
      {upSince ? (
        <time dateTime={upSince} title={formatDateTime(upSince, language)}>
          {t('dashboardView.uptime', {
            duration: formatDuration(now.getTime() - new Date(upSince).getTime(), language),
          })}
        </time>
      ) : (
        status.since && (
          <time dateTime={status.since} title={formatDateTime(status.since, language)}>
            {t('dashboard.since', { time: formatPast(status.since, now, language) })}
          </time>
        )
      )}
      {restarts !== null && (
        <span className={restarts > 0 ? 'card-meta-warning' : undefined} data-restarts={restarts}>
          {t('dashboardView.restarts', { number: formatNumber(restarts, language) })}
        </span>
      )}
    </footer>
  );
}
