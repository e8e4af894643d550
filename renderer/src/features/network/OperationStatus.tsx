import { useTranslation } from 'react-i18next';

import type { IpcError } from '../../../../common/errors';
import type { ClusterOperation, ClusterOperationKind } from '../../../../common/sandbox';
import { formatNumber } from '../../format';

/**
 * The progress of this section's sandbox operation (a live region), its failure (which outlives
 * a reload: it is in AppState), another operation that holds the sandbox, and a refused call.
 */
export function OperationStatus({
  operation,
  kinds,
  callError,
}: {
  operation: ClusterOperation | null;
  kinds: readonly ClusterOperationKind[];
  callError: IpcError | null;
}) {
  const { t } = useTranslation();
  const mine = operation && kinds.includes(operation.kind) ? operation : null;
  const other = operation?.status === 'running' && !mine ? operation : null;
  const failure = mine && mine.status !== 'running' && mine.status !== 'succeeded' ? mine : null;
  const sameAsFailure =
    callError !== null &&
    failure?.error?.code === callError.code &&
    failure.error.message === callError.message;

  return (
    <>
      <div role="status" aria-live="polite" className="network-live">
        {mine?.status === 'running' && <Progress operation={mine} />}
        {other && (
          <p className="muted">
            {t('networkView.busyElsewhere', { operation: t(`networkView.operations.${other.kind}`) })}
          </p>
        )}
      </div>
      {failure && (
        <p className="field-error network-failure" role="alert">
          <strong>
            {t(`networkView.outcomes.${failure.status}`, {
              operation: t(`networkView.operations.${failure.kind}`),
            })}
          </strong>
          {failure.error && (
            <>
              {' '}
              {t(`errors.${failure.error.code}`)} <span className="muted">{failure.error.message}</span>
            </>
          )}
        </p>
      )}
      {callError && !sameAsFailure && (
        <p className="field-error network-failure" role="alert">
          {t(`errors.${callError.code}`)} <span className="muted">{callError.message}</span>
        </p>
      )}
    </>
  );
}

function Progress({ operation }: { operation: ClusterOperation }) {
  const { t, i18n } = useTranslation();
  const label = t(`networkView.operations.${operation.kind}`);
  const progress = operation.progress;
  const fraction =
    progress?.total !== undefined && progress.total > 0 ? Math.min(1, progress.done / progress.total) : null;
  return (
    <div className="network-progress">
      <p>
        <strong>{label}</strong>
        {fraction !== null && <> {formatNumber(fraction, i18n.language, { style: 'percent' })}</>}
      </p>
      {fraction === null ? (
        <progress aria-label={label} />
      ) : (
        <progress
          aria-label={label}
          max={100}
          value={Math.round(fraction * 100)}
          aria-valuetext={formatNumber(fraction, i18n.language, { style: 'percent' })}
        />
      )}
      {progress?.detail && <p className="muted network-progress-detail">{progress.detail}</p>}
    </div>
  );
}
