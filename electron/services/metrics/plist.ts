/**
 * A small, tolerant XML property-list parser for what macOS tools print (powermetrics `-f plist`,
 * `ioreg -a`, `system_profiler -xml`). Tolerant where those tools are sloppy: a dict that repeats
 * a key keeps the last value (powermetrics repeats `idle_ns`/`idle_ratio` in its `gpu` dict, which
 * strict parsers reject), and unknown elements are refused with a clear error rather than guessed.
 */
export type PlistValue = string | number | boolean | PlistValue[] | PlistDict;
export interface PlistDict {
  [key: string]: PlistValue;
}

export class PlistError extends Error {
  override readonly name = 'PlistError';
}

type Frame =
  | { kind: 'dict'; value: PlistDict; key: string | undefined }
  | { kind: 'array'; value: PlistValue[] }
  | { kind: 'plist'; value: PlistValue | undefined };

const scalarTags = new Set(['string', 'integer', 'real', 'date', 'data', 'key']);

export function parsePlist(xml: string): PlistValue {
  const stack: Frame[] = [];
  let root: PlistValue | undefined;
  let scalar: { tag: string; start: number } | undefined;

  const place = (value: PlistValue): void => {
    const top = stack.at(-1);
    if (!top) throw new PlistError('value outside <plist>');
    if (top.kind === 'array') top.value.push(value);
    else if (top.kind === 'dict') {
      if (top.key === undefined) throw new PlistError('dict value without a <key>');
      // Own property even for "__proto__": the dict is a null-prototype object.
      top.value[top.key] = value;
      top.key = undefined;
    } else {
      if (top.value !== undefined) throw new PlistError('<plist> holds more than one value');
      top.value = value;
    }
  };

  // A hand-rolled scanner rather than one big regular expression: powermetrics writes ~10,000
  // tags a second, and this is most of what the sampler costs.
  let position = 0;
  for (;;) {
    const open = xml.indexOf('<', position);
    if (open < 0) break;
    const next = xml.charCodeAt(open + 1);
    if (next === 33 /* ! */ && xml.startsWith('<!--', open)) {
      const end = xml.indexOf('-->', open + 4);
      if (end < 0) throw new PlistError('unterminated comment');
      position = end + 3;
      continue;
    }
    const close = xml.indexOf('>', open + 1);
    if (close < 0) throw new PlistError('unterminated tag');
    position = close + 1;
    if (next === 63 /* ? */ || next === 33 /* ! (doctype) */) continue;
    const closing = next === 47; /* / */
    const selfClosing = !closing && xml.charCodeAt(close - 1) === 47;
    const tag = tagName(xml, closing ? open + 2 : open + 1, selfClosing ? close - 1 : close);
    if (scalar) {
      if (closing && tag === scalar.tag) {
        const text = xml.slice(scalar.start, open);
        finishScalar(scalar.tag, text, stack, place);
        scalar = undefined;
        continue;
      }
      throw new PlistError(`<${tag}> inside <${scalar.tag}>`);
    }
    if (closing) {
      const frame = stack.pop();
      if (frame?.kind !== tag) throw new PlistError(`unexpected </${tag}>`);
      if (frame.kind === 'plist') {
        if (frame.value === undefined) throw new PlistError('empty <plist>');
        root = frame.value;
      } else {
        if (frame.kind === 'dict' && frame.key !== undefined)
          throw new PlistError(`key "${frame.key}" has no value`);
        place(frame.value);
      }
      continue;
    }
    if (selfClosing) {
      switch (tag) {
        case 'true':
          place(true);
          break;
        case 'false':
          place(false);
          break;
        case 'dict':
          place(Object.create(null) as PlistDict);
          break;
        case 'array':
          place([]);
          break;
        default:
          if (!scalarTags.has(tag)) throw new PlistError(`unknown element <${tag}/>`);
          finishScalar(tag, '', stack, place);
      }
      continue;
    }
    switch (tag) {
      case 'plist':
        if (stack.length > 0 || root !== undefined) throw new PlistError('nested <plist>');
        stack.push({ kind: 'plist', value: undefined });
        break;
      case 'dict':
        stack.push({ kind: 'dict', value: Object.create(null) as PlistDict, key: undefined });
        break;
      case 'array':
        stack.push({ kind: 'array', value: [] });
        break;
      default:
        if (!scalarTags.has(tag)) throw new PlistError(`unknown element <${tag}>`);
        scalar = { tag, start: position };
    }
  }
  if (scalar) throw new PlistError(`unterminated <${scalar.tag}>`);
  if (stack.length > 0) throw new PlistError(`unterminated <${stack.at(-1)?.kind ?? '?'}>`);
  if (root === undefined) throw new PlistError('no <plist> document');
  return root;
}

/** The element name: letters from `start`, up to a space or the end of the tag. */
function tagName(xml: string, start: number, end: number): string {
  let stop = start;
  while (stop < end) {
    const code = xml.charCodeAt(stop) | 32; // lower-case ASCII letters
    if (code < 97 || code > 122) break;
    stop++;
  }
  if (stop === start) throw new PlistError(`malformed tag at ${start}`);
  return xml.slice(start, stop);
}

function finishScalar(tag: string, raw: string, stack: Frame[], place: (value: PlistValue) => void): void {
  const text = decodeEntities(raw);
  switch (tag) {
    case 'key': {
      const top = stack.at(-1);
      if (top?.kind !== 'dict') throw new PlistError('<key> outside a dict');
      if (top.key !== undefined) throw new PlistError(`key "${top.key}" has no value`);
      top.key = text;
      return;
    }
    case 'integer':
    case 'real': {
      const value = Number(text.trim());
      if (text.trim() === '' || Number.isNaN(value))
        throw new PlistError(`<${tag}> is not a number: ${text}`);
      place(value);
      return;
    }
    default:
      // string, date (ISO text) and data (base64 text) stay text.
      place(text);
  }
}

const entityPattern = /&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
const namedEntities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(entityPattern, (_whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return namedEntities[name] ?? '';
  });
}

/** Typed lookups for code that reads a parsed document: a wrong type reads as absent. */
export function isDict(value: PlistValue | undefined): value is PlistDict {
  return typeof value === 'object' && !Array.isArray(value);
}

export function dictAt(dict: PlistDict, key: string): PlistDict | undefined {
  const value = Object.hasOwn(dict, key) ? dict[key] : undefined;
  return isDict(value) ? value : undefined;
}

export function numberAt(dict: PlistDict, key: string): number | undefined {
  const value = Object.hasOwn(dict, key) ? dict[key] : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function stringAt(dict: PlistDict, key: string): string | undefined {
  const value = Object.hasOwn(dict, key) ? dict[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}
