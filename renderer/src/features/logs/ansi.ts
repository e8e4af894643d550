/**
 * ANSI escape sequences in log lines: SGR colours and attributes become styled segments (rendered
 * as React spans, never as HTML); every other escape sequence and control character is dropped, so
 * what is shown, searched, copied and exported is the same plain text.
 */

/** 0–15: the terminal's 16 colours (themed in CSS); a string: an exact CSS colour. */
export type AnsiColor = number | string;

export interface AnsiStyle {
  fg: AnsiColor | null;
  bg: AnsiColor | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
  strike: boolean;
}

export interface AnsiSegment {
  text: string;
  /** Null when the text has no styling at all. */
  style: AnsiStyle | null;
}

const plainStyle: AnsiStyle = {
  fg: null,
  bg: null,
  bold: false,
  dim: false,
  italic: false,
  underline: false,
  inverse: false,
  strike: false,
};

const ESC = 0x1b;
const BEL = 0x07;
const CSI_C1 = 0x9b;
const OSC_C1 = 0x9d;

/** C0 controls except tab, DEL, and C1 controls: never shown (ESC is handled before). */
// eslint-disable-next-line no-control-regex -- control characters are what these match
const controlPattern = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex -- control characters are what these match
const needsWork = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

/** True when the line has escapes or control characters to deal with (most lines do not). */
export function hasControls(text: string): boolean {
  return needsWork.test(text);
}

/** The text without escape sequences and control characters. */
export function stripAnsi(text: string): string {
  if (!hasControls(text)) return text;
  let out = '';
  for (const segment of parseAnsi(text)) out += segment.text;
  return out;
}

/** Splits a line into styled segments; their texts, joined, equal `stripAnsi(text)`. */
export function parseAnsi(text: string): AnsiSegment[] {
  if (!hasControls(text)) return text === '' ? [] : [{ text, style: null }];
  const segments: AnsiSegment[] = [];
  let style = plainStyle;
  let runStart = 0;
  let index = 0;
  const push = (end: number): void => {
    if (end <= runStart) return;
    const piece = text.slice(runStart, end).replace(controlPattern, '');
    if (piece === '') return;
    const shown = style === plainStyle || isPlain(style) ? null : style;
    const last = segments.at(-1);
    if (last?.style === shown) last.text += piece;
    else segments.push({ text: piece, style: shown });
  };
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code !== ESC && code !== CSI_C1 && code !== OSC_C1) {
      index++;
      continue;
    }
    push(index);
    const sequence = readSequence(text, index);
    if (sequence.sgr !== null) style = applySgr(style, sequence.sgr);
    index = sequence.end;
    runStart = index;
  }
  push(text.length);
  return segments;
}

interface Sequence {
  /** Where the sequence ends (exclusive). */
  end: number;
  /** The parameters of an SGR sequence (`ESC [ … m`), else null. */
  sgr: string | null;
}

function readSequence(text: string, start: number): Sequence {
  const code = text.charCodeAt(start);
  if (code === CSI_C1) return readCsi(text, start + 1);
  if (code === OSC_C1) return { end: stringEnd(text, start + 1), sgr: null };
  const next = text.charCodeAt(start + 1);
  if (Number.isNaN(next)) return { end: start + 1, sgr: null };
  if (next === 0x5b /* [ */) return readCsi(text, start + 2);
  // OSC (hyperlinks, titles), DCS, SOS, PM, APC: a string up to BEL or ST.
  if (next === 0x5d || next === 0x50 || next === 0x58 || next === 0x5e || next === 0x5f) {
    return { end: stringEnd(text, start + 2), sgr: null };
  }
  // nF sequences (charset selection `ESC ( B`): intermediates, then one final byte.
  let index = start + 1;
  while (index < text.length && text.charCodeAt(index) >= 0x20 && text.charCodeAt(index) <= 0x2f) index++;
  return { end: Math.min(index + 1, text.length), sgr: null };
}

function readCsi(text: string, from: number): Sequence {
  let index = from;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code >= 0x40 && code <= 0x7e) {
      const params = text.slice(from, index);
      // Private sequences (`ESC [ ? 25 h`) and anything but `m` only move the cursor or the mode.
      const isSgr = code === 0x6d && /^[\d;:]*$/.test(params);
      return { end: index + 1, sgr: isSgr ? params : null };
    }
    if (code < 0x20 || code > 0x3f) return { end: index, sgr: null }; // malformed: drop the introducer
    index++;
  }
  return { end: text.length, sgr: null };
}

