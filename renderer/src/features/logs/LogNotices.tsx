import { useTranslation } from 'react-i18next';

import type { LogSession } from './log-session';
import type { PickerContainer, PickerPod } from './targets';
import { useStatus } from './use-session';

export interface LogNoticesProps {
  session: LogSession;
  podGone: boolean;
  replacement: PickerPod | null;
  container: PickerContainer | null;
  onShowPod: (pod: string) => void;
  onShowPrevious: () => void;
  onRetry: () => void;
}

/** What is wrong with the log shown, and what to do about it; the lines already read stay below. */
export function LogNotices({
  session,
  podGone,
  replacement,
  container,
  onShowPod,
  onShowPrevious,
  onRetry,
}: LogNoticesProps) {
  const { t } = useTranslation();
  const status = useStatus(session);
  const pod = status.request?.pod ?? '';
  const waiting = container?.view?.state === 'waiting' && !status.request?.previous;
  const notices = [];
  if (status.connectionLost) {
    notices.push(
      <div key="connection" className="banner banner-info" role="status">
        {t('logsView.connectionLost')}
      </div>,
    );
  } else if (status.resumedAfterLoss) {
    notices.push(
      <div key="resumed" className="banner banner-info" role="status">
        {t('logsView.resumed')}
      </div>,
    );
  }
  if (podGone) {
    notices.push(
      <div key="gone" className="banner banner-warning" role="status">
        <div>
          <strong>{t('logsView.podGone.title')}</strong>
          <p>{t('logsView.podGone.body', { pod })}</p>
        </div>
        {replacement && (
          <button type="button" className="button" onClick={() => onShowPod(replacement.name)}>
            {t('logsView.podGone.replacement', { pod: replacement.name })}
          </button>
        )}
      </div>,
    );
  } else if (waiting && status.phase !== 'streaming') {
    notices.push(
      <div key="waiting" className="banner banner-info" role="status">
        <div>
          <strong>{t('logsView.waiting.title')}</strong>
          <p>
            {t('logsView.waiting.body', {
              container: container.name,
              reason: container.view?.reason ?? t('logsView.containerStates.waiting'),
            })}
          </p>
        </div>
        {container.hasPrevious && (
          <button type="button" className="button" onClick={onShowPrevious}>
            {t('logsView.waiting.showPrevious')}
          </button>
        )}
      </div>,
    );
  } else if (status.phase === 'failed' && status.error) {
    notices.push(
      <div key="failed" className="banner banner-error" role="alert">
        <div>
          <strong>{t('logsView.failed.title')}</strong>
          <p>
            {t(`errors.${status.error.code}`)} {status.error.message}
          </p>
        </div>
        <button type="button" className="button" onClick={onRetry}>
          {t('logsView.failed.retry')}
        </button>
      </div>,
    );
  }
  return notices.length > 0 ? <div className="logs-notices">{notices}</div> : null;
}
