import { describe, expect, it } from 'vitest';
import { checkShape, formatShape } from './shape';
import { thrown } from './thrown.fixture';

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

  it('gives the index and the value (a number as is, anything else quoted) in the details of a bad dim', () => {
    const negative = thrown(() => checkShape([1, -2], 'split sizes'));
    expect(negative.message).toBe('split sizes[1] must be a non-negative integer, got -2');
    expect(negative.details).toEqual({ index: 1, value: -2 });
    const text = thrown(() => checkShape([2, 3, '4' as unknown as number]));
    expect(text.message).toBe('shape[2] must be a non-negative integer, got "4"');
    expect(text.details).toEqual({ index: 2, value: '"4"' });
    expect(thrown(() => checkShape([1.5])).details).toEqual({ index: 0, value: 1.5 });
    expect(thrown(() => checkShape([null as unknown as number])).details).toEqual({ index: 0, value: 'null' });
  });

  it('refuses a shape that is not an array, naming what and the value', () => {
    const error = thrown(() => checkShape(3 as unknown as number[], 'split sizes'));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe('split sizes must be an array of non-negative integers, got 3');
  });

  it('says which shape has too many elements', () => {
    expect(thrown(() => checkShape([2 ** 27, 2 ** 27])).message).toBe('shape [134217728, 134217728] has more elements than can be addressed');
  });
});

describe('formatShape', () => {
  it('prints dims, null as ? and symbolic names as is', () => {
    expect(formatShape([2, null, 'batch'])).toBe('[2, ?, batch]');
    expect(formatShape([])).toBe('[]');
  });
});
