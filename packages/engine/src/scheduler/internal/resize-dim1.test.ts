import { Tensor } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { resizeDim1 } from './resize-dim1';

const seq = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe('resizeDim1', () => {
  it('pads dim 1 of every row with the fill value, keeping each row’s own elements and the dims beyond dim 1', () => {
    const t = Tensor.from('int32', seq(12), [2, 3, 2]);
    const out = resizeDim1(t, 4, -1);
    expect(out.shape).toEqual([2, 4, 2]);
    expect(Array.from(out.data as Int32Array)).toEqual([1, 2, 3, 4, 5, 6, -1, -1, 7, 8, 9, 10, 11, 12, -1, -1]);
    expect(Array.from(t.data as Int32Array)).toEqual(seq(12));
  });

  it('cuts dim 1 of every row to its first elements', () => {
    const out = resizeDim1(Tensor.from('int32', seq(12), [3, 4]), 2);
    expect(out.shape).toEqual([3, 2]);
    expect(Array.from(out.data as Int32Array)).toEqual([1, 2, 5, 6, 9, 10]);
  });

  it('pads and cuts string tensors row by row the same way', () => {
    const t = Tensor.from('string', ['a', 'b', 'c', 'd', 'e', 'f'], [2, 3]);
    const padded = resizeDim1(t, 4, '');
    expect(padded.shape).toEqual([2, 4]);
    expect(padded.data).toEqual(['a', 'b', 'c', '', 'd', 'e', 'f', '']);
    expect(resizeDim1(t, 2).data).toEqual(['a', 'b', 'd', 'e']);
  });
});
