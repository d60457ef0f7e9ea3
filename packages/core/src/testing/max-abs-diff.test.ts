import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from './max-abs-diff';

describe('maxAbsDiff', () => {
  it('returns the largest absolute difference when lengths match', () => {
    expect(maxAbsDiff([1, 2, 3], [1, 2.5, 2])).toBe(1);
    expect(maxAbsDiff(new Float32Array([0.5]), [0.5])).toBe(0);
    expect(maxAbsDiff([], [])).toBe(0);
  });

  it('returns Infinity when lengths differ or only one side is NaN', () => {
    expect(maxAbsDiff([1], [1, 2])).toBe(Number.POSITIVE_INFINITY);
    expect(maxAbsDiff([1, Number.NaN], [1, 0])).toBe(Number.POSITIVE_INFINITY);
    expect(maxAbsDiff([0, 5], [Number.NaN, 5])).toBe(Number.POSITIVE_INFINITY);
  });

  it('treats matching NaNs and matching infinities as equal', () => {
    expect(maxAbsDiff([Number.NaN, Number.POSITIVE_INFINITY], [Number.NaN, Number.POSITIVE_INFINITY])).toBe(0);
    expect(maxAbsDiff([Number.POSITIVE_INFINITY], [Number.NEGATIVE_INFINITY])).toBe(Number.POSITIVE_INFINITY);
  });

  it('is symmetric and zero against itself (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double(), { maxLength: 20 }), fc.array(fc.double(), { maxLength: 20 }), (a, b) => {
        expect(maxAbsDiff(a, a)).toBe(0);
        expect(maxAbsDiff(a, b)).toBe(maxAbsDiff(b, a));
      }),
    );
  });
});
