import { useTranslation } from 'react-i18next';

import type { ComponentId, ComponentStatus } from '../../../common/state';
import { formatDateTime, formatRelativeTime } from '../format';
import { useNow } from '../use-now';
import { StatusDot } from './StatusDot';

export function ComponentCard({ id, status }: { id: ComponentId; status: ComponentStatus }) {
  const { t, i18n } = useTranslation();
  const now = useNow(15_000);
  const titleId = `component-${id}`;
  return (
    <section
      className="card component-card"
      aria-labelledby={titleId}
      data-component={id}
      data-state={status.state}
    >
      <ComponentCardHeading id={id} titleId={titleId} status={status} />
      <footer className="card-meta">
        {status.version && <span>{t('dashboard.version', { version: status.version })}</span>}
        {status.since && (
          <time dateTime={status.since} title={formatDateTime(status.since, i18n.language)}>
            {t('dashboard.since', { time: formatRelativeTime(status.since, now, i18n.language) })}
          </time>
        )}
      </footer>
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
