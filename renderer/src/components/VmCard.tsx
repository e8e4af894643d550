import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { IpcError } from '../../../common/errors';
import type { Result } from '../../../common/result';
import type { ComponentStatus } from '../../../common/state';
import { operationPercent, type VmOperation, type VmView } from '../../../common/vm-model';
import { useApi, useClawbar } from '../context';
import type { ComponentFacts } from '../features/dashboard/component-facts';
import { formatElapsed, formatNumber } from '../format';
import { useNow } from '../use-now';
import { ComponentCardHeading, ComponentCardMeta } from './ComponentCard';

type Action = 'create' | 'start' | 'stop' | 'restart' | 'delete';

/**
 * The VM on the dashboard: its state and size, the actions that make sense for that state, the
 * live progress of an operation (stage, percent, elapsed, cancel), and why the last one failed.
 */
export function VmCard({
  status,
  vm,
  facts,
}: {
  status: ComponentStatus;
  vm: VmView;
  facts?: ComponentFacts;
}) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const operation = useClawbar(state => state.vmOperation);
  const [callError, setCallError] = useState<IpcError | null>(null);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const running = operation?.status === 'running';
  const instance = vm.instance;

  const call = async (request: () => Promise<Result<unknown>>): Promise<void> => {
    setCallError(null);
    const result = await request();
    if (!result.ok) setCallError(result.error);
  };
  const act = (action: Action): void => {
    if (action === 'delete') {
      setConfirmingDelete(true);
      return;
    }
    const calls = { create: api.vm.create, start: api.vm.start, stop: api.vm.stop, restart: api.vm.restart };
    void call(() => calls[action]());
  };

  const actions: Action[] = running ? [] : availableActions(status, vm);
  const titleId = 'component-vm';
  return (
    <section
      className="card component-card vm-card"
      aria-labelledby={titleId}
      data-component="vm"
      data-state={status.state}
    >
      <ComponentCardHeading id="vm" titleId={titleId} status={status} />
      <ComponentCardMeta status={status} facts={facts} />
      {instance && (
        <dl className="facts facts-compact">
          <dt>{t('vm.facts.cpus')}</dt>
          <dd>{instance.cpus ?? '—'}</dd>
          <dt>{t('vm.facts.memory')}</dt>
          <dd>
            {instance.memoryGiB === undefined
              ? '—'
              : t('vm.gib', { value: formatNumber(instance.memoryGiB, i18n.language) })}
          </dd>
          <dt>{t('vm.facts.disk')}</dt>
          <dd>
            {instance.diskGiB === undefined
              ? '—'
              : t('vm.gib', { value: formatNumber(instance.diskGiB, i18n.language) })}
          </dd>
          {instance.apiPort !== undefined && (
            <>
              <dt>{t('vm.facts.api')}</dt>
              <dd>
                <code>127.0.0.1:{instance.apiPort}</code>
              </dd>
            </>
          )}
        </dl>
      )}
      {operation && (
        <OperationView
          operation={operation}
          onCancel={() => void call(() => api.vm.cancel({ operationId: operation.id }))}
        />
      )}
      {callError && (
        <p className="field-error" role="alert">
          {t(`errors.${callError.code}`)} {callError.message}
        </p>
      )}
      {actions.length > 0 && (
        <div className="card-actions">
          {actions.map(action => (
            <button
              key={action}
              type="button"
              className={`button${action === 'start' ? ' button-primary' : ''}`}
              onClick={() => act(action)}
            >
              {t(`vm.actions.${action}`)}
            </button>
          ))}
        </div>
      )}
      {confirmingDelete && (
        <ConfirmDelete
          onCancel={() => setConfirmingDelete(false)}
          onConfirm={() => {
            setConfirmingDelete(false);
            void call(() => api.vm.delete({ confirmed: true }));
          }}
        />
      )}
    </section>
  );
}

function availableActions(status: ComponentStatus, vm: VmView): Action[] {
  if (!vm.limactl) return [];
  const lima = vm.instance?.status;
  if (!vm.instance) return ['create', 'start'];
  if (lima === 'Running') return ['stop', 'restart', 'delete'];
  if (lima === 'Stopped' || lima === 'Broken' || status.state === 'error') return ['start', 'delete'];
  return ['delete'];
}

function OperationView({ operation, onCancel }: { operation: VmOperation; onCancel: () => void }) {
  const { t, i18n } = useTranslation();
  const now = useNow(1000);
  const label = t(`vm.operations.${operation.kind}`);
  if (operation.status === 'running') {
    const percent = operationPercent(operation);
    const elapsed = formatElapsed(now.getTime() - new Date(operation.startedAt).getTime());
    return (
      <div className="vm-progress" role="group" aria-label={label}>
        <p className="vm-progress-title">
          <strong>{label}</strong> — {t(`vm.stages.${operation.step}`)}
        </p>
        <div className="vm-progress-bar">
          <progress
            max={100}
            value={percent}
            aria-label={label}
            aria-valuetext={formatNumber(percent / 100, i18n.language, { style: 'percent' })}
          />
          <span>{formatNumber(percent / 100, i18n.language, { style: 'percent' })}</span>
        </div>
        <p className="muted">
          {t('vm.step', { step: Math.min(operation.done + 1, operation.total), total: operation.total })} ·{' '}
          {t('vm.elapsed', { time: elapsed })}
        </p>
        {operation.detail && <p className="vm-detail">{operation.detail}</p>}
        <button type="button" className="button" onClick={onCancel}>
          {t('vm.actions.cancel')}
        </button>
      </div>
    );
  }
  if (operation.status === 'succeeded') return null;
  return (
    <div
      className={`vm-outcome vm-outcome-${operation.status}`}
      role={operation.status === 'failed' ? 'alert' : 'status'}
    >
      <p>
        <strong>
          {label}: {t(`vm.outcomes.${operation.status}`)}
        </strong>{' '}
        {operation.error && operation.status === 'failed' && (
          <>
            {t(`errors.${operation.error.code}`)} {operation.error.message}
          </>
        )}
      </p>
      {operation.logTail && (
        <details>
          <summary>{t('vm.logTail')}</summary>
          <pre className="log-tail">{operation.logTail}</pre>
        </details>
      )}
    </div>
  );
}

/** A modal question before the one destructive action: focus starts on "Keep it"; Escape keeps it. */
function ConfirmDelete({ onCancel, onConfirm }: { onCancel: () => void; onConfirm: () => void }) {
  const { t } = useTranslation();
  const titleId = useId();
  const bodyId = useId();
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    keep.current?.focus();
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') onCancel();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);
  return (
    <div className="modal-backdrop">
      <div
        className="modal card"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
      >
        <h2 id={titleId}>{t('vm.deleteTitle')}</h2>
        <p id={bodyId}>{t('vm.deleteBody')}</p>
        <div className="form-actions">
          <button ref={keep} type="button" className="button" onClick={onCancel}>
            {t('vm.keep')}
          </button>
          <button type="button" className="button button-danger" onClick={onConfirm}>
            {t('vm.deleteConfirm')}
          </button>
        </div>
      </div>
    </div>
  );
}
