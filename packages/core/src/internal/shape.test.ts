import { describe, expect, it } from 'vitest';
import { checkShape, formatShape } from './shape';

describe('checkShape', () => {
  it('returns the element count when every dim is a non-negative integer', () => {
    expect(checkShape([])).toBe(1);
    expect(checkShape([2, 3, 4])).toBe(24);
    expect(checkShape([5, 0])).toBe(0);
  });

  it('throws INVALID_INPUT naming what and which entry when a dim is bad', () => {
    expect(() => checkShape([1, -2], 'split sizes')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('split sizes[1]') }));
    expect(() => checkShape([Number.POSITIVE_INFINITY])).toThrow(/shape\[0\].*Infinity/);
    expect(() => checkShape([2 ** 27, 2 ** 27])).toThrow(/more elements than can be addressed/);
  });
});

describe('formatShape', () => {
  it('prints dims, null as ? and symbolic names as is', () => {
    expect(formatShape([2, null, 'batch'])).toBe('[2, ?, batch]');
    expect(formatShape([])).toBe('[]');
  });
});
