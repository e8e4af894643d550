import type { InstallProviderKey, InstallStartInput } from '../../../../common/install';

/** What the user picked in the onboarding screens so far. */
export interface OnboardingChoices {
  /** Null until the model screen preselects the recommended one. */
  model: string | null;
  installOllama: boolean;
  /** Key values as typed; sent once with `install:start`, never stored in the renderer beyond it. */
  keys: Partial<Record<InstallProviderKey, string>>;
}

/** What a screen that edits the choices gets from the onboarding window. */
export interface ChoicesScreenProps {
  choices: OnboardingChoices;
  onChange: (choices: OnboardingChoices) => void;
  onBack: () => void;
  onNext: () => void;
}

export const initialChoices: OnboardingChoices = { model: null, installOllama: false, keys: {} };

export function startInput(choices: OnboardingChoices): InstallStartInput {
  const keys = Object.fromEntries(
    Object.entries(choices.keys)
      .map(([name, value]) => [name, value.trim()] as const)
      .filter(([, value]) => value !== ''),
  ) as Partial<Record<InstallProviderKey, string>>;
  return {
    choices: {
      ...(choices.model ? { model: choices.model } : {}),
      installOllama: choices.installOllama,
      ...(Object.keys(keys).length > 0 ? { providerKeys: keys } : {}),
    },
  };
}
