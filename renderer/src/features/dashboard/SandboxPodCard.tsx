import { useTranslation } from 'react-i18next';

import type { AppState } from '../../../../common/state';
import { ComponentCard } from '../../components/ComponentCard';
import { useApi, useClawbar } from '../../context';
import { formatNumber } from '../../format';
import { useAction } from '../../pages/models/use-action';
import { componentFacts, logsTargetFor } from './component-facts';
import { ErrorMessage } from '../../components/ErrorMessage';

/**
 * The OpenClaw gateway or the egress proxy: its pod's state, uptime and restarts, a rolling
 * restart of its Deployment with the progress and outcome of the last one, and its logs.
 */
export function SandboxPodCard({ role, state }: { role: 'gateway' | 'proxy'; state: AppState }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const openLogs = useClawbar(store => store.openLogs);
  const { busy, error, run } = useAction();
  const status = state.components[role];
  const target = logsTargetFor(state, role);
  const operation = state.cluster.operation;
  const mine = operation?.kind === 'restart' && operation.target === role ? operation : null;
  // One sandbox operation at a time: the cluster service refuses a second one anyway.
  const operationRunning = operation?.status === 'running';
  const canRestart = state.cluster.connected && state.cluster.installed && status.state !== 'not-installed';
  const progress = mine?.status === 'running' ? mine.progress : null;

  return (
    <ComponentCard id={role} status={status} facts={componentFacts(role, state)}>
      {mine?.status === 'running' && (
        <p className="card-body" role="status">
          {t('dashboardView.restarting')}
          {progress?.total !== undefined && progress.total > 0 && (
            <> {formatNumber(progress.done / progress.total, i18n.language, { style: 'percent' })}</>
          )}
          {progress?.detail && <span className="muted"> — {progress.detail}</span>}
        </p>
      )}
      {mine?.status === 'failed' && mine.error && (
        <p className="field-error" role="alert">
          {t('dashboardView.restartFailed')} {t(`errors.${mine.error.code}`)} {mine.error.message}
        </p>
      )}
      <ErrorMessage message={error} />
      {(canRestart || target) && (
        <div className="card-actions">
          {canRestart && (
            <button
              type="button"
              className="button"
              disabled={busy !== null || operationRunning}
              onClick={() => void run('restart', () => api.cluster.restart({ target: role }))}
            >
              {t('dashboardView.actions.restart')}
            </button>
          )}
          {target && (
            <button type="button" className="button" onClick={() => openLogs(target)}>
              {t('dashboardView.actions.openLogs')}
            </button>
          )}
        </div>
      )}
    </ComponentCard>
  );
}
