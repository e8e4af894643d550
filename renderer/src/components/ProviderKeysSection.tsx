import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { IpcError } from '../../../common/errors';
import type { Result } from '../../../common/result';
import {
  checkSecretValue,
  providerKeys,
  type ProviderKeyInfo,
  type SecretName,
  type SecretProblem,
} from '../../../common/secrets';
import { useApi, useClawbar } from '../context';
import { Loading } from './PageHeader';
import { ErrorMessage } from './ErrorMessage';

/** Providers with a note under their name (`secrets.hints.<name>`). */
const hinted: ReadonlySet<string> = new Set([
  'GOOGLE_API_KEY',
  'LM_API_TOKEN',
  'BRAVE_API_KEY',
  'TELEGRAM_BOT_TOKEN',
]);

/**
 * Settings: the optional cloud provider keys, write-only. A key can be set, replaced or removed;
 * its value is typed into a password field that is emptied once saved, and is never shown back:
 * the service only ever answers with the names that are set.
 */
export function ProviderKeysSection() {
  const { t } = useTranslation();
  const api = useApi();
  const titleId = useId();
  const [names, setNames] = useState<SecretName[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [editing, setEditing] = useState<SecretName | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const operation = useClawbar(state => state.appState?.cluster.operation ?? null);

  const loaded = useCallback(
    (result: Result<SecretName[]>): void => {
      if (result.ok) setNames(result.value);
      else setLoadError(`${t('secrets.loadFailed')} ${describe(t, result.error)}`);
    },
    [t],
  );

  useEffect(() => {
    let mounted = true;
    void api.secrets.list().then(result => {
      if (mounted) loaded(result);
    });
    return () => {
      mounted = false;
    };
  }, [api, loaded]);

  const retry = async (): Promise<void> => {
    setLoadError(null);
    loaded(await api.secrets.list());
  };

  const changed = (next: SecretName[], message: string): void => {
    setNames(next);
    setEditing(null);
    setAnnouncement(message);
  };

  const sync = operation?.kind === 'secrets' ? operation : null;

  return (
    <section className="card settings-section" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('secrets.title')}</h2>
      <p className="muted">{t('secrets.intro')}</p>
      <p className="muted">{t('secrets.storage')}</p>
      {sync?.status === 'running' && (
        <p className="settings-notice" role="status">
          {t('secrets.syncing')}
        </p>
      )}
      {sync?.status === 'failed' && sync.error && (
        <p className="field-error" role="alert">
          {t('secrets.syncFailed', { message: describe(t, sync.error) })}
        </p>
      )}
      {loadError ? (
        <div className="settings-notice" role="alert">
          <span>{loadError}</span>
          <button type="button" className="button" onClick={() => void retry()}>
            {t('common.retry')}
          </button>
        </div>
      ) : names === null ? (
        <Loading />
      ) : (
        <ul className="provider-keys">
          {providerKeys.map(info => (
            <ProviderKeyRow
              key={info.name}
              info={info}
              isSet={names.includes(info.name)}
              editing={editing === info.name}
              onEdit={open => setEditing(open ? info.name : null)}
              onChanged={changed}
            />
          ))}
        </ul>
      )}
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
    </section>
  );
}

type Translate = ReturnType<typeof useTranslation>['t'];

function describe(t: Translate, error: IpcError): string {
  const detail = error.issues?.map(issue => issue.message).join(' ') ?? error.message;
  return `${t(`errors.${error.code}`)} ${detail}`;
}

