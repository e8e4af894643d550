import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { Settings } from '../../common/settings';
import { useClawbar } from './context';
import { applyZodLocale, uiLanguage } from './i18n';

/** Follows a media query, e.g. the system's dark mode. */
export function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const media = window.matchMedia(query);
    const onChange = (): void => setMatches(media.matches);
    media.addEventListener('change', onChange);
    onChange();
    return () => media.removeEventListener('change', onChange);
  }, [query]);
  return matches;
}

export function resolveTheme(appearance: Settings['appearance'], systemDark: boolean): 'light' | 'dark' {
  if (appearance === 'system') return systemDark ? 'dark' : 'light';
  return appearance;
}

/** Applies the language and appearance settings to the document as soon as they change. */
export function usePreferences(): void {
  const { i18n } = useTranslation();
  const settings = useClawbar(state => state.settings?.settings);
  const systemDark = useMediaQuery('(prefers-color-scheme: dark)');
  const language = uiLanguage(settings?.language ?? 'system');
  const theme = resolveTheme(settings?.appearance ?? 'system', systemDark);

  useEffect(() => {
    if (i18n.language !== language) void i18n.changeLanguage(language);
    applyZodLocale(language);
    document.documentElement.lang = language;
  }, [i18n, language]);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
}
