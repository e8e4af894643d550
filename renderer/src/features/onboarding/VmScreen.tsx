import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { InstallVmDefaults } from '../../../../common/install';
import { settingsDefaults } from '../../../../common/settings';
import { NumberRow } from '../../components/FormRows';
import { useApi } from '../../context';
import type { OnboardingChoices } from './choices';
import { ScreenActions, ScreenTitle } from './ScreenParts';
import { ErrorMessage } from '../../components/ErrorMessage';

type Field = 'cpus' | 'memoryGiB' | 'diskGiB';
type Size = Record<Field, string>;

const fields: { field: Field; label: string; step: number }[] = [
  { field: 'cpus', label: 'onboarding.vm.cpus', step: 1 },
  { field: 'memoryGiB', label: 'onboarding.vm.memory', step: 0.5 },
  { field: 'diskGiB', label: 'onboarding.vm.disk', step: 1 },
];

function asText(size: InstallVmDefaults['suggested']): Size {
  return { cpus: String(size.cpus), memoryGiB: String(size.memoryGiB), diskGiB: String(size.diskGiB) };
}

/**
 * The VM's size, proposed from this Mac's hardware (the settings' values when the user changed
 * them before). Saved through the settings, which check it against the Mac.
 */
export function VmScreen({
  choices,
  onBack,
  onNext,
}: {
  choices: OnboardingChoices;
  onBack: () => void;
  onNext: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const [defaults, setDefaults] = useState<InstallVmDefaults | null>(null);
  const [size, setSize] = useState<Size | null>(null);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [warning, setWarning] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let alive = true;
    void api.install.vmDefaults().then(result => {
      if (!alive) return;
      if (!result.ok) {
        setError(`${t(`errors.${result.error.code}`)} ${result.error.message}`);
        return;
      }
      setDefaults(result.value);
      const { current } = result.value;
      const untouched =
        current.cpus === settingsDefaults.vm.cpus &&
        current.memoryGiB === settingsDefaults.vm.memoryGiB &&
        current.diskGiB === settingsDefaults.vm.diskGiB;
      setSize(asText(untouched ? result.value.suggested : current));
    });
    return () => {
      alive = false;
    };
  }, [api, t]);

  const save = async (): Promise<void> => {
    if (!size) return;
    const parsed = Object.fromEntries(fields.map(({ field }) => [field, Number(size[field])])) as Record<
      Field,
      number
    >;
    const invalid = fields.filter(
      ({ field }) => size[field].trim() === '' || !Number.isFinite(parsed[field]),
    );
    if (invalid.length > 0) {
      setErrors(Object.fromEntries(invalid.map(({ field }) => [field, t('onboarding.vm.notANumber')])));
      return;
    }
    setSaving(true);
    setErrors({});
    setError(null);
    const result = await api.settings.update({ vm: parsed });
    if (!result.ok) {
      setSaving(false);
      const byField: Partial<Record<Field, string>> = {};
      for (const issue of result.error.issues ?? []) {
        const field = issue.path.replace(/^vm\./, '') as Field;
        if (fields.some(entry => entry.field === field)) byField[field] = issue.message;
      }
      setErrors(byField);
      if (Object.keys(byField).length === 0)
        setError(`${t(`errors.${result.error.code}`)} ${result.error.message}`);
      return;
    }
    // The model's fit depends on what the VM keeps: say so once if the choice no longer fits.
    const fit = await api.models.fit();
    setSaving(false);
    const chosen = fit.ok ? fit.value.recommended.find(entry => entry.name === choices.model) : undefined;
    if (chosen && chosen.fit.verdict !== 'gpu' && warning === null) {
      setWarning(t('onboarding.vm.modelTight', { model: chosen.name }));
      return;
    }
    onNext();
  };

  return (
    <>
      <ScreenTitle>{t('onboarding.vm.title')}</ScreenTitle>
      <p className="onboarding-lead">{t('onboarding.vm.lead')}</p>
      <ErrorMessage message={error} />
      {defaults && size && (
        <>
          <p className="muted">
            {t('onboarding.vm.host', { cpus: defaults.host.cpus, memory: defaults.host.memoryGiB })}{' '}
            {t('onboarding.vm.suggested', {
              cpus: defaults.suggested.cpus,
              memory: defaults.suggested.memoryGiB,
              disk: defaults.suggested.diskGiB,
            })}
          </p>
          <form
            className="settings-section vm-size-form"
            aria-label={t('onboarding.vm.legend')}
            onSubmit={event => {
              event.preventDefault();
              void save();
            }}
          >
            {fields.map(({ field, label, step }) => (
              <NumberRow
                key={field}
                label={t(label)}
                name={field}
                step={step}
                value={size[field]}
                error={errors[field]}
                hint={
                  field === 'cpus'
                    ? t('onboarding.vm.cpusHint', { max: defaults.limits.maxCpus })
                    : field === 'memoryGiB'
                      ? t('onboarding.vm.memoryHint', { max: defaults.limits.maxMemoryGiB })
                      : t('onboarding.vm.diskHint')
                }
                onChange={event => {
                  setWarning(null);
                  setSize({ ...size, [field]: event.target.value });
                }}
              />
            ))}
            <button
              type="button"
              className="button"
              onClick={() => {
                setWarning(null);
                setErrors({});
                setSize(asText(defaults.suggested));
              }}
            >
              {t('onboarding.vm.useSuggested')}
            </button>
          </form>
        </>
      )}
      {warning && (
        <p className="notice" role="alert">
          {warning}
        </p>
      )}
      <ScreenActions onBack={onBack}>
        <button
          type="button"
          className="button button-primary"
          onClick={() => void save()}
          disabled={!size || saving}
        >
          {t('onboarding.next')}
        </button>
      </ScreenActions>
    </>
  );
}
