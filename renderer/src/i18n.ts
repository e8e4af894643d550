import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { z } from 'zod';

import { messages, resolveLanguage, type Language } from '../../common/i18n';
import type { Settings } from '../../common/settings';

/** One i18next instance for the renderer, fed from common/i18n (the same strings main and the CLI use). */
export function createI18n(language: Language): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng: language,
    fallbackLng: 'en',
    resources: { en: { translation: messages.en }, fr: { translation: messages.fr } },
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  applyZodLocale(language);
  return instance;
}

export function uiLanguage(
  choice: Settings['language'],
  systemLocales: readonly string[] = navigator.languages,
): Language {
  return resolveLanguage(choice, systemLocales);
}

/** Validation messages from the shared schemas follow the UI language too. */
export function applyZodLocale(language: Language): void {
  z.config(language === 'fr' ? z.locales.fr() : z.locales.en());
}
