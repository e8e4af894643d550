import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { recommendedModelSchema, type RecommendedModel } from '../../../common/models';
import type { Settings } from '../../../common/settings';
import { formatBytes } from '../../../common/units';
import { TextRow } from '../components/FormRows';
import { useApi, useClawbar } from '../context';

/** The user's additions to the recommended list: added and removed at once, like System Settings. */
export function RecommendedModelsEditor({ settings }: { settings: Settings }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const setSettings = useClawbar(state => state.setSettings);
  const [name, setName] = useState('');
  const [sizeGb, setSizeGb] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const entries = settings.ollama.recommendedModels;

  const save = async (next: RecommendedModel[]): Promise<boolean> => {
    const result = await api.settings.update({ ollama: { recommendedModels: next } });
    if (result.ok) {
      setSettings(result.value);
      setFailure(null);
      return true;
    }
    setFailure(`${t(`errors.${result.error.code}`)} ${result.error.message}`);
    return false;
  };

  const add = async (): Promise<void> => {
    const size = Number(sizeGb);
    const candidate = {
      name: name.trim(),
      sizeBytes: sizeGb.trim() === '' || Number.isNaN(size) ? sizeGb : Math.round(size * 1e9),
      ...(note.trim() === '' ? {} : { note: note.trim() }),
    };
    const parsed = recommendedModelSchema.safeParse(candidate);
    if (!parsed.success) {
      const found: Partial<Record<string, string>> = {};
      for (const issue of parsed.error.issues) found[String(issue.path[0])] ??= issue.message;
      setErrors(found);
      return;
    }
    setErrors({});
    const others = entries.filter(entry => entry.name !== parsed.data.name);
    if (await save([...others, parsed.data])) {
      setName('');
      setSizeGb('');
      setNote('');
    }
  };

  return (
    <section className="card settings-section" aria-labelledby="recommended-title">
      <h2 id="recommended-title">{t('settings.recommended')}</h2>
      <p className="muted">{t('settings.recommendedHint')}</p>
      {entries.length === 0 ? (
        <p className="empty">{t('settings.noRecommended')}</p>
      ) : (
        <ul className="plain-list">
          {entries.map(entry => (
            <li key={entry.name}>
              <span>
                <strong>{entry.name}</strong> · {formatBytes(entry.sizeBytes, i18n.language)}
                {entry.note && <span className="muted"> · {entry.note}</span>}
              </span>
              <button
                type="button"
                className="button"
                aria-label={`${t('settings.remove')} ${entry.name}`}
                onClick={() => void save(entries.filter(other => other.name !== entry.name))}
              >
                {t('settings.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        onSubmit={event => {
          event.preventDefault();
          void add();
        }}
        noValidate
      >
        <TextRow
          label={t('settings.recommendedName')}
          name="recommendedName"
          value={name}
          error={errors.name}
          onChange={event => setName(event.target.value)}
        />
        <TextRow
          label={t('settings.recommendedSize')}
          name="recommendedSize"
          value={sizeGb}
          error={errors.sizeBytes}
          onChange={event => setSizeGb(event.target.value)}
        />
        <TextRow
          label={t('settings.recommendedNote')}
          name="recommendedNote"
          value={note}
          error={errors.note}
          onChange={event => setNote(event.target.value)}
        />
        <div className="form-actions">
          {failure && (
            <span className="field-error" role="alert">
              {failure}
            </span>
          )}
          <button type="submit" className="button button-primary" disabled={name.trim() === ''}>
            {t('settings.add')}
          </button>
        </div>
      </form>
    </section>
  );
}
