import { isMap, isScalar, isSeq, Scalar, type Document, type Node, type Pair } from 'yaml';

/**
 * Makes a parsed YAML document hold `value`, changing only the nodes whose values differ: the
 * comments and styles of everything else stay, so a rendered manifest reads like its source file.
 */
export function syncDocument(document: Document, value: unknown): void {
  document.contents = syncNode(document, document.contents, value);
}

function syncNode(document: Document, node: unknown, value: unknown): Node {
  if (isPlainObject(value) && isMap(node)) {
    const wanted = new Set(Object.keys(value));
    node.items = node.items.filter(pair => wanted.has(keyOf(pair)));
    for (const [key, child] of Object.entries(value)) {
      const pair = node.items.find(candidate => keyOf(candidate) === key);
      if (pair) pair.value = syncNode(document, pair.value, child);
      else node.items.push(document.createPair(key, child));
    }
    return node;
  }
  if (Array.isArray(value) && isSeq(node)) {
    const items = node.items;
    node.items = value.map((child, index) => syncNode(document, items[index], child));
    return node;
  }
  if (isScalar(node) && isScalarValue(value) && typeof node.value === typeof value) {
    if (node.value !== value) {
      node.value = value;
      if (typeof value === 'string') node.type = styleFor(value, node.type);
    }
    return node;
  }
  const created = document.createNode(value);
  if (isScalar(created) && typeof value === 'string' && value.includes('\n')) {
    created.type = Scalar.BLOCK_LITERAL;
  }
  return created;
}

/** Multi-line text (configs, scripts) reads best as a literal block; a block never holds one line. */
function styleFor(value: string, current: Scalar['type']): Scalar['type'] {
  if (value.includes('\n')) return Scalar.BLOCK_LITERAL;
  return current === Scalar.BLOCK_LITERAL || current === Scalar.BLOCK_FOLDED ? undefined : current;
}

function keyOf(pair: Pair): string {
  return String(isScalar(pair.key) ? pair.key.value : pair.key);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalarValue(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}
