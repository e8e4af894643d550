import * as kubernetes from '@kubernetes/client-node';

/**
 * Fields the Kubernetes API does not know, found with @kubernetes/client-node's generated type
 * maps (the same models it serializes with): the API server's strict field validation refuses
 * them, and kubernetes-models' schemas let them through. Paths look like
 * `spec.template.spec.containers[0].readinesProbe`.
 */
const primitives = new Set(['string', 'number', 'boolean', 'Date', 'any', 'object', 'IntOrString']);

interface Attribute {
  name: string;
  baseName: string;
  type: string;
}

type ModelClass = { getAttributeTypeMap(): Attribute[] };

export function unknownFields(value: unknown, typeName: string, path = ''): string[] {
  if (value === null || value === undefined) return [];
  const array = /^Array<(.+)>$/.exec(typeName);
  if (array) {
    return Array.isArray(value)
      ? value.flatMap((item, index) => unknownFields(item, array[1] ?? '', `${path}[${index}]`))
      : [`${path} (not a list)`];
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(typeName);
  if (map) {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) =>
      unknownFields(item, map[1] ?? '', `${path}.${key}`),
    );
  }
  if (primitives.has(typeName)) return [];
  const model = (kubernetes as unknown as Record<string, ModelClass | undefined>)[typeName];
  if (!model) throw new Error(`No client-node model ${typeName} at ${path}`);
  const attributes = new Map(model.getAttributeTypeMap().map(attribute => [attribute.baseName, attribute]));
  return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) => {
    const attribute = attributes.get(key);
    const at = path ? `${path}.${key}` : key;
    return attribute ? unknownFields(item, attribute.type, at) : [at];
  });
}

/** The client-node model of a kind (`Deployment` → `V1Deployment`). */
export function modelTypeOf(object: { apiVersion: string; kind: string }): string {
  const version = object.apiVersion.split('/').pop() ?? '';
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${object.kind}`;
}
