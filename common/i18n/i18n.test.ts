import { describe, expect, it } from 'vitest';

import { errorCodes } from '../errors';
import { componentIds, componentStates, overallHealthValues, reasonCodes } from '../state';
import {
  limactlSources,
  preflightCheckIds,
  preflightCodes,
  preflightProblemCodes,
  preflightStatuses,
  vmOperationKinds,
  vmOperationStatuses,
  vmStages,
} from '../vm-model';
import { en, fr, messageKeys, messages, placeholders, resolveLanguage, translate } from './index';

describe('translations', () => {
  it('French has exactly the English keys, no more, no less', () => {
    expect(messageKeys(fr).sort()).toEqual(messageKeys(en).sort());
  });

  it('both languages use the same placeholders in every message', () => {
    for (const key of messageKeys(en)) {
      expect(placeholders(translate('fr', key)), key).toEqual(placeholders(translate('en', key)));
    }
  });

  it('no message is empty', () => {
    for (const language of ['en', 'fr'] as const) {
      for (const key of messageKeys(messages[language]))
        expect(translate(language, key).trim(), `${language}:${key}`).not.toBe('');
    }
  });

  it('every code the app can show has a sentence in both languages', () => {
    const required = [
      ...errorCodes.map(code => `errors.${code}`),
      ...reasonCodes.map(code => `reasons.${code}`),
      ...componentStates.map(state => `componentStates.${state}`),
      ...componentIds.map(id => `components.${id}`),
      ...overallHealthValues.map(health => `health.${health}`),
      ...vmStages.map(stage => `vm.stages.${stage}`),
      ...vmOperationKinds.map(kind => `vm.operations.${kind}`),
      ...vmOperationStatuses.filter(status => status !== 'running').map(status => `vm.outcomes.${status}`),
      ...limactlSources.map(source => `vm.limactlSources.${source}`),
      ...preflightCheckIds.map(id => `preflight.checks.${id}`),
      ...preflightStatuses.map(status => `preflight.statuses.${status}`),
      ...preflightCodes.map(code => `preflight.results.${code}`),
      ...preflightProblemCodes.map(code => `preflight.fixes.${code}`),
    ];
    const enKeys = new Set(messageKeys(en));
    const frKeys = new Set(messageKeys(fr));
    for (const key of required) {
      expect(enKeys.has(key), `en:${key}`).toBe(true);
      expect(frKeys.has(key), `fr:${key}`).toBe(true);
    }
  });
});

describe('resolveLanguage', () => {
  it('follows an explicit choice', () => {
    expect(resolveLanguage('fr', ['en-US'])).toBe('fr');
  });

  it('takes the first supported system locale', () => {
    expect(resolveLanguage('system', ['de-DE', 'fr-CA', 'en-US'])).toBe('fr');
    expect(resolveLanguage('system', ['fr_FR.UTF-8'])).toBe('fr');
  });

  it('falls back to English', () => {
    expect(resolveLanguage('system', ['ja-JP'])).toBe('en');
    expect(resolveLanguage('system', [])).toBe('en');
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'reasons.ollama-answering', { address: '127.0.0.1:11434' })).toBe(
      'Answering on 127.0.0.1:11434.',
    );
    expect(translate('en', 'reasons.ollama-answering')).toBe('Answering on {{address}}.');
  });

  it('answers with the key for a key that does not exist', () => {
    expect(translate('fr', 'nope.missing')).toBe('nope.missing');
  });
});
