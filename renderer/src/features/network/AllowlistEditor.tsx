import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import {
  allowlistPresetGroups,
  allowlistPresetIds,
  allowlistPresets,
  type AllowlistPresetId,
} from '../../../../common/allowlist-presets';
import { validateAllowlist, type AllowlistIssue } from '../../../../common/allowlist';
import type { ClusterOperation } from '../../../../common/sandbox';
import {
  addDomain,
  appliedStatus,
  checkNewDomain,
  removeDomain,
  togglePreset,
  type EntryMessage,
  type EntryNote,
  type RefusedEntry,
} from './allowlist-draft';
import { OperationStatus } from './OperationStatus';
import { Switch } from './Switch';
import type { AllowlistEditorState } from './use-allowlist';

/**
 * The proxy's allowlist: presets by group as switches (with the domains each allows), the
 * user's own domains (checked as they type: not a host name, an IP or a range, a wildcard, an
 * overlap), the effective list and whether the proxy runs it, and Apply, which rolls the proxy.
 */
export function AllowlistEditor({
  editor,
  operation,
  internetOn,
}: {
  editor: AllowlistEditorState;
  operation: ClusterOperation | null;
  internetOn: boolean;
}) {
  const { t } = useTranslation();
  const { draft, saved } = editor;
  const busy = editor.applying || operation?.status === 'running';
  const status = appliedStatus(saved?.effective ?? [], editor.applied);
  const canApply = !busy && draft !== null && (editor.dirty || status.status === 'pending');

  return (
    <section className="card network-section" aria-labelledby="allowlist-title">
      <h2 id="allowlist-title">{t('networkView.allowlist.title')}</h2>
      <p className="muted">{t('networkView.allowlist.lead')}</p>
      {!internetOn && <p className="settings-notice">{t('networkView.allowlist.internetOff')}</p>}
      {!draft ? (
        <p className="empty" role="status" aria-busy="true">
          {t('common.loading')}
        </p>
      ) : (
        <>
          <h3 className="allowlist-heading">{t('networkView.allowlist.presetsTitle')}</h3>
          {allowlistPresetGroups.map(group => (
            <PresetGroup
              key={group}
              group={group}
              chosen={draft.presets}
              disabled={busy}
              onToggle={(id, on) => editor.edit(current => togglePreset(current, id, on))}
            />
          ))}
          <h3 className="allowlist-heading">{t('networkView.allowlist.domainsTitle')}</h3>
          <p className="muted">{t('networkView.allowlist.domainsHelp')}</p>
          <DomainList
            domains={draft.domains}
            issues={validateAllowlist(draft.domains).issues}
            refused={editor.refused}
            disabled={busy}
            onRemove={index => editor.edit(current => removeDomain(current, index))}
          />
          <AddDomain
            disabled={busy}
            check={raw => checkNewDomain(raw, draft)}
            onAdd={entry => editor.edit(current => addDomain(current, entry))}
          />
          <h3 className="allowlist-heading">{t('networkView.allowlist.effectiveTitle')}</h3>
          <EffectiveList entries={editor.draftEffective} />
          <p className={`allowlist-status allowlist-status-${editor.dirty ? 'dirty' : status.status}`}>
            {editor.dirty
              ? t('networkView.allowlist.dirty')
              : t(`networkView.allowlist.status.${status.status}`)}
          </p>
          {!editor.dirty && status.status === 'pending' && (
            <AppliedDifference missing={status.missing} extra={status.extra} />
          )}
          <OperationStatus
            operation={operation}
            kinds={['allowlist']}
            callError={editor.refused.length > 0 ? null : editor.error}
          />
          {editor.refused.length > 0 && (
            <p className="field-error network-failure" role="alert">
              {t('errors.proxy-allowlist-invalid')}
            </p>
          )}
          <div className="form-actions">
            <button
              type="button"
              className="button"
              disabled={busy || !editor.dirty}
              onClick={editor.discard}
            >
              {t('networkView.allowlist.discard')}
            </button>
            <button
              type="button"
              className="button button-primary"
              disabled={!canApply}
              onClick={() => void editor.apply()}
            >
              {editor.applying ? t('networkView.allowlist.applying') : t('networkView.allowlist.apply')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

function PresetGroup({
  group,
  chosen,
  disabled,
  onToggle,
}: {
  group: (typeof allowlistPresetGroups)[number];
  chosen: readonly AllowlistPresetId[];
  disabled: boolean;
  onToggle: (id: AllowlistPresetId, on: boolean) => void;
}) {
  const { t } = useTranslation();
  const ids = allowlistPresetIds.filter(id => allowlistPresets[id].group === group);
  return (
    <fieldset className="preset-group">
      <legend>{t(`networkView.allowlist.groups.${group}`)}</legend>
      <ul className="preset-list">
        {ids.map(id => {
          const labelId = `preset-${id}`;
          const domainsId = `preset-${id}-domains`;
          return (
            <li key={id} className="preset" data-preset={id}>
              <Switch
                checked={chosen.includes(id)}
                labelledBy={labelId}
                describedBy={domainsId}
                disabled={disabled}
                onChange={on => onToggle(id, on)}
              />
              <span id={labelId} className="preset-name">
                {t(`networkView.allowlist.presets.${id}`)}
              </span>
              <span id={domainsId} className="preset-domains">
                {allowlistPresets[id].domains.map(domain => (
                  <code key={domain}>{domain}</code>
                ))}
              </span>
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

function DomainList({
  domains,
  issues,
  refused,
  disabled,
  onRemove,
}: {
  domains: readonly string[];
  /** What is wrong with entries already in the list (a hand-edited settings file, say). */
  issues: readonly AllowlistIssue[];
  refused: readonly RefusedEntry[];
  disabled: boolean;
  onRemove: (index: number) => void;
}) {
  const { t } = useTranslation();
  if (domains.length === 0) return <p className="empty">{t('networkView.allowlist.noDomains')}</p>;
  return (
    <ul className="domain-list" aria-label={t('networkView.allowlist.domainsTitle')}>
      {domains.map((domain, index) => {
        const server = refused.find(entry => entry.index === index);
        const local = issues.find(issue => issue.index === index);
        const message = server?.message ?? (local ? { code: local.code, params: local.params } : null);
        return (
          <li key={`${domain}-${index}`} className={(server ?? local) ? 'domain-refused' : undefined}>
            <code>{domain}</code>
            {(server ?? local) && (
              <span className="field-error">
                {message ? <Problem message={message} /> : server?.serverMessage}
              </span>
            )}
            <button
              type="button"
              className="button button-small"
              disabled={disabled}
              aria-label={t('networkView.allowlist.removeLabel', { entry: domain })}
              onClick={() => onRemove(index)}
            >
              {t('networkView.allowlist.remove')}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function Problem({ message }: { message: EntryMessage }) {
  const { t } = useTranslation();
  return <>{t(`allowlist.problems.${message.code}`, message.params)}</>;
}

function AddDomain({
  disabled,
  check,
  onAdd,
}: {
  disabled: boolean;
  check: (raw: string) => ReturnType<typeof checkNewDomain>;
  onAdd: (entry: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const messageId = `${id}-message`;
  const [value, setValue] = useState('');
  const result = check(value);
  const invalid = result.status === 'invalid';

  const add = (): void => {
    if (result.status !== 'ok') return;
    onAdd(result.entry);
    setValue('');
  };

  return (
    <form
      className="add-domain"
      onSubmit={event => {
        event.preventDefault();
        add();
      }}
    >
      <label htmlFor={id}>{t('networkView.allowlist.addLabel')}</label>
      <div className="add-domain-row">
        <input
          id={id}
          type="text"
          value={value}
          placeholder="api.example.com"
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          disabled={disabled}
          aria-invalid={invalid ? true : undefined}
          aria-describedby={result.status === 'empty' ? undefined : messageId}
          onChange={event => setValue(event.target.value)}
        />
        <button type="submit" className="button" disabled={disabled || result.status !== 'ok'}>
          {t('networkView.allowlist.add')}
        </button>
      </div>
      <div id={messageId} className="add-domain-message" aria-live="polite">
        {result.status === 'invalid' && (
          <p className="field-error">
            <Problem message={result.message} />
            {result.suggestion !== null && (
              <>
                {' '}
                <button
                  type="button"
                  className="link-button"
                  onClick={() => setValue(result.suggestion ?? '')}
                >
                  {t('allowlist.suggestion', { suggestion: result.suggestion })}
                </button>
              </>
            )}
          </p>
        )}
        {result.status === 'ok' &&
          result.notes.map(note => <NoteLine key={noteKey(note)} entry={result.entry} note={note} />)}
      </div>
    </form>
  );
}

function noteKey(note: EntryNote): string {
  return note.kind === 'covered' ? `covered-${note.by}` : `replaces-${note.preset ?? 'own'}`;
}

function NoteLine({ entry, note }: { entry: string; note: EntryNote }) {
  const { t, i18n } = useTranslation();
  const preset = note.preset ? t(`networkView.allowlist.presets.${note.preset}`) : '';
  if (note.kind === 'covered') {
    return (
      <p className="field-hint muted">
        {note.preset
          ? t('networkView.allowlist.notes.coveredByPreset', { entry, by: note.by, preset })
          : t('allowlist.notes.covered-by-suffix', { entry, coveredBy: note.by })}
      </p>
    );
  }
  const entries = new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(note.entries);
  return (
    <p className="field-hint muted">
      {note.preset
        ? t('networkView.allowlist.notes.coversPreset', { entry, entries, preset })
        : t('networkView.allowlist.notes.replacesOwn', { entry, entries })}
    </p>
  );
}

function EffectiveList({ entries }: { entries: readonly string[] }) {
  const { t } = useTranslation();
  if (entries.length === 0) return <p className="empty">{t('networkView.allowlist.effectiveEmpty')}</p>;
  return (
    <ul className="entry-chips" aria-label={t('networkView.allowlist.effectiveTitle')}>
      {entries.map(entry => (
        <li key={entry}>
          <code>{entry}</code>
        </li>
      ))}
    </ul>
  );
}

function AppliedDifference({ missing, extra }: { missing: readonly string[]; extra: readonly string[] }) {
  const { t, i18n } = useTranslation();
  const list = (entries: readonly string[]) =>
    new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(entries);
  return (
    <ul className="allowlist-difference">
      {missing.length > 0 && <li>{t('networkView.allowlist.missing', { entries: list(missing) })}</li>}
      {extra.length > 0 && <li>{t('networkView.allowlist.extra', { entries: list(extra) })}</li>}
    </ul>
  );
}
