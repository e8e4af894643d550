import { describe, expect, it } from 'vitest';

import { color256, parseAnsi, stripAnsi, type AnsiStyle } from './ansi';

const ESC = '\u001b';
const plain: AnsiStyle = {
  fg: null,
  bg: null,
  bold: false,
  dim: false,
  italic: false,
  underline: false,
  inverse: false,
  strike: false,
};

describe('parseAnsi', () => {
  it('leaves text without escapes as one unstyled segment', () => {
    expect(parseAnsi('gateway listening on :18789')).toEqual([
      { text: 'gateway listening on :18789', style: null },
    ]);
    expect(parseAnsi('')).toEqual([]);
  });

  it('turns the 8 and the bright colours into palette indexes, and 39 back to the default', () => {
    expect(parseAnsi(`${ESC}[31mred${ESC}[39m plain ${ESC}[92mgreen`)).toEqual([
      { text: 'red', style: { ...plain, fg: 1 } },
      { text: ' plain ', style: null },
      { text: 'green', style: { ...plain, fg: 10 } },
    ]);
    expect(parseAnsi(`${ESC}[44;97mx`)).toEqual([{ text: 'x', style: { ...plain, fg: 15, bg: 4 } }]);
    expect(parseAnsi(`${ESC}[101mx${ESC}[49my`)).toEqual([
      { text: 'x', style: { ...plain, bg: 9 } },
      { text: 'y', style: null },
    ]);
  });

  it('handles bold, dim, italic, underline and their resets (22, 23, 24), and 0', () => {
    const [bold, dim, italic, underline, off] = parseAnsi(
      `${ESC}[1ma${ESC}[22;2mb${ESC}[3mc${ESC}[4md${ESC}[22;23;24me`,
    );
    expect(bold?.style).toEqual({ ...plain, bold: true });
    expect(dim?.style).toEqual({ ...plain, dim: true });
    expect(italic?.style).toEqual({ ...plain, dim: true, italic: true });
    expect(underline?.style).toEqual({ ...plain, dim: true, italic: true, underline: true });
    expect(off).toEqual({ text: 'e', style: null });
    expect(parseAnsi(`${ESC}[1;31mx${ESC}[0my${ESC}[1mz${ESC}[mw`)).toEqual([
      { text: 'x', style: { ...plain, bold: true, fg: 1 } },
      { text: 'y', style: null },
      { text: 'z', style: { ...plain, bold: true } },
      { text: 'w', style: null },
    ]);
  });

  it('reads 256 colours and truecolour, with semicolons or colons', () => {
    expect(parseAnsi(`${ESC}[38;5;196mx`)[0]?.style?.fg).toBe('rgb(255, 0, 0)');
    expect(parseAnsi(`${ESC}[38;5;3mx`)[0]?.style?.fg).toBe(3);
    expect(parseAnsi(`${ESC}[48;5;244mx`)[0]?.style?.bg).toBe('rgb(128, 128, 128)');
    expect(parseAnsi(`${ESC}[38;2;10;20;30mx`)[0]?.style?.fg).toBe('rgb(10, 20, 30)');
    expect(parseAnsi(`${ESC}[38:2::10:20:30mx`)[0]?.style?.fg).toBe('rgb(10, 20, 30)');
    expect(parseAnsi(`${ESC}[38:5:21mx`)[0]?.style?.fg).toBe('rgb(0, 0, 255)');
    // The codes after an extended colour still apply.
    expect(parseAnsi(`${ESC}[38;2;1;2;3;1mx`)[0]?.style).toEqual({
      ...plain,
      fg: 'rgb(1, 2, 3)',
      bold: true,
    });
    // Out of range: no colour, and no crash.
    expect(parseAnsi(`${ESC}[38;2;300;0;0mx`)[0]).toEqual({ text: 'x', style: null });
  });

  it('drops other escape sequences and control characters, keeping the text', () => {
    expect(stripAnsi(`${ESC}[2K${ESC}[1Gprogress 50%\r`)).toBe('progress 50%');
    expect(stripAnsi(`${ESC}]8;;https://example.com${ESC}\\link${ESC}]8;;${ESC}\\ done`)).toBe('link done');
    expect(stripAnsi(`${ESC}]0;title\u0007after`)).toBe('after');
    expect(stripAnsi(`${ESC}(Bcharset ${ESC}7saved${ESC}8`)).toBe('charset saved');
    expect(stripAnsi(`${ESC}[?25lhidden cursor${ESC}[?25h`)).toBe('hidden cursor');
    expect(stripAnsi(`bell\u0007 back\bspace\u0000`)).toBe('bell backspace');
    expect(stripAnsi(`tab\tkept`)).toBe('tab\tkept');
    // Cut off in the middle of a sequence (a truncated line).
    expect(stripAnsi(`text${ESC}[38;5`)).toBe('text');
    expect(stripAnsi(`text${ESC}`)).toBe('text');
  });

  it('never produces markup: the text is only ever text', () => {
    const segments = parseAnsi(`${ESC}[31m<img src=x onerror=alert(1)>${ESC}[0m`);
    expect(segments).toEqual([{ text: '<img src=x onerror=alert(1)>', style: { ...plain, fg: 1 } }]);
  });

  it('joins to exactly the stripped text', () => {
    const line = `${ESC}[1m${ESC}[36mINFO${ESC}[0m [gateway] ${ESC}[38;5;208mready${ESC}[0m in 12ms`;
    expect(
      parseAnsi(line)
        .map(segment => segment.text)
        .join(''),
    ).toBe(stripAnsi(line));
    expect(stripAnsi(line)).toBe('INFO [gateway] ready in 12ms');
  });
});

describe('color256', () => {
  it('keeps the first 16 themed and computes the cube and the greys', () => {
    expect(color256(9)).toBe(9);
    expect(color256(16)).toBe('rgb(0, 0, 0)');
    expect(color256(231)).toBe('rgb(255, 255, 255)');
    expect(color256(232)).toBe('rgb(8, 8, 8)');
    expect(color256(255)).toBe('rgb(238, 238, 238)');
  });
});
