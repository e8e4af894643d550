import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { InstalledModel, ModelTestResult } from '../../../../common/models';
import { formatBytes, formatSeconds } from '../../../../common/units';
import { useApi, useClawbar } from '../../context';
import { FitBadge } from './FitBadge';
import { useAction } from './use-action';
import { ErrorMessage } from '../../components/ErrorMessage';

/** Installed models: size, details, fit, and per model: default for OpenClaw, speed test, delete. */
export function InstalledModels({
  models,
  onChanged,
}: {
  models: InstalledModel[];
  onChanged: () => Promise<void>;
}) {
  const { t } = useTranslation();
  if (models.length === 0) return <p className="empty">{t('models.noneInstalled')}</p>;
  return (
    <table className="models-table">
      <caption className="visually-hidden">{t('models.installed')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('cli.models.columns.name')}</th>
          <th scope="col">{t('cli.models.columns.size')}</th>
          <th scope="col">{t('cli.models.columns.parameters')}</th>
          <th scope="col">{t('cli.models.columns.fit')}</th>
          <th scope="col">
            <span className="visually-hidden">{t('models.actions')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {models.map(model => (
          <ModelRow key={model.name} model={model} onChanged={onChanged} />
        ))}
      </tbody>
    </table>
  );
}

function ModelRow({ model, onChanged }: { model: InstalledModel; onChanged: () => Promise<void> }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const setSettings = useClawbar(state => state.setSettings);
  const { busy, error, run } = useAction();
  const [confirming, setConfirming] = useState(false);
  const [test, setTest] = useState<ModelTestResult | null>(null);
  const keepButton = useRef<HTMLButtonElement>(null);
  const deleteButton = useRef<HTMLButtonElement>(null);
  /** After "Keep", focus goes back to where it was, not to the top of the page. */
  const returnFocus = useRef(false);

  useEffect(() => {
    if (confirming) keepButton.current?.focus();
    else if (returnFocus.current) {
      returnFocus.current = false;
      deleteButton.current?.focus();
    }
  }, [confirming]);

  const keep = (): void => {
    returnFocus.current = true;
    setConfirming(false);
  };
  const size = formatBytes(model.sizeBytes, i18n.language);

  const makeDefault = async (): Promise<void> => {
    const view = await run('default', () => api.settings.update({ ollama: { defaultModel: model.name } }));
    if (view) setSettings(view);
  };
  const remove = async (): Promise<void> => {
    returnFocus.current = true;
    setConfirming(false);
    if (await run('delete', () => api.models.delete({ model: model.name }))) await onChanged();
  };
  const speedTest = async (): Promise<void> => {
    setTest(null);
    const result = await run('test', () => api.models.test({ model: model.name }));
    if (result) {
      setTest(result);
      // The test loaded the model: show it among the loaded ones now, not at the next refresh.
      await onChanged();
    }
  };

  return (
    <tr data-model={model.name}>
      <th scope="row">
        {model.name}
        {model.isDefault && <span className="badge badge-subtle">{t('models.isDefault')}</span>}
        {test && (
          <p className="muted" role="status">
            {t('models.testResult', {
              model: model.name,
              rate: new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 }).format(
                test.tokensPerSecond,
              ),
              count: test.evalCount,
              load: formatSeconds(test.loadMs / 1000, i18n.language),
            })}
          </p>
        )}
        <ErrorMessage message={error} />
      </th>
      <td>{size}</td>
      <td>{[model.details.parameterSize, model.details.quantization].filter(Boolean).join(' · ') || '—'}</td>
      <td>
        <FitBadge fit={model.fit} />
      </td>
      <td>
        <div className="row-actions">
          {confirming ? (
            <div
              className="confirm"
              role="group"
              aria-label={t('models.delete')}
              onKeyDown={event => {
                if (event.key === 'Escape') keep();
              }}
            >
              <span>{t('models.confirmDelete', { model: model.name, size })}</span>
              <button type="button" className="button button-danger" onClick={() => void remove()}>
                {t('models.delete')}
              </button>
              {/* The safe answer has the focus, as in a macOS alert. */}
              <button ref={keepButton} type="button" className="button" onClick={keep}>
                {t('models.keep')}
              </button>
            </div>
          ) : (
            <>
              {!model.isDefault && (
                <button
                  type="button"
                  className="button"
                  disabled={busy !== null}
                  onClick={() => void makeDefault()}
                >
                  {t('models.makeDefault')}
                </button>
              )}
              <button
                type="button"
                className="button"
                disabled={busy !== null}
                aria-label={`${t('models.test')} ${model.name}`}
                onClick={() => void speedTest()}
              >
                {busy === 'test' ? t('models.testing') : t('models.test')}
              </button>
              <button
                ref={deleteButton}
                type="button"
                className="button"
                disabled={busy !== null}
                aria-label={`${t('models.delete')} ${model.name}`}
                onClick={() => setConfirming(true)}
              >
                {t('models.delete')}
              </button>
            </>
          )}
        </div>
      </td>
    </tr>
  );
}
