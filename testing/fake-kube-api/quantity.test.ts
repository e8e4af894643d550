import { describe, expect, it } from 'vitest';

import { formatQuantity, parseQuantity } from './quantity';

describe('quantities', () => {
  it('parses decimal, binary and exponent forms', () => {
    expect(parseQuantity('500m')?.value).toBeCloseTo(0.5);
    expect(parseQuantity('2')?.value).toBe(2);
    expect(parseQuantity('512Mi')).toEqual({ value: 512 * 2 ** 20, format: 'BinarySI' });
    expect(parseQuantity('1e3')?.value).toBe(1000);
    expect(parseQuantity('lots')).toBeNull();
  });

  it('prints the canonical form in the original family', () => {
    expect(formatQuantity({ value: 1.5, format: 'DecimalSI' })).toBe('1500m');
    expect(formatQuantity({ value: 2, format: 'DecimalSI' })).toBe('2');
    expect(formatQuantity({ value: 2 * 2 ** 30, format: 'BinarySI' })).toBe('2Gi');
    expect(formatQuantity({ value: 0, format: 'BinarySI' })).toBe('0');
  });
});