function ProviderKeyRow({
  info,
  isSet,
  editing,
  onEdit,
  onChanged,
}: {
  info: ProviderKeyInfo;
  isSet: boolean;
  editing: boolean;
  onEdit: (open: boolean) => void;
  onChanged: (names: SecretName[], message: string) => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const nameId = useId();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const remove = async (): Promise<void> => {
    setConfirming(false);
    setBusy(true);
    const result = await api.secrets.delete({ name: info.name });
    setBusy(false);
    if (result.ok) {
      setError(null);
      onChanged(result.value, t('secrets.removed', { provider: info.provider }));
    } else {
      setError(describe(t, result.error));
    }
  };

  return (
    <li className="provider-key" aria-labelledby={nameId}>
      <div className="provider-key-row">
        <div className="provider-key-title">
          <span id={nameId} className="provider-key-name">
            {info.provider}
          </span>
          <code className="muted">{info.name}</code>
        </div>
        <span className={isSet ? 'key-state key-state-set' : 'key-state'}>
          {isSet ? t('secrets.isSet') : t('secrets.notSet')}
        </span>
        {!editing && !confirming && (
          <div className="row-actions">
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => {
                setError(null);
                onEdit(true);
              }}
            >
              {isSet ? t('secrets.replace') : t('secrets.set')}
            </button>
            {isSet && (
              <button type="button" className="button" disabled={busy} onClick={() => setConfirming(true)}>
                {t('secrets.remove')}
              </button>
            )}
          </div>
        )}
      </div>
      {hinted.has(info.name) && <p className="muted field-hint">{t(`secrets.hints.${info.name}`)}</p>}
      {confirming && (
        <div className="confirm" role="group" aria-label={t('secrets.remove')}>
          <span>{t('secrets.confirmRemove', { provider: info.provider })}</span>
          <button type="button" className="button button-danger" onClick={() => void remove()}>
            {t('secrets.remove')}
          </button>
          <button type="button" className="button" onClick={() => setConfirming(false)}>
            {t('secrets.keep')}
          </button>
        </div>
      )}
      {editing && (
        <KeyEditor
          info={info}
          onSaved={names => onChanged(names, t('secrets.saved', { provider: info.provider }))}
          onCancel={() => onEdit(false)}
        />
      )}
      <ErrorMessage message={error} />
    </li>
  );
}

/**
 * The password field. What is typed lives only in this component's state: saving, cancelling or
 * opening another key's field unmounts it, and the value with it.
 */
function KeyEditor({
  info,
  onSaved,
  onCancel,
}: {
  info: ProviderKeyInfo;
  onSaved: (names: SecretName[]) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const id = useId();
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const check = draft === '' ? null : checkSecretValue(info.name, draft);
  const errors = check?.problems.filter(problem => problem.severity === 'error') ?? [];
  const warnings = check?.problems.filter(problem => problem.severity === 'warning') ?? [];
  const label = t('secrets.valueLabel', { provider: info.provider, kind: t(`secrets.kinds.${info.kind}`) });
  const problemsId = `${id}-problems`;
  const hintId = `${id}-hint`;

  const save = async (): Promise<void> => {
    if (!check?.ok) return;
    setBusy(true);
    const result = await api.secrets.set({ name: info.name, value: draft });
    setBusy(false);
    if (result.ok) {
      setDraft('');
      onSaved(result.value);
    } else {
      setError(describe(t, result.error));
    }
  };

  return (
    <form
      className="provider-key-form"
      onSubmit={event => {
        event.preventDefault();
        void save();
      }}
      noValidate
    >
      <label htmlFor={`${id}-value`}>{label}</label>
      <div className="field">
        <input
          id={`${id}-value`}
          name={info.name}
          type="password"
          autoComplete="off"
          spellCheck={false}
          autoFocus
          value={draft}
          placeholder={info.example}
          aria-invalid={errors.length > 0 ? true : undefined}
          aria-describedby={[problemsId, info.example ? hintId : ''].filter(Boolean).join(' ')}
          onChange={event => {
            setDraft(event.target.value);
            setError(null);
          }}
        />
        <button type="submit" className="button button-primary" disabled={busy || !check?.ok}>
          {busy ? t('secrets.saving') : t('secrets.save')}
        </button>
        <button type="button" className="button" disabled={busy} onClick={onCancel}>
          {t('secrets.cancel')}
        </button>
      </div>
      {info.example && (
        <span id={hintId} className="muted field-hint">
          {t('secrets.formatHint', { example: info.example })}
        </span>
      )}
      <div id={problemsId}>
        {errors.map(problem => (
          <p key={problem.code} className="field-error">
            {problemText(t, problem)}
          </p>
        ))}
        {warnings.length > 0 && (
          <p className="field-warning">
            {warnings.map(problem => problemText(t, problem)).join(' ')}
            {errors.length === 0 && ` ${t('secrets.canStillSave')}`}
          </p>
        )}
      </div>
      <ErrorMessage message={error} />
    </form>
  );
}

function problemText(t: Translate, problem: SecretProblem): string {
  return t(`secrets.problems.${problem.code}`, problem.params);
}
