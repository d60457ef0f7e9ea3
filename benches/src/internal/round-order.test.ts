import { describe, expect, it } from 'vitest';
import { rotate } from './rotate';

describe('rotate', () => {
  it('starts with a different item each round when rotated by the round number', () => {
    expect(rotate([1, 2, 3], 0)).toEqual([1, 2, 3]);
    expect(rotate([1, 2, 3], 1)).toEqual([2, 3, 1]);
    expect(rotate([1, 2, 3], 4)).toEqual([2, 3, 1]);
    expect(rotate([1, 2, 3], -1)).toEqual([3, 1, 2]);
  });

  it('returns an empty list when given one', () => {
    expect(rotate([], 3)).toEqual([]);
  });
});
