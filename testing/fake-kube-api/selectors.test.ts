import { describe, expect, it } from 'vitest';

import { ApiError } from './api-error';
import {
  formatLabelSelector,
  labelSelectorMatcher,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';

describe('label selectors', () => {
  const labels = { app: 'gateway', tier: 'web', 'app.kubernetes.io/managed-by': 'clawbar' };

  it('parses equality, set and existence requirements', () => {
    expect(parseLabelSelector('app=gateway')(labels)).toBe(true);
    expect(parseLabelSelector('app==gateway,tier!=db')(labels)).toBe(true);
    expect(parseLabelSelector('tier in (web, api),app notin (proxy)')(labels)).toBe(true);
    expect(parseLabelSelector('app.kubernetes.io/managed-by=clawbar')(labels)).toBe(true);
    expect(parseLabelSelector('app,!missing')(labels)).toBe(true);
    expect(parseLabelSelector('missing')(labels)).toBe(false);
    expect(parseLabelSelector('tier notin (web)')(labels)).toBe(false);
    expect(parseLabelSelector('')(undefined)).toBe(true);
  });

  it('refuses what it cannot parse with a 400', () => {
    const error = (() => {
      try {
        parseLabelSelector('app=bad value!');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(400);
  });

  it('matches and prints structured selectors', () => {
    const selector = {
      matchLabels: { app: 'gateway' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }],
    };
    expect(labelSelectorMatcher(selector)(labels)).toBe(true);
    expect(labelSelectorMatcher({})(labels)).toBe(true);
    expect(formatLabelSelector(selector)).toBe('app=gateway,tier in (web)');
  });
});

describe('field selectors', () => {
  const pod = { metadata: { name: 'p', namespace: 'openclaw' }, status: { phase: 'Running' } };

  it('supports metadata.name, metadata.namespace and the kind’s own fields', () => {
    expect(parseFieldSelector('metadata.name=p', 'Pod')(pod)).toBe(true);
    expect(parseFieldSelector('metadata.namespace!=openclaw', 'Pod')(pod)).toBe(false);
    expect(parseFieldSelector('status.phase=Running', 'Pod')(pod)).toBe(true);
  });

  it('refuses unsupported fields as the apiserver does', () => {
    expect(() => parseFieldSelector('status.phase=Running', 'ConfigMap')).toThrow(
      'field label not supported: status.phase',
    );
  });
});
