import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { kvCacheTypes } from '../../../common/models';
import { settingsPatchSchema, type Settings } from '../../../common/settings';
import { CheckboxRow, NumberRow, SelectRow, TextRow } from '../components/FormRows';
import { useApi, useClawbar } from '../context';

/** The Ollama server options and LM Studio, edited as a draft and saved together. */
interface Draft {
  autoStart: boolean;
  bindAddress: Settings['ollama']['bindAddress'];
  port: string;
  keepAlive: string;
  numParallel: string;
  flashAttention: boolean;
  kvCacheType: Settings['ollama']['kvCacheType'];
  contextLength: string;
  installUrl: string;
  lmStudioEnabled: boolean;
  lmStudioPort: string;
}

function draftFrom(settings: Settings): Draft {
  return {
    autoStart: settings.ollama.autoStart,
    bindAddress: settings.ollama.bindAddress,
    port: String(settings.ollama.port),
    keepAlive: settings.ollama.keepAlive,
    numParallel: String(settings.ollama.numParallel),
    flashAttention: settings.ollama.flashAttention,
    kvCacheType: settings.ollama.kvCacheType,
    contextLength: String(settings.ollama.contextLength),
    installUrl: settings.ollama.installUrl,
    lmStudioEnabled: settings.lmStudio.enabled,
    lmStudioPort: String(settings.lmStudio.port),
  };
}

function patchFrom(draft: Draft): unknown {
  const number = (text: string): number | string =>
    text.trim() === '' || Number.isNaN(Number(text)) ? text : Number(text);
  return {
    ollama: {
      autoStart: draft.autoStart,
      bindAddress: draft.bindAddress,
      port: number(draft.port),
      keepAlive: draft.keepAlive,
      numParallel: number(draft.numParallel),
      flashAttention: draft.flashAttention,
      kvCacheType: draft.kvCacheType,
      contextLength: number(draft.contextLength),
      installUrl: draft.installUrl,
    },
    lmStudio: { enabled: draft.lmStudioEnabled, port: number(draft.lmStudioPort) },
  };
}

/** Errors by full path (`ollama.port`, `lmStudio.port`): the two ports must not share one. */
function errorsFrom(
  issues: readonly { path: string; message: string }[] | undefined,
): Partial<Record<string, string>> {
  const errors: Partial<Record<string, string>> = {};
  for (const issue of issues ?? []) errors[issue.path] ??= issue.message;
  return errors;
}

