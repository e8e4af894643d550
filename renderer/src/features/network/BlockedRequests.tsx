import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { IpcError } from '../../../../common/errors';
import type { BlockedRequest } from '../../../../common/proxy-log';
import { formatDateTime, formatNumber } from '../../format';
import { useNow } from '../../use-now';
import { allowPlan, proxyPorts, type AllowChoice } from './allow-candidates';
import { ConfirmDialog } from './ConfirmDialog';
import { formatPast } from '../../format';

/**
 * What the egress proxy refused, newest first: host, port, how often, when last, which pod; and
 * "Allow this domain", which asks first (showing exactly the entry it adds), then adds it to the
 * user's domains and applies the allowlist.
 */
export function BlockedRequests({
  list,
  error,
  effective,
  busy,
  internetOn,
  onAllow,
}: {
  list: BlockedRequest[] | null;
  error: IpcError | null;
  /** The saved effective allowlist: a host it already allows waits for the proxy to roll. */
  effective: readonly string[];
  busy: boolean;
  internetOn: boolean;
  onAllow: (entry: string) => Promise<IpcError | null>;
}) {
  const { t, i18n } = useTranslation();
  const now = useNow(15_000);
  const [asking, setAsking] = useState<{ request: BlockedRequest; choices: AllowChoice[] } | null>(null);
  const [outcome, setOutcome] = useState<AllowOutcome | null>(null);
  const allow = async (entry: string): Promise<void> => {
    setOutcome({ entry, state: 'applying', error: null });
    const failure = await onAllow(entry);
    setOutcome({ entry, state: failure ? 'failed' : 'done', error: failure });
  };
  const rows = [...(list ?? [])].sort((a, b) => b.lastSeen.localeCompare(a.lastSeen));

  return (
    <section className="card network-section" aria-labelledby="blocked-title">
      <h2 id="blocked-title">{t('networkView.blocked.title')}</h2>
      <p className="muted">{t('networkView.blocked.lead')}</p>
      {error && (
        <p className="field-error" role="alert">
          {t(`errors.${error.code}`)} <span className="muted">{error.message}</span>
        </p>
      )}
      <div role="status" aria-live="polite" className="network-live">
        {outcome?.state === 'applying' && (
          <p>{t('networkView.blocked.applying', { entry: outcome.entry })}</p>
        )}
        {outcome?.state === 'done' && <p>{t('networkView.blocked.applied', { entry: outcome.entry })}</p>}
      </div>
      {outcome?.error && (
        <p className="field-error" role="alert">
          {t('networkView.blocked.allowFailed', { entry: outcome.entry })} {t(`errors.${outcome.error.code}`)}{' '}
          <span className="muted">{outcome.error.message}</span>
        </p>
      )}
      {list === null && !error && (
        <p className="empty" role="status" aria-busy="true">
          {t('common.loading')}
        </p>
      )}
      {list !== null && rows.length === 0 && (
        <div className="empty-state network-empty-small">
          <p>
            <strong>{t('networkView.blocked.emptyTitle')}</strong>
          </p>
          <p>{t('networkView.blocked.emptyBody')}</p>
        </div>
      )}
      {rows.length > 0 && (
        <table className="models-table blocked-table">
          <caption className="visually-hidden">{t('networkView.blocked.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('networkView.blocked.host')}</th>
              <th scope="col">{t('networkView.blocked.port')}</th>
              <th scope="col">{t('networkView.blocked.count')}</th>
              <th scope="col">{t('networkView.blocked.lastSeen')}</th>
              <th scope="col">{t('networkView.blocked.pod')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('networkView.blocked.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map(request => {
              const plan = allowPlan(request.host, effective);
              return (
                <tr key={`${request.host}:${request.port}`} data-host={request.host}>
                  <th scope="row">
                    <code>{request.host}</code> <span className="muted">{request.method}</span>
                  </th>
                  <td>{request.port}</td>
                  <td>{formatNumber(request.count, i18n.language)}</td>
                  <td>
                    <time dateTime={request.lastSeen} title={formatDateTime(request.lastSeen, i18n.language)}>
                      {formatPast(request.lastSeen, now, i18n.language)}
                    </time>
                  </td>
                  <td>
                    {request.pod ?? <span className="muted">{t('networkView.blocked.unknownPod')}</span>}
                  </td>
                  <td className="actions-cell">
                    {plan.status === 'choices' && (
                      <button
                        type="button"
                        className="button"
                        disabled={busy}
                        aria-label={t('networkView.blocked.allowLabel', { host: request.host })}
                        onClick={() => setAsking({ request, choices: plan.choices })}
                      >
                        {t('networkView.blocked.allow')}
                      </button>
                    )}
                    {plan.status === 'allowed' && (
                      <span className="muted">
                        {t('networkView.blocked.alreadyAllowed', { by: plan.by })}
                      </span>
                    )}
                    {plan.status === 'selftest' && (
                      <span className="muted">{t('networkView.blocked.selfTestProbe')}</span>
                    )}
                    {plan.status === 'refused' && (
                      <span className="muted">
                        {t(`allowlist.problems.${plan.message.code}`, plan.message.params)}
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {asking && (
        <AllowDialog
          request={asking.request}
          choices={asking.choices}
          internetOn={internetOn}
          onCancel={() => setAsking(null)}
          onConfirm={entry => {
            setAsking(null);
            void allow(entry);
          }}
        />
      )}
    </section>
  );
}

interface AllowOutcome {
  entry: string;
  state: 'applying' | 'done' | 'failed';
  error: IpcError | null;
}

function AllowDialog({
  request,
  choices,
  internetOn,
  onCancel,
  onConfirm,
}: {
  request: BlockedRequest;
  choices: AllowChoice[];
  internetOn: boolean;
  onCancel: () => void;
  onConfirm: (entry: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const name = useId();
  const [chosen, setChosen] = useState(choices[0]?.entry ?? '');
  const scopeOf = (choice: AllowChoice): string =>
    choice.scope === 'host'
      ? t('networkView.blocked.scopeHost')
      : t('networkView.blocked.scopeDomain', { entry: choice.entry, domain: choice.entry.slice(1) });
  return (
    <ConfirmDialog
      title={t('networkView.blocked.confirmTitle', { host: request.host })}
      confirmLabel={t('networkView.blocked.confirmAllow')}
      risky
      confirmDisabled={chosen === ''}
      onConfirm={() => onConfirm(chosen)}
      onCancel={onCancel}
    >
      <p>
        {t(request.pod ? 'networkView.blocked.confirmBody' : 'networkView.blocked.confirmBodyNoPod', {
          host: request.host,
          port: request.port,
          attempts: formatNumber(request.count, i18n.language),
          pod: request.pod ?? '',
        })}
      </p>
      <fieldset className="allow-choices">
        <legend>{t('networkView.blocked.chooseEntry')}</legend>
        {choices.map(choice => (
          <label key={choice.entry} className="allow-choice">
            <input
              type="radio"
              name={name}
              value={choice.entry}
              checked={chosen === choice.entry}
              onChange={() => setChosen(choice.entry)}
            />
            <span>
              <code>{choice.entry}</code> — {scopeOf(choice)}
            </span>
          </label>
        ))}
      </fieldset>
      <p>
        {t('networkView.blocked.willAdd')} <code className="allow-entry">{chosen}</code>
      </p>
      {!proxyPorts.includes(request.port) && (
        <p className="field-warning">{t('networkView.blocked.portNote', { port: request.port })}</p>
      )}
      {!internetOn && <p className="field-warning">{t('networkView.blocked.internetOff')}</p>}
      <p className="muted">{t('networkView.confirm.applyNote')}</p>
    </ConfirmDialog>
  );
}
