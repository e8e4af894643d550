import { badRequest } from './api-error';

/**
 * Label selectors (`a=b,c!=d,e in (x,y),f notin (z),g,!h` and the structured
 * matchLabels/matchExpressions form) and field selectors (`metadata.name=x`), with the errors
 * the apiserver gives for what it cannot parse or does not support.
 */
export type Labels = Record<string, string>;

interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

export type LabelMatcher = (labels: Labels | undefined) => boolean;

function matches(requirements: Requirement[], labels: Labels | undefined): boolean {
  const present = labels ?? {};
  return requirements.every(requirement => {
    const has = Object.prototype.hasOwnProperty.call(present, requirement.key);
    const value = present[requirement.key];
    switch (requirement.operator) {
      case 'In':
        return has && value !== undefined && requirement.values.includes(value);
      case 'NotIn':
        return !has || value === undefined || !requirement.values.includes(value);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
    }
  });
}

/** Splits on commas that are not inside parentheses. */
function terms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  out.push(current);
  return out.map(term => term.trim()).filter(term => term !== '');
}

const keyPattern =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string, whole: string): void {
  if (!keyPattern.test(key) || key.length > 316) {
    throw badRequest(`unable to parse requirement: invalid label key "${key}": in selector "${whole}"`);
  }
}

function checkValue(value: string, whole: string): void {
  if (!valuePattern.test(value) || value.length > 63) {
    throw badRequest(`unable to parse requirement: invalid label value: "${value}": in selector "${whole}"`);
  }
}

export function parseLabelSelector(text: string | null | undefined): LabelMatcher {
  if (!text) return () => true;
  const requirements: Requirement[] = [];
  for (const term of terms(text)) {
    const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (set) {
      const [, key = '', operator, list = ''] = set;
      checkKey(key, text);
      const values = list
        .split(',')
        .map(value => value.trim())
        .filter(value => value !== '');
      for (const value of values) checkValue(value, text);
      requirements.push({ key, operator: operator === 'in' ? 'In' : 'NotIn', values });
      continue;
    }
    const comparison = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (comparison) {
      const [, key = '', operator, value = ''] = comparison;
      checkKey(key, text);
      checkValue(value, text);
      requirements.push({ key, operator: operator === '!=' ? 'NotIn' : 'In', values: [value] });
      continue;
    }
    const absent = /^!\s*(\S+)$/.exec(term);
    if (absent) {
      checkKey(absent[1] ?? '', text);
      requirements.push({ key: absent[1] ?? '', operator: 'DoesNotExist', values: [] });
      continue;
    }
    if (/^\S+$/.test(term)) {
      checkKey(term, text);
      requirements.push({ key: term, operator: 'Exists', values: [] });
      continue;
    }
    throw badRequest(`unable to parse requirement: found '${term}', expected: identifier`);
  }
  return labels => matches(requirements, labels);
}

export interface LabelSelectorObject {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A structured selector; an empty one matches everything, as for NetworkPolicy podSelector. */
export function labelSelectorMatcher(selector: LabelSelectorObject | undefined): LabelMatcher {
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    requirements.push({ key, operator: 'In', values: [value] });
  }
  for (const expression of selector?.matchExpressions ?? []) {
    const operator = expression.operator as Requirement['operator'];
    requirements.push({ key: expression.key, operator, values: expression.values ?? [] });
  }
  return labels => matches(requirements, labels);
}

/** `metav1.FormatLabelSelector`: how Scale's status.selector and messages print a selector. */
export function formatLabelSelector(selector: LabelSelectorObject | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`);
  for (const expression of selector?.matchExpressions ?? []) {
    const values = [...(expression.values ?? [])].sort().join(',');
    if (expression.operator === 'In') parts.push(`${expression.key} in (${values})`);
    if (expression.operator === 'NotIn') parts.push(`${expression.key} notin (${values})`);
    if (expression.operator === 'Exists') parts.push(expression.key);
    if (expression.operator === 'DoesNotExist') parts.push(`!${expression.key}`);
  }
  return parts.join(',');
}

export type FieldGetter = (object: Record<string, unknown>) => string | undefined;
export type FieldMatcher = (object: Record<string, unknown>) => boolean;

function path(object: unknown, dotted: string): string | undefined {
  let current: unknown = object;
  for (const segment of dotted.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  if (current === undefined || current === null) return '';
  return typeof current === 'string' ? current : JSON.stringify(current);
}

/** The field labels each kind supports (`GetAttrs` in each registry's strategy). */
const supportedFields: Record<string, string[]> = {
  Pod: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  Event: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  Secret: ['type'],
  Namespace: ['status.phase'],
  Node: ['spec.unschedulable'],
  ReplicaSet: ['status.replicas'],
  PersistentVolumeClaim: [],
};

export function parseFieldSelector(text: string | null | undefined, kind: string): FieldMatcher {
  if (!text) return () => true;
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(supportedFields[kind] ?? [])]);
  const checks: FieldMatcher[] = [];
  for (const term of terms(text)) {
    const match = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!match) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const [, field = '', operator, value = ''] = match;
    if (!allowed.has(field)) throw badRequest(`field label not supported: ${field}`);
    const getter = (object: Record<string, unknown>) =>
      field === 'source' ? path(object, 'source.component') : path(object, field);
    checks.push(object => (getter(object) === value) !== (operator === '!='));
  }
  return object => checks.every(check => check(object));
}
