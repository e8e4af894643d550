import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';

import { syncDocument } from './yaml-sync';

const source = `# The head comment.
name: gateway # why the name
replicas: 1
# Why these ports.
ports:
  - 80
  - 443
env:
  - name: A
    value: '1'
gone: true
`;

function synced(value: unknown): string {
  const document = parseDocument(source);
  syncDocument(document, value);
  return document.toString({ lineWidth: 0, singleQuote: true });
}

describe('syncDocument', () => {
  it('leaves an unchanged document byte for byte as it was', () => {
    expect(synced(parse(source))).toBe(source);
  });

  it('changes only the values that differ, keeping the comments around them', () => {
    const text = synced({
      name: 'proxy',
      replicas: 2,
      ports: [443],
      env: [
        { name: 'A', value: '2' },
        { name: 'B', value: 'x' },
      ],
    });
    expect(parse(text)).toEqual({
      name: 'proxy',
      replicas: 2,
      ports: [443],
      env: [
        { name: 'A', value: '2' },
        { name: 'B', value: 'x' },
      ],
    });
    expect(text).toContain('# The head comment.');
    expect(text).toContain('name: proxy # why the name');
    expect(text).toContain('# Why these ports.');
    expect(text).toContain("value: '2'");
    expect(text).not.toContain('gone');
  });

  it('writes multi-line text as a literal block, and replaces a value whose shape changed', () => {
    const text = synced({ ...(parse(source) as object), replicas: { min: 1 }, name: 'line one\nline two\n' });
    expect(text).toMatch(/^name: \|.*\n {2}line one\n {2}line two\n/m);
    expect(parse(text)).toMatchObject({ replicas: { min: 1 }, name: 'line one\nline two\n' });
  });
});
