import { useId, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';

import type { IpcError } from '../../../common/errors';
import {
  appearanceSchema,
  languageSchema,
  settingsPatchSchema,
  type Settings,
  type SettingsPatch,
} from '../../../common/settings';
import { AboutSection } from '../components/AboutSection';
import { DiagnosticsSection } from '../components/DiagnosticsSection';
import { CheckboxRow, NumberRow, SelectRow } from '../components/FormRows';
import { Loading, PageHeader } from '../components/PageHeader';
import { PowerPermissionSection } from '../components/PowerPermissionSection';
import { ProviderKeysSection } from '../components/ProviderKeysSection';
import { UninstallSection } from '../features/uninstall/UninstallSection';
import { OllamaSettingsSection } from './OllamaSettingsSection';
import { RecommendedModelsEditor } from './RecommendedModelsEditor';
import { useApi, useClawbar } from '../context';
import { ErrorMessage } from '../components/ErrorMessage';

type FieldErrors = Partial<Record<string, string>>;

/** Numeric fields are edited as text, so a half-typed value is not coerced before it is checked. */
interface ResourceDraft {
  cpus: string;
  memoryGiB: string;
  diskGiB: string;
  sampleIntervalMs: string;
}

function draftFrom(settings: Settings): ResourceDraft {
  return {
    cpus: String(settings.vm.cpus),
    memoryGiB: String(settings.vm.memoryGiB),
    diskGiB: String(settings.vm.diskGiB),
    sampleIntervalMs: String(settings.metrics.sampleIntervalMs),
  };
}

function patchFrom(draft: ResourceDraft): unknown {
  const number = (text: string): number | string =>
    text.trim() === '' || Number.isNaN(Number(text)) ? text : Number(text);
  return {
    vm: { cpus: number(draft.cpus), memoryGiB: number(draft.memoryGiB), diskGiB: number(draft.diskGiB) },
    metrics: { sampleIntervalMs: number(draft.sampleIntervalMs) },
  };
}

function errorsFrom(issues: IpcError['issues']): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues ?? []) errors[issue.path.split('.').pop() ?? issue.path] ??= issue.message;
  return errors;
}

export function SettingsPage() {
  const { t } = useTranslation();
  const view = useClawbar(state => state.settings);
  const info = useClawbar(state => state.info);

  return (
    <>
      <PageHeader
        title={t('settings.title')}
        subtitle={info ? t('settings.subtitle', { path: info.paths.settings }) : undefined}
      />
      {!view ? (
        <Loading />
      ) : (
        <>
          <GeneralSection settings={view.settings} />
          <ResourcesSection settings={view.settings} />
          <PowerPermissionSection />
          <OllamaSettingsSection settings={view.settings} />
          <RecommendedModelsEditor settings={view.settings} />
          <ProviderKeysSection />
          <AdvancedSection settings={view.settings} />
          <DiagnosticsSection />
          <UninstallSection />
          {info && <AboutSection info={info} />}
        </>
      )}
    </>
  );
}

