import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import {
  uninstallChoiceIds,
  type UninstallChoices,
  type UninstallItem,
  type UninstallPlan,
  type UninstallReport,
} from '../../../../common/support';
import { formatBytes } from '../../../../common/units';
import { useApi, useBridgeKind } from '../../context';

type Phase =
  | { kind: 'loading' }
  | { kind: 'plan'; plan: UninstallPlan }
  | { kind: 'running'; plan: UninstallPlan }
  | { kind: 'report'; plan: UninstallPlan; report: UninstallReport }
  | { kind: 'failed'; message: string };

/**
 * "Uninstall Clawbar…": what will be removed (exactly the plan's items, with their paths and
 * sizes), what stays unless ticked (OpenClaw's state, an Ollama Clawbar installed) and what stays;
 * nothing runs before the user ticks "I understand" and presses Uninstall. Then how each went.
 */
export function UninstallDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const inApp = useBridgeKind() === 'electron';
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [choices, setChoices] = useState<UninstallChoices>({
    removeOpenclawState: false,
    removeOllama: false,
  });
  const [understood, setUnderstood] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const running = phase.kind === 'running';

  const fetchPlan = async (): Promise<Phase> => {
    const result = await api.support.uninstallPlan();
    return result.ok
      ? { kind: 'plan', plan: result.value }
      : { kind: 'failed', message: `${t(`errors.${result.error.code}`)} ${result.error.message}` };
  };
  const load = async (): Promise<void> => {
    setPhase({ kind: 'loading' });
    setPhase(await fetchPlan());
  };

  useEffect(() => {
    let live = true;
    void fetchPlan().then(next => {
      if (live) setPhase(next);
    });
    // The safe choice has the focus: Enter removes nothing.
    cancelRef.current?.focus();
    return () => {
      live = false;
    };
    // Loads once, when the dialog opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape' && !running) onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [running, onClose]);

  const run = async (plan: UninstallPlan): Promise<void> => {
    setPhase({ kind: 'running', plan });
    const result = await api.support.uninstall({ ...choices, confirmed: true });
    setPhase(
      result.ok
        ? { kind: 'report', plan, report: result.value }
        : { kind: 'failed', message: `${t(`errors.${result.error.code}`)} ${result.error.message}` },
    );
    setUnderstood(false);
  };

  const plan =
    phase.kind === 'plan' || phase.kind === 'running' || phase.kind === 'report' ? phase.plan : null;
  const offered = new Set(plan?.items.filter(item => item.kind === 'optional').map(item => item.choice));

  return (
    <div className="dialog-backdrop">
      <div className="dialog card" role="dialog" aria-modal="true" aria-labelledby="uninstall-dialog-title">
        <h2 id="uninstall-dialog-title">{t('uninstall.title')}</h2>
        {phase.kind === 'loading' && <p role="status">{t('uninstall.loading')}</p>}
        {phase.kind === 'failed' && (
          <p role="alert" className="field-error">
            {phase.message}
          </p>
        )}
        {plan && phase.kind !== 'report' && (
          <>
            <ItemList
              title={t('uninstall.removedTitle')}
              items={plan.items.filter(item => item.kind === 'removed')}
            />
            {offered.size > 0 && (
              <fieldset className="uninstall-choices" disabled={running}>
                <legend>{t('uninstall.optionalTitle')}</legend>
                {uninstallChoiceIds
                  .filter(choice => offered.has(choice))
                  .map(choice => (
                    <div key={choice}>
                      <label>
                        <input
                          type="checkbox"
                          name={choice}
                          checked={choices[choice]}
                          onChange={event =>
                            setChoices(current => ({ ...current, [choice]: event.target.checked }))
                          }
                        />{' '}
                        {t(`uninstall.choices.${choice}`)}
                      </label>
                      <ItemList
                        items={plan.items.filter(item => item.kind === 'optional' && item.choice === choice)}
                      />
                    </div>
                  ))}
              </fieldset>
            )}
            <ItemList
              title={t('uninstall.keptTitle')}
              items={plan.items.filter(item => item.kind === 'kept')}
            />
            <label className="uninstall-confirm">
              <input
                type="checkbox"
                name="understood"
                checked={understood}
                disabled={running}
                onChange={event => setUnderstood(event.target.checked)}
              />{' '}
              {t('uninstall.confirm')}
            </label>
          </>
        )}
        {phase.kind === 'running' && (
          <p role="status" aria-busy="true">
            {t('uninstall.running')}
          </p>
        )}
        {phase.kind === 'report' && <Report plan={phase.plan} report={phase.report} inApp={inApp} />}
        <div className="form-actions">
          <button type="button" className="button" ref={cancelRef} onClick={onClose} disabled={running}>
            {phase.kind === 'report' ? t('uninstall.close') : t('uninstall.cancel')}
          </button>
          {phase.kind === 'report' && !phase.report.complete && (
            <button type="button" className="button" onClick={() => void load()}>
              {t('uninstall.retry')}
            </button>
          )}
          {plan && phase.kind !== 'report' && (
            <button
              type="button"
              className="button button-danger"
              disabled={!understood || running}
              onClick={() => void run(plan)}
            >
              {t('uninstall.run')}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}

function ItemList({ title, items }: { title?: string; items: UninstallItem[] }) {
  const { t, i18n } = useTranslation();
  if (items.length === 0) return null;
  return (
    <>
      {title && <h3>{title}</h3>}
      <ul className="uninstall-items">
        {items.map(item => (
          <li key={item.id}>
            <strong>{t(`uninstall.items.${item.id}`, item.params)}</strong>
            {item.sizeBytes !== null && (
              <span className="muted"> — {formatBytes(item.sizeBytes, i18n.language)}</span>
            )}
            {item.targets.length > 0 && (
              <ul className="uninstall-targets">
                {item.targets.map(target => (
                  <li key={target}>
                    <code>{target}</code>
                  </li>
                ))}
              </ul>
            )}
            {item.note && <div className="muted">{t(`uninstall.notes.${item.note}`, item.params)}</div>}
          </li>
        ))}
      </ul>
    </>
  );
}

function Report({ plan, report, inApp }: { plan: UninstallPlan; report: UninstallReport; inApp: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <p role="status">
        {report.complete ? t(inApp ? 'uninstall.done' : 'uninstall.doneHere') : t('uninstall.partial')}
      </p>
      <ul className="uninstall-items">
        {report.results.map(result => {
          const item = plan.items.find(entry => entry.id === result.id);
          return (
            <li key={result.id} className={result.outcome === 'failed' ? 'field-error' : undefined}>
              <strong>{t(`uninstall.outcomes.${result.outcome}`)}</strong>{' '}
              {item ? t(`uninstall.items.${item.id}`, item.params) : result.id}
              <div className="muted">{result.message}</div>
            </li>
          );
        })}
      </ul>
    </>
  );
}
