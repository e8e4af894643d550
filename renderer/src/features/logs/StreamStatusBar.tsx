import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import type { LogSession, StreamPhase } from './log-session';
import { useStatus, useViewValue } from './use-session';

const tone: Record<StreamPhase, string> = {
  idle: 'neutral',
  opening: 'progress',
  streaming: 'good',
  reconnecting: 'warning',
  ended: 'neutral',
  failed: 'bad',
};

/** The stream's state in words (announced when it changes), and the buffer's numbers (not announced). */
export function StreamStatusBar({ session, selectedCount }: { session: LogSession; selectedCount: number }) {
  const { t, i18n } = useTranslation();
  const status = useStatus(session);
  const following = useViewValue(session, view => view.following);
  // Rendered once a frame while lines flow: one formatter, not one per number.
  const format = useMemo(() => new Intl.NumberFormat(i18n.language), [i18n.language]);
  const number = (value: number): string => format.format(value);
  const phase =
    status.phase === 'ended' && status.request?.previous
      ? t('logsView.endedPrevious')
      : t(`logsView.phases.${status.phase}`);
  return (
    <div
      className="logs-status"
      data-phase={status.phase}
      data-held={status.held}
      data-evicted={status.evicted}
      data-dropped={status.serverDropped}
    >
      <span role="status" className="logs-status-phase">
        <span className={`dot dot-${tone[status.phase]}`} aria-hidden="true" />
        {phase}
        {!following && ` · ${t('logsView.paused')}`}
      </span>
      <span className="logs-status-numbers">
        <span>{t('logsView.held', { held: number(status.held), cap: number(status.cap) })}</span>
        {status.phase === 'streaming' && status.rate > 0 && (
          <span>{t('logsView.rate', { rate: number(Math.round(status.rate)) })}</span>
        )}
        {status.evicted > 0 && <span>{t('logsView.evicted', { count: number(status.evicted) })}</span>}
        {status.serverDropped > 0 && (
          <span className="logs-status-warning">
            {t('logsView.serverDropped', { count: number(status.serverDropped) })}
          </span>
        )}
        {selectedCount > 0 && <span>{t('logsView.selected', { count: number(selectedCount) })}</span>}
      </span>
    </div>
  );
}
