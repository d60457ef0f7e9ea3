import { describe, expect, it } from 'vitest';
import { Tensor } from './tensor';

describe('Tensor views', () => {
  it('gives an empty view of size 0, not NaN, when slicing or splitting a tensor with 0 rows', () => {
    const empty = Tensor.zeros('float32', [0, 3]);
    const slice = empty.slice(0);
    expect([slice.size, slice.shape, slice.data.length]).toEqual([0, [0, 3], 0]);
    const [part] = empty.split([0]);
    expect([part!.size, part!.shape, part!.data.length]).toEqual([0, [0, 3], 0]);
  });

  it('shares one frozen shape among the parts of one row count when splitting a batch', () => {
    const batch = Tensor.from('int32', [1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const parts = batch.split([1, 1, 2]);
    expect(parts.map((p) => p.shape)).toEqual([[1, 2], [1, 2], [2, 2]]);
    expect(parts[1]!.shape).toBe(parts[0]!.shape);
    expect(parts[2]!.shape).not.toBe(parts[1]!.shape);
    expect(Object.isFrozen(parts[0]!.shape)).toBe(true);
    expect(parts.map((p) => Array.from(p.data))).toEqual([[1, 2], [3, 4], [5, 6, 7, 8]]);
  });
});