export function OllamaSettingsSection({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const api = useApi();
  const setSettings = useClawbar(state => state.setSettings);
  const [edits, setEdits] = useState<Partial<Draft>>({});
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const [status, setStatus] = useState<'idle' | 'saving' | 'saved' | 'invalid' | 'failed'>('idle');
  const [failure, setFailure] = useState<string | null>(null);
  const saved = draftFrom(settings);
  const draft: Draft = { ...saved, ...edits };
  const dirty = (Object.keys(edits) as (keyof Draft)[]).some(key => edits[key] !== saved[key]);

  const edit = <K extends keyof Draft>(key: K, value: Draft[K]): void => {
    setEdits(current => ({ ...current, [key]: value }));
    setStatus('idle');
  };

  const save = async (): Promise<void> => {
    const checked = settingsPatchSchema.safeParse(patchFrom(draft));
    if (!checked.success) {
      setErrors(
        errorsFrom(
          checked.error.issues.map(issue => ({ path: issue.path.join('.'), message: issue.message })),
        ),
      );
      setStatus('invalid');
      return;
    }
    setStatus('saving');
    const result = await api.settings.update(checked.data);
    if (result.ok) {
      setSettings(result.value);
      setEdits({});
      setErrors({});
      setStatus('saved');
      setFailure(null);
    } else {
      setErrors(errorsFrom(result.error.issues));
      setFailure(`${t(`errors.${result.error.code}`)} ${result.error.message}`);
      setStatus('failed');
    }
  };

  return (
    <form
      className="card settings-section"
      aria-labelledby="ollama-settings-title"
      onSubmit={event => {
        event.preventDefault();
        void save();
      }}
      noValidate
    >
      <h2 id="ollama-settings-title">{t('settings.ollama')}</h2>
      <p className="muted">{t('settings.ollamaHint')}</p>
      <CheckboxRow
        label={t('settings.autoStart')}
        name="autoStart"
        checked={draft.autoStart}
        onChange={checked => edit('autoStart', checked)}
      />
      <SelectRow
        label={t('settings.bindAddress')}
        name="bindAddress"
        value={draft.bindAddress}
        options={(['127.0.0.1', '0.0.0.0'] as const).map(value => ({
          value,
          label: t(`settings.bindAddresses.${value}`),
        }))}
        onChange={value => edit('bindAddress', value as Draft['bindAddress'])}
      />
      <NumberRow
        label={t('settings.port')}
        name="ollamaPort"
        value={draft.port}
        error={errors['ollama.port']}
        onChange={event => edit('port', event.target.value)}
      />
      <TextRow
        label={t('settings.keepAlive')}
        name="keepAlive"
        value={draft.keepAlive}
        error={errors['ollama.keepAlive']}
        onChange={event => edit('keepAlive', event.target.value)}
      />
      <NumberRow
        label={t('settings.numParallel')}
        name="numParallel"
        value={draft.numParallel}
        error={errors['ollama.numParallel']}
        onChange={event => edit('numParallel', event.target.value)}
      />
      <CheckboxRow
        label={t('settings.flashAttention')}
        name="flashAttention"
        checked={draft.flashAttention}
        onChange={checked => edit('flashAttention', checked)}
      />
      <SelectRow
        label={t('settings.kvCacheType')}
        name="kvCacheType"
        value={draft.kvCacheType}
        options={kvCacheTypes.map(value => ({ value, label: value }))}
        onChange={value => edit('kvCacheType', value as Draft['kvCacheType'])}
      />
      {errors['ollama.kvCacheType'] && (
        <p className="field-error" role="alert">
          {errors['ollama.kvCacheType']}
        </p>
      )}
      <NumberRow
        label={t('settings.contextLength')}
        name="contextLength"
        value={draft.contextLength}
        error={errors['ollama.contextLength']}
        onChange={event => edit('contextLength', event.target.value)}
        step={1024}
      />
      <TextRow
        label={t('settings.installUrl')}
        name="installUrl"
        type="url"
        value={draft.installUrl}
        error={errors['ollama.installUrl']}
        onChange={event => edit('installUrl', event.target.value)}
      />
      <h2>{t('settings.lmStudio')}</h2>
      <CheckboxRow
        label={t('settings.lmStudioEnabled')}
        name="lmStudioEnabled"
        checked={draft.lmStudioEnabled}
        onChange={checked => edit('lmStudioEnabled', checked)}
      />
      <NumberRow
        label={t('settings.lmStudioPort')}
        name="lmStudioPort"
        value={draft.lmStudioPort}
        error={errors['lmStudio.port']}
        onChange={event => edit('lmStudioPort', event.target.value)}
      />
      <div className="form-actions">
        <span className="form-status" role="status">
          {status === 'saving' && t('settings.saving')}
          {status === 'saved' && !dirty && t('settings.saved')}
          {status === 'invalid' && t('settings.invalid')}
          {status === 'failed' && failure}
          {status === 'idle' && dirty && t('settings.unsaved')}
        </span>
        <button
          type="button"
          className="button"
          onClick={() => {
            setEdits({});
            setErrors({});
            setStatus('idle');
          }}
          disabled={!dirty || status === 'saving'}
        >
          {t('settings.revert')}
        </button>
        <button type="submit" className="button button-primary" disabled={!dirty || status === 'saving'}>
          {t('settings.save')}
        </button>
      </div>
    </form>
  );
}