/** The end of an OSC/DCS-like string: after BEL or ESC \, or the end of the line. */
function stringEnd(text: string, from: number): number {
  for (let index = from; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === BEL || code === 0x9c) return index + 1;
    if (code === ESC) return text.charCodeAt(index + 1) === 0x5c ? index + 2 : index;
  }
  return text.length;
}

function applySgr(current: AnsiStyle, params: string): AnsiStyle {
  const style = { ...current };
  // Colons separate sub-parameters (`38:2::255:0:0`); a bare `ESC[m` is a reset.
  const groups = params === '' ? [['0']] : params.split(';').map(group => group.split(':'));
  for (let index = 0; index < groups.length; index++) {
    const group = groups[index] ?? [];
    const code = group[0] === '' || group[0] === undefined ? 0 : Number(group[0]);
    if (code === 38 || code === 48) {
      let color: AnsiColor | null;
      if (group.length > 1) color = extendedColor(group.slice(1).map(toNumber));
      else {
        const rest = groups.slice(index + 1).map(next => toNumber(next[0]));
        const mode = rest[0];
        const used = mode === 5 ? 2 : mode === 2 ? 4 : 1;
        color = extendedColor(rest.slice(0, used));
        index += used;
      }
      if (code === 38) style.fg = color;
      else style.bg = color;
      continue;
    }
    applyCode(style, code);
  }
  return style;
}

function applyCode(style: AnsiStyle, code: number): void {
  if (code === 0) Object.assign(style, plainStyle);
  else if (code === 1) style.bold = true;
  else if (code === 2) style.dim = true;
  else if (code === 3) style.italic = true;
  else if (code === 4) style.underline = true;
  else if (code === 7) style.inverse = true;
  else if (code === 9) style.strike = true;
  else if (code === 22) style.bold = style.dim = false;
  else if (code === 23) style.italic = false;
  else if (code === 24) style.underline = false;
  else if (code === 27) style.inverse = false;
  else if (code === 29) style.strike = false;
  else if (code >= 30 && code <= 37) style.fg = code - 30;
  else if (code === 39) style.fg = null;
  else if (code >= 40 && code <= 47) style.bg = code - 40;
  else if (code === 49) style.bg = null;
  else if (code >= 90 && code <= 97) style.fg = code - 90 + 8;
  else if (code >= 100 && code <= 107) style.bg = code - 100 + 8;
}

function toNumber(value: string | undefined): number {
  return value === undefined || value === '' ? 0 : Number(value);
}

/** `5;n` (256 colours) or `2;r;g;b` (truecolour); a colon form may carry an empty colour-space id. */
function extendedColor(values: number[]): AnsiColor | null {
  const [mode, ...rest] = values;
  if (mode === 5) {
    const index = rest[0];
    return index !== undefined && Number.isInteger(index) && index >= 0 && index <= 255
      ? color256(index)
      : null;
  }
  if (mode === 2) {
    const rgb = rest.length >= 4 ? rest.slice(1, 4) : rest.slice(0, 3);
    if (rgb.length < 3 || rgb.some(value => !Number.isInteger(value) || value < 0 || value > 255))
      return null;
    return `rgb(${rgb.join(', ')})`;
  }
  return null;
}

const cubeLevels = [0, 95, 135, 175, 215, 255];

/** xterm's 256-colour palette: 16 themed colours, a 6×6×6 cube, then 24 greys. */
export function color256(index: number): AnsiColor {
  if (index < 16) return index;
  if (index < 232) {
    const cube = index - 16;
    const r = cubeLevels[Math.floor(cube / 36)] ?? 0;
    const g = cubeLevels[Math.floor(cube / 6) % 6] ?? 0;
    const b = cubeLevels[cube % 6] ?? 0;
    return `rgb(${r}, ${g}, ${b})`;
  }
  const grey = 8 + (index - 232) * 10;
  return `rgb(${grey}, ${grey}, ${grey})`;
}

function isPlain(style: AnsiStyle): boolean {
  return (
    style.fg === null &&
    style.bg === null &&
    !style.bold &&
    !style.dim &&
    !style.italic &&
    !style.underline &&
    !style.inverse &&
    !style.strike
  );
}
