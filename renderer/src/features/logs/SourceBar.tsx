import { useId } from 'react';
import { useTranslation } from 'react-i18next';

import { maxTailLines } from '../../../../common/logs';
import { sandboxPodRoles } from '../../../../common/sandbox';
import { formatNumber } from '../../format';
import type { PickerContainer, PickerPod } from './targets';

export const tailChoices = [100, 1000, 10_000, maxTailLines, null] as const;
export type TailChoice = (typeof tailChoices)[number];

export interface SourceBarProps {
  pods: readonly PickerPod[];
  pod: string;
  container: string;
  onPick: (pod: string, container: string | null) => void;
  previous: boolean;
  onPreviousChange: (previous: boolean) => void;
  tailLines: TailChoice;
  onTailChange: (tail: TailChoice) => void;
}

/** Which log: the pod (by its part in the sandbox), its container and its state, how far back, which instance. */
export function SourceBar({
  pods,
  pod,
  container,
  onPick,
  previous,
  onPreviousChange,
  tailLines,
  onTailChange,
}: SourceBarProps) {
  const { t, i18n } = useTranslation();
  const podId = useId();
  const containerId = useId();
  const tailId = useId();
  const stateId = useId();
  const selectedPod = pods.find(candidate => candidate.name === pod);
  const selectedContainer = selectedPod?.containers.find(candidate => candidate.name === container);
  const hasPrevious = selectedContainer?.hasPrevious ?? false;

  return (
    <div className="logs-source" role="group" aria-label={t('logsView.source')}>
      <label className="logs-field" htmlFor={podId}>
        <span>{t('logsView.pod')}</span>
        <select
          id={podId}
          value={selectedPod ? pod : ''}
          onChange={event => onPick(event.target.value, null)}
        >
          {!selectedPod && <option value="">{t('logsView.podGone.option', { pod })}</option>}
          {sandboxPodRoles.map(role => {
            const group = pods.filter(candidate => candidate.role === role);
            if (group.length === 0) return null;
            return (
              <optgroup key={role} label={t(`logsView.roles.${role}`)}>
                {group.map(candidate => (
                  <option key={candidate.name} value={candidate.name}>
                    {candidate.deleting ? t('logsView.deleting', { pod: candidate.name }) : candidate.name}
                  </option>
                ))}
              </optgroup>
            );
          })}
        </select>
      </label>
      <label className="logs-field" htmlFor={containerId}>
        <span>{t('logsView.container')}</span>
        <select
          id={containerId}
          value={container}
          aria-describedby={stateId}
          onChange={event => onPick(pod, event.target.value)}
          disabled={!selectedPod}
        >
          {!selectedContainer && <option value={container}>{container}</option>}
          {selectedPod?.containers.map(candidate => (
            <option key={candidate.name} value={candidate.name}>
              {candidate.init ? t('logsView.initContainer', { name: candidate.name }) : candidate.name}
            </option>
          ))}
        </select>
      </label>
      <span
        id={stateId}
        className="logs-container-state"
        data-state={selectedContainer?.view?.state ?? 'unknown'}
      >
        {selectedContainer ? <ContainerState container={selectedContainer} /> : null}
      </span>
      <label className="logs-field logs-tail" htmlFor={tailId}>
        <span>{t('logsView.tail')}</span>
        <select
          id={tailId}
          value={tailLines === null ? 'all' : String(tailLines)}
          onChange={event =>
            onTailChange(event.target.value === 'all' ? null : (Number(event.target.value) as TailChoice))
          }
        >
          {tailChoices.map(choice => (
            <option key={choice ?? 'all'} value={choice === null ? 'all' : String(choice)}>
              {choice === null
                ? t('logsView.tailAll')
                : t('logsView.tailLast', { count: formatNumber(choice, i18n.language) })}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="button logs-toggle"
        aria-pressed={previous}
        disabled={!hasPrevious && !previous}
        title={hasPrevious ? t('logsView.previousHint') : t('logsView.previousUnavailable')}
        onClick={() => onPreviousChange(!previous)}
      >
        {t('logsView.previous')}
      </button>
    </div>
  );
}

function ContainerState({ container }: { container: PickerContainer }) {
  const { t } = useTranslation();
  const view = container.view;
  if (!view) return <>{t('logsView.containerStates.unknown')}</>;
  const state = t(`logsView.containerStates.${view.state}`);
  const last = view.lastTermination;
  return (
    <>
      <span className={`dot dot-${stateTone[view.state]}`} aria-hidden="true" />
      {view.reason ? t('logsView.containerReason', { state, reason: view.reason }) : state}
      {' · '}
      {t('logsView.restarts', { count: view.restarts })}
      {last &&
        ` · ${t('logsView.lastEnded', {
          reason: last.reason ?? '—',
          code: last.exitCode ?? '—',
        })}`}
    </>
  );
}

const stateTone = { running: 'good', waiting: 'warning', terminated: 'neutral', unknown: 'neutral' } as const;
