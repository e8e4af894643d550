import { useTranslation } from 'react-i18next';

import { installProviderKeys, type InstallProviderKey } from '../../../../common/install';
import { checkSecretValue, providerKeyInfo } from '../../../../common/secrets';
import type { ChoicesScreenProps } from './choices';
import { ScreenActions, ScreenTitle } from './ScreenParts';

/**
 * Optional cloud keys: local only is the default, so every field may stay empty. Each value is
 * checked as it is typed; it leaves the renderer once, with the install, for the Keychain.
 */
export function KeysScreen({ choices, onChange, onBack, onNext }: ChoicesScreenProps) {
  const { t } = useTranslation();
  const checks = installProviderKeys.map(name => {
    const raw = choices.keys[name] ?? '';
    return { name, raw, check: raw.trim() === '' ? null : checkSecretValue(name, raw) };
  });
  const blocked = checks.some(item => item.check && !item.check.ok);
  const entered = checks.some(item => item.check !== null);
  const set = (name: InstallProviderKey, value: string): void =>
    onChange({ ...choices, keys: { ...choices.keys, [name]: value } });
  return (
    <>
      <ScreenTitle>{t('onboarding.keys.title')}</ScreenTitle>
      <p className="onboarding-lead">{t('onboarding.keys.lead')}</p>
      <p className="notice">{t('onboarding.keys.localOnly')}</p>
      <fieldset className="key-fields">
        <legend>{t('onboarding.keys.legend')}</legend>
        {checks.map(({ name, raw, check }) => {
          const info = providerKeyInfo(name);
          const id = `key-${name}`;
          const problems = check?.problems ?? [];
          const hint = info.example ? t('onboarding.keys.example', { example: info.example }) : '';
          const describedBy = [problems.length > 0 ? `${id}-problems` : '', hint ? `${id}-hint` : '']
            .filter(Boolean)
            .join(' ');
          return (
            <div key={name} className="field-row" data-key={name}>
              <label htmlFor={id}>
                {t('secrets.valueLabel', { provider: info.provider, kind: t(`secrets.kinds.${info.kind}`) })}
              </label>
              <div className="field">
                <input
                  id={id}
                  type="password"
                  autoComplete="off"
                  spellCheck={false}
                  value={raw}
                  onChange={event => set(name, event.target.value)}
                  aria-invalid={check && !check.ok ? true : undefined}
                  aria-describedby={describedBy || undefined}
                />
                {hint && (
                  <span id={`${id}-hint`} className="muted field-hint">
                    {hint}
                  </span>
                )}
                {problems.length > 0 && (
                  <span id={`${id}-problems`} className={check?.ok ? 'field-hint muted' : 'field-error'}>
                    {problems.map(problem => t(`secrets.problems.${problem.code}`, problem.params)).join(' ')}
                  </span>
                )}
              </div>
            </div>
          );
        })}
      </fieldset>
      <ScreenActions onBack={onBack}>
        <button type="button" className="button button-primary" onClick={onNext} disabled={blocked}>
          {entered ? t('onboarding.next') : t('onboarding.keys.skip')}
        </button>
      </ScreenActions>
    </>
  );
}
