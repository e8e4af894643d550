import { useId, type Ref } from 'react';
import { useTranslation } from 'react-i18next';

import { formatNumber } from '../../format';
import type { SearchState } from './log-session';

export interface SearchBarProps {
  ref?: Ref<HTMLInputElement>;
  search: SearchState;
  onChange: (query: string, options: { regex: boolean; caseSensitive: boolean }) => void;
  onNext: () => void;
  onPrevious: () => void;
}

/** Search with highlighting: Enter for the next match, Shift+Enter the previous, Escape clears. */
export function SearchBar({ ref, search, onChange, onNext, onPrevious }: SearchBarProps) {
  const { t, i18n } = useTranslation();
  const inputId = useId();
  const errorId = useId();
  const countId = useId();
  const number = (value: number): string => formatNumber(value, i18n.language);
  const options = { regex: search.regex, caseSensitive: search.caseSensitive };
  const active = search.pattern !== null;

  let count = '';
  if (active) {
    if (search.current)
      count = t('logsView.search.position', {
        current: number(search.current.index + 1),
        total: number(search.count),
      });
    else if (search.scanning) count = t('logsView.search.scanning', { total: number(search.count) });
    else if (search.count === 0) count = t('logsView.search.none');
    else count = t('logsView.search.matches', { total: number(search.count) });
  }

  return (
    <form
      className="logs-search"
      role="search"
      aria-label={t('logsView.search.label')}
      onSubmit={event => {
        event.preventDefault();
        onNext();
      }}
    >
      <label className="visually-hidden" htmlFor={inputId}>
        {t('logsView.search.label')}
      </label>
      <input
        ref={ref}
        id={inputId}
        type="search"
        className="logs-search-input"
        placeholder={t('logsView.search.placeholder')}
        value={search.query}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={search.error !== null}
        aria-describedby={`${countId}${search.error ? ` ${errorId}` : ''}`}
        onChange={event => onChange(event.target.value, options)}
        onKeyDown={event => {
          if (event.key === 'Enter' && event.shiftKey) {
            event.preventDefault();
            onPrevious();
          } else if (event.key === 'Escape' && search.query !== '') {
            event.preventDefault();
            onChange('', options);
          }
        }}
      />
      <button
        type="button"
        className="button logs-toggle logs-icon-button"
        aria-pressed={search.regex}
        aria-label={t('logsView.search.regex')}
        title={t('logsView.search.regex')}
        onClick={() => onChange(search.query, { ...options, regex: !search.regex })}
      >
        <span aria-hidden="true">.*</span>
      </button>
      <button
        type="button"
        className="button logs-toggle logs-icon-button"
        aria-pressed={search.caseSensitive}
        aria-label={t('logsView.search.caseSensitive')}
        title={t('logsView.search.caseSensitive')}
        onClick={() => onChange(search.query, { ...options, caseSensitive: !search.caseSensitive })}
      >
        <span aria-hidden="true">Aa</span>
      </button>
      <button
        type="button"
        className="button logs-icon-button"
        aria-label={t('logsView.search.previous')}
        title={t('logsView.search.previousHint')}
        disabled={!active || search.count === 0}
        onClick={onPrevious}
      >
        <span aria-hidden="true">↑</span>
      </button>
      <button
        type="submit"
        className="button logs-icon-button"
        aria-label={t('logsView.search.next')}
        title={t('logsView.search.nextHint')}
        disabled={!active || search.count === 0}
      >
        <span aria-hidden="true">↓</span>
      </button>
      <span id={countId} className="logs-search-count" aria-live="polite">
        {count}
      </span>
      {search.error && (
        <span id={errorId} className="field-error logs-search-error" role="alert">
          {t('logsView.search.invalid', { message: search.error })}
        </span>
      )}
    </form>
  );
}