/** Choices that apply at once, like System Settings: no Save button to forget. */
function GeneralSection({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const api = useApi();
  const setSettings = useClawbar(state => state.setSettings);
  const [error, setError] = useState<string | null>(null);

  const apply = async (patch: SettingsPatch): Promise<void> => {
    const result = await api.settings.update(patch);
    if (result.ok) {
      setSettings(result.value);
      setError(null);
    } else {
      setError(`${t(`errors.${result.error.code}`)} ${result.error.message}`);
    }
  };

  return (
    <section className="card settings-section" aria-labelledby="general-title">
      <h2 id="general-title">{t('settings.general')}</h2>
      <SelectRow
        label={t('settings.language')}
        value={settings.language}
        options={languageSchema.options.map(value => ({ value, label: t(`settings.languages.${value}`) }))}
        onChange={value => void apply({ language: value as Settings['language'] })}
        name="language"
      />
      <SelectRow
        label={t('settings.appearance')}
        value={settings.appearance}
        options={appearanceSchema.options.map(value => ({
          value,
          label: t(`settings.appearances.${value}`),
        }))}
        onChange={value => void apply({ appearance: value as Settings['appearance'] })}
        name="appearance"
      />
      <CheckboxRow
        label={t('settings.launchAtLogin')}
        checked={settings.launchAtLogin}
        onChange={checked => void apply({ launchAtLogin: checked })}
        name="launchAtLogin"
      />
      <CheckboxRow
        label={t('settings.stopEverythingOnQuit')}
        checked={settings.stopEverythingOnQuit}
        onChange={checked => void apply({ stopEverythingOnQuit: checked })}
        name="stopEverythingOnQuit"
      />
      <ErrorMessage message={error} />
    </section>
  );
}

/** Numbers that belong together: edited as a draft, checked, then saved in one go. */
function ResourcesSection({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const api = useApi();
  const setSettings = useClawbar(state => state.setSettings);
  // Only the fields the user touched are held here; the rest always show the stored values,
  // so a change made elsewhere (another window, the CLI) appears without clobbering an edit.
  const [edits, setEdits] = useState<Partial<ResourceDraft>>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState<'idle' | 'saving' | 'saved' | 'invalid' | 'failed'>('idle');
  const [failure, setFailure] = useState<string | null>(null);
  const resize = useClawbar(state => state.appState?.vm.resize);
  const operationRunning = useClawbar(state => state.vmOperation?.status === 'running');
  const [restartError, setRestartError] = useState<string | null>(null);
  const saved = draftFrom(settings);
  const draft: ResourceDraft = { ...saved, ...edits };
  const dirty = (Object.keys(edits) as (keyof ResourceDraft)[]).some(key => edits[key] !== saved[key]);

  const edit = (key: keyof ResourceDraft) => (event: ChangeEvent<HTMLInputElement>) => {
    const value = event.target.value;
    setEdits(current => ({ ...current, [key]: value }));
    setStatus('idle');
  };

  const save = async (): Promise<void> => {
    const patch = patchFrom(draft);
    const checked = settingsPatchSchema.safeParse(patch);
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

  const revert = (): void => {
    setEdits({});
    setErrors({});
    setStatus('idle');
  };

  const restart = async (): Promise<void> => {
    const result = await api.vm.restart();
    setRestartError(result.ok ? null : `${t(`errors.${result.error.code}`)} ${result.error.message}`);
  };

  return (
    <form
      className="card settings-section"
      aria-labelledby="resources-title"
      onSubmit={event => {
        event.preventDefault();
        void save();
      }}
      noValidate
    >
      <h2 id="resources-title">{t('settings.vm')}</h2>
      <p className="muted">{t('settings.vmHint')}</p>
      {resize?.restartRequired ? (
        <div className="settings-notice" role="status">
          <span>{t('vm.restartRequired')}</span>
          <button type="button" className="button" disabled={operationRunning} onClick={() => void restart()}>
            {t('vm.restartNow')}
          </button>
        </div>
      ) : (
        resize &&
        Object.keys(resize.pending).length > 0 && (
          <p className="settings-notice" role="status">
            {t('vm.nextStart')}
          </p>
        )
      )}
      <ErrorMessage message={restartError} />
      <NumberRow
        label={t('settings.cpus')}
        name="cpus"
        value={draft.cpus}
        error={errors.cpus}
        onChange={edit('cpus')}
      />
      <NumberRow
        label={t('settings.memoryGiB')}
        name="memoryGiB"
        value={draft.memoryGiB}
        error={errors.memoryGiB}
        onChange={edit('memoryGiB')}
        step={0.5}
      />
      <NumberRow
        label={t('settings.diskGiB')}
        name="diskGiB"
        value={draft.diskGiB}
        error={errors.diskGiB}
        onChange={edit('diskGiB')}
        hint={
          resize?.minDiskGiB === undefined ? undefined : t('vm.diskCanOnlyGrow', { size: resize.minDiskGiB })
        }
      />
      <h2>{t('settings.metrics')}</h2>
      <NumberRow
        label={t('settings.sampleIntervalMs')}
        name="sampleIntervalMs"
        value={draft.sampleIntervalMs}
        error={errors.sampleIntervalMs}
        onChange={edit('sampleIntervalMs')}
        step={250}
      />
      <div className="form-actions">
        <span className="form-status" role="status">
          {status === 'saving' && t('settings.saving')}
          {status === 'saved' && !dirty && t('settings.saved')}
          {status === 'invalid' && t('settings.invalid')}
          {status === 'failed' && failure}
          {status === 'idle' && dirty && t('settings.unsaved')}
        </span>
        <button type="button" className="button" onClick={revert} disabled={!dirty || status === 'saving'}>
          {t('settings.revert')}
        </button>
        <button type="submit" className="button button-primary" disabled={!dirty || status === 'saving'}>
          {t('settings.save')}
        </button>
      </div>
    </form>
  );
}

/** Rarely changed: which limactl runs the VM, and whether kubectl sees the cluster. */
function AdvancedSection({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const api = useApi();
  const setSettings = useClawbar(state => state.setSettings);
  const [path, setPath] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const shown = path ?? settings.vm.limactlPath ?? '';
  const pathId = useId();
  const hintId = `${pathId}-hint`;

  const apply = async (patch: SettingsPatch): Promise<boolean> => {
    const result = await api.settings.update(patch);
    if (result.ok) {
      setSettings(result.value);
      setError(null);
      return true;
    }
    setError(
      `${t(`errors.${result.error.code}`)} ${result.error.issues?.map(issue => issue.message).join(' ') ?? result.error.message}`,
    );
    return false;
  };
  const applyPath = async (): Promise<void> => {
    const trimmed = shown.trim();
    if (await apply({ vm: { limactlPath: trimmed === '' ? null : trimmed } })) setPath(null);
  };

  return (
    <section className="card settings-section" aria-labelledby="advanced-title">
      <h2 id="advanced-title">{t('settings.advanced')}</h2>
      <div className="field-row">
        <label htmlFor={pathId}>{t('settings.limactlPath')}</label>
        <div className="field">
          <input
            id={pathId}
            name="limactlPath"
            type="text"
            value={shown}
            placeholder="/opt/homebrew/bin/limactl"
            aria-describedby={hintId}
            onChange={event => setPath(event.target.value)}
          />
          <button type="button" className="button" disabled={path === null} onClick={() => void applyPath()}>
            {t('settings.apply')}
          </button>
          <span id={hintId} className="muted field-hint">
            {t('settings.limactlPathHint')}
          </span>
        </div>
      </div>
      <CheckboxRow
        label={t('settings.mergeKubeconfig')}
        checked={settings.kubeconfig.mergeIntoUserConfig}
        onChange={checked => void apply({ kubeconfig: { mergeIntoUserConfig: checked } })}
        name="mergeIntoUserConfig"
      />
      <ErrorMessage message={error} />
    </section>
  );
}
