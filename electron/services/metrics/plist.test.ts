import { describe, expect, it } from 'vitest';

import { parsePlist, PlistError, type PlistDict } from './plist';
import { fixture } from './test-fixtures';

const wrap = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n${body}\n</plist>\n`;

describe('parsePlist', () => {
  it('reads every value type', () => {
    const value = parsePlist(
      wrap(
        '<dict><key>s</key><string>a &lt;b&gt; &amp; &#233;</string><key>i</key><integer>-42</integer><key>r</key><real>1.014e+09</real><key>t</key><true/><key>f</key><false/><key>d</key><date>2025-06-03T12:05:11Z</date><key>e</key><string/><key>a</key><array><integer>1</integer><dict/></array></dict>',
      ),
    );
    expect(value).toEqual({
      s: 'a <b> & é',
      i: -42,
      r: 1.014e9,
      t: true,
      f: false,
      d: '2025-06-03T12:05:11Z',
      e: '',
      a: [1, {}],
    });
  });

  it('keeps the last value of a repeated key, as powermetrics needs', () => {
    const value = parsePlist(
      wrap(
        '<dict><key>idle_ratio</key><real>0.5</real><key>x</key><true/><key>idle_ratio</key><real>0.0458</real></dict>',
      ),
    ) as PlistDict;
    expect(value.idle_ratio).toBe(0.0458);
  });

  it('stores a "__proto__" key as data, not as a prototype', () => {
    const value = parsePlist(
      wrap('<dict><key>__proto__</key><dict><key>polluted</key><true/></dict></dict>'),
    ) as PlistDict;
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['a value without a key', wrap('<dict><string>x</string></dict>'), /without a <key>/],
    ['a key without a value', wrap('<dict><key>x</key></dict>'), /has no value/],
    ['an unclosed document', '<plist><dict><key>x</key><integer>1</integer>', /unterminated/],
    ['a number that is not one', wrap('<integer>twelve</integer>'), /not a number/],
    ['an unknown element', wrap('<dict><key>x</key><float>1</float></dict>'), /unknown element/],
    ['no document at all', 'sudo: a password is required\n', /no <plist>/],
    ['mismatched tags', wrap('<array><integer>1</integer></dict>'), /unexpected <\/dict>/],
  ])('refuses %s with a clear error', (_name, xml, message) => {
    expect(() => parsePlist(xml)).toThrow(PlistError);
    expect(() => parsePlist(xml)).toThrow(message);
  });

  it('reads system_profiler -xml output (what systeminformation parses)', async () => {
    const value = parsePlist(await fixture('system_profiler_SPDisplaysDataType.xml'));
    expect(Array.isArray(value)).toBe(true);
    const [section] = value as PlistDict[];
    expect(section?._dataType).toBe('SPDisplaysDataType');
    expect((section?._items as PlistDict[])[0]?.sppci_cores).toBe('80');
  });
});
