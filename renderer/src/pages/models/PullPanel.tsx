import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { modelNameSchema, type PullProgress } from '../../../../common/models';
import { formatBytes, formatPercent, formatRate, formatSeconds } from '../../../../common/units';
import { useApi } from '../../context';
import type { PullOutcome } from './use-models';

/** Pull a model by name; every pull in progress with its progress and a cancel button. */
export function PullPanel({
  pulls,
  outcomes,
  onDismiss,
}: {
  pulls: PullProgress[];
  outcomes: PullOutcome[];
  onDismiss: (model: string) => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const [name, setName] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);

  const submit = (): void => {
    const parsed = modelNameSchema.safeParse(name);
    if (!parsed.success) {
      setInvalid(parsed.error.issues[0]?.message ?? '');
      return;
    }
    setInvalid(null);
    setName('');
    // The outcome arrives as a progress event; the promise's own result is not needed here.
    void api.models.pull({ model: parsed.data });
  };

  return (
    <div className="pull-panel">
      <form
        className="pull-form"
        onSubmit={event => {
          event.preventDefault();
          submit();
        }}
        noValidate
      >
        <label htmlFor="pull-model">{t('models.pullLabel')}</label>
        <input
          id="pull-model"
          name="model"
          value={name}
          placeholder={t('models.pullPlaceholder')}
          onChange={event => setName(event.target.value)}
          aria-invalid={invalid ? true : undefined}
          aria-describedby={invalid ? 'pull-model-error' : undefined}
          autoComplete="off"
          spellCheck={false}
        />
        <button type="submit" className="button button-primary" disabled={name.trim() === ''}>
          {t('models.pull')}
        </button>
        {invalid && (
          <span id="pull-model-error" className="field-error">
            {invalid}
          </span>
        )}
      </form>
      {pulls.map(pull => (
        <PullRow
          key={pull.model}
          pull={pull}
          onCancel={() => void api.models.cancelPull({ model: pull.model })}
        />
      ))}
      {outcomes.map(outcome => (
        <div
          key={outcome.model}
          className={`banner ${outcome.state === 'failed' ? 'banner-error' : 'banner-info'}`}
          role={outcome.state === 'failed' ? 'alert' : 'status'}
        >
          <span>
            {outcome.state === 'success' && t('models.pullDone', { model: outcome.model })}
            {outcome.state === 'cancelled' && t('models.pullCancelled', { model: outcome.model })}
            {outcome.state === 'failed' &&
              t('models.pullFailed', { model: outcome.model, message: outcome.error?.message ?? '' })}
          </span>
          <button type="button" className="button" onClick={() => onDismiss(outcome.model)}>
            {t('common.close')}
          </button>
        </div>
      ))}
    </div>
  );
}

function PullRow({ pull, onCancel }: { pull: PullProgress; onCancel: () => void }) {
  const { t, i18n } = useTranslation();
  const { progress } = pull;
  const parts = [t(`models.steps.${progress.step}`)];
  if (pull.percent !== null) parts.push(formatPercent(pull.percent, i18n.language));
  if (progress.total !== undefined)
    parts.push(
      `${formatBytes(progress.done, i18n.language)} / ${formatBytes(progress.total, i18n.language)}`,
    );
  if (pull.bytesPerSecond) parts.push(formatRate(pull.bytesPerSecond, i18n.language));
  if (pull.etaSeconds !== null)
    parts.push(t('models.eta', { time: formatSeconds(pull.etaSeconds, i18n.language) }));
  const label = t('models.pulling', { model: pull.model });
  return (
    <div className="pull-row" data-pull={pull.model}>
      <div className="pull-text">
        <strong>{label}</strong>
        <span className="muted">{parts.join(' · ')}</span>
      </div>
      <progress aria-label={label} max={100} value={pull.percent ?? undefined} />
      <button
        type="button"
        className="button"
        aria-label={`${t('models.cancel')} ${pull.model}`}
        onClick={onCancel}
      >
        {t('models.cancel')}
      </button>
    </div>
  );
}
