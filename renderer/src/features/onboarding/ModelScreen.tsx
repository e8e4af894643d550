import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { recommendedModel } from '../../../../common/install';
import type { FitReport } from '../../../../common/models';
import { formatBytes, formatMemory } from '../../../../common/units';
import { useApi, useClawbar } from '../../context';
import { FitBadge } from '../../pages/models/FitBadge';
import type { ChoicesScreenProps } from './choices';
import { ScreenActions, ScreenTitle } from './ScreenParts';
import { ErrorMessage } from '../../components/ErrorMessage';

/**
 * The local model: every recommended one with how it fits this Mac's memory, the best one
 * preselected; and Ollama, with the user's consent to install it when it is missing.
 */
export function ModelScreen({ choices, onChange, onBack, onNext }: ChoicesScreenProps) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const ollama = useClawbar(state => state.appState?.llm.ollama ?? null);
  const ollamaVersion = useClawbar(state => state.appState?.components.ollama.version ?? null);
  const [report, setReport] = useState<FitReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    void api.models.fit().then(result => {
      if (!alive) return;
      if (result.ok) setReport(result.value);
      else setError(`${t(`errors.${result.error.code}`)} ${result.error.message}`);
    });
    return () => {
      alive = false;
    };
  }, [api, t]);

  const best = report ? recommendedModel(report) : null;
  const selected = choices.model ?? best?.name ?? null;
  useEffect(() => {
    if (choices.model === null && best) onChange({ ...choices, model: best.name });
  }, [best, choices, onChange]);

  const present = ollama !== null && (ollama.ownership !== 'none' || ollama.binary !== null);
  const canContinue = selected !== null && (present || choices.installOllama);
  return (
    <>
      <ScreenTitle>{t('onboarding.model.title')}</ScreenTitle>
      <p className="onboarding-lead">{t('onboarding.model.lead')}</p>
      <ErrorMessage message={error} />
      {!report && !error && (
        <p className="empty" role="status" aria-busy="true">
          {t('onboarding.model.loading')}
        </p>
      )}
      {report && (
        <>
          <p className="muted">
            {t('onboarding.model.memory', {
              total: formatMemory(report.memory.totalBytes, i18n.language),
              available: formatMemory(report.memory.availableBytes, i18n.language),
            })}
          </p>
          <fieldset className="model-choices">
            <legend>{t('onboarding.model.legend')}</legend>
            {report.recommended.map(entry => {
              const id = `model-${entry.name.replace(/[^a-z0-9]/gi, '-')}`;
              return (
                <div key={entry.name} className="model-choice" data-model={entry.name}>
                  <input
                    type="radio"
                    id={id}
                    name="model"
                    value={entry.name}
                    checked={selected === entry.name}
                    onChange={() => onChange({ ...choices, model: entry.name })}
                    aria-describedby={`${id}-facts`}
                  />
                  <label htmlFor={id}>
                    <strong>{entry.name}</strong>
                    {best?.name === entry.name && (
                      <span className="badge badge-subtle">{t('onboarding.model.recommended')}</span>
                    )}
                    {entry.installed && (
                      <span className="badge badge-subtle">{t('onboarding.model.installed')}</span>
                    )}
                  </label>
                  <div id={`${id}-facts`} className="model-choice-facts">
                    <span className="muted">
                      {entry.note ?? (entry.noteKey ? t(`models.notes.${entry.noteKey}`) : '')}
                    </span>
                    <FitBadge fit={entry.fit} />
                    <span className="muted">
                      {t('onboarding.model.download', { size: formatBytes(entry.sizeBytes, i18n.language) })}
                    </span>
                  </div>
                </div>
              );
            })}
          </fieldset>
        </>
      )}
      <section className="card onboarding-ollama" aria-labelledby="ollama-title">
        <h2 id="ollama-title">{t('components.ollama')}</h2>
        {ollama && ollama.ownership !== 'none' ? (
          <p>
            {t('onboarding.model.ollamaRunning', {
              version: ollamaVersion ?? '',
              address: new URL(ollama.address).host,
            })}
          </p>
        ) : ollama?.binary ? (
          <p>{t('onboarding.model.ollamaInstalled')}</p>
        ) : (
          <>
            <p>{t('onboarding.model.ollamaMissing')}</p>
            <div className="field-row field-row-check">
              <input
                id="install-ollama"
                type="checkbox"
                checked={choices.installOllama}
                onChange={event => onChange({ ...choices, installOllama: event.target.checked })}
              />
              <label htmlFor="install-ollama">{t('onboarding.model.installConsent')}</label>
            </div>
            {!choices.installOllama && <p className="muted">{t('onboarding.model.consentNeeded')}</p>}
          </>
        )}
      </section>
      <ScreenActions onBack={onBack}>
        <button type="button" className="button button-primary" onClick={onNext} disabled={!canContinue}>
          {t('onboarding.next')}
        </button>
      </ScreenActions>
    </>
  );
}
