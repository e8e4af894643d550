import { useTranslation } from 'react-i18next';

export interface ViewToolbarProps {
  following: boolean;
  onFollowChange: (follow: boolean) => void;
  wrap: boolean;
  onWrapChange: (wrap: boolean) => void;
  showTime: boolean;
  onShowTimeChange: (show: boolean) => void;
  selectedCount: number;
  onCopy: () => void;
  hasLines: boolean;
  onExport: () => void;
  onClear: () => void;
}

/** How the lines are shown, and what to do with them. */
export function ViewToolbar({
  following,
  onFollowChange,
  wrap,
  onWrapChange,
  showTime,
  onShowTimeChange,
  selectedCount,
  onCopy,
  hasLines,
  onExport,
  onClear,
}: ViewToolbarProps) {
  const { t } = useTranslation();
  return (
    <div className="logs-toolbar" role="toolbar" aria-label={t('logsView.toolbar')}>
      <button
        type="button"
        className={`button${following ? '' : ' button-primary'}`}
        onClick={() => onFollowChange(!following)}
        title={following ? t('logsView.pauseHint') : t('logsView.followHint')}
      >
        {following ? t('logsView.pause') : t('logsView.follow')}
      </button>
      <button
        type="button"
        className="button logs-toggle"
        aria-pressed={wrap}
        onClick={() => onWrapChange(!wrap)}
      >
        {t('logsView.wrap')}
      </button>
      <button
        type="button"
        className="button logs-toggle"
        aria-pressed={showTime}
        onClick={() => onShowTimeChange(!showTime)}
      >
        {t('logsView.timestamps')}
      </button>
      <span className="logs-toolbar-gap" />
      <button
        type="button"
        className="button"
        disabled={selectedCount === 0}
        onClick={onCopy}
        title={t('logsView.copyHint')}
      >
        {t('logsView.copy')}
      </button>
      <button type="button" className="button" disabled={!hasLines} onClick={onExport}>
        {t('logsView.export')}
      </button>
      <button type="button" className="button" disabled={!hasLines} onClick={onClear}>
        {t('logsView.clear')}
      </button>
    </div>
  );
}
