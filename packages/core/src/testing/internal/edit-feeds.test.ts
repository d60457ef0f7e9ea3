import { describe, expect, it } from 'vitest';
import type { ModelSignature } from '../../model-handle';
import { Tensor } from '../../tensor';
import { resizeDim, resizeSymbol, symbolsOf, withElement } from './edit-feeds';

const signature: ModelSignature = {
  inputs: [
    { name: 'ids', dtype: 'int64', shape: ['batch', 'sequence'] },
    { name: 'extra', dtype: 'float32', shape: null },
    { name: 'mask', dtype: 'int64', shape: ['batch', 'sequence'] },
  ],
  outputs: [],
};

describe('edit-feeds', () => {
  it('copies a tensor with one element changed, as a bigint for int64 and a number otherwise', () => {
    const ids = Tensor.from('int64', [1, 2], [1, 2]);
    expect(withElement(ids, 1, 7).data).toEqual(BigInt64Array.from([1n, 7n]));
    expect(ids.data).toEqual(BigInt64Array.from([1n, 2n]));
    expect(withElement(Tensor.from('float32', [1, 2], [2]), 0, -3).data).toEqual(Float32Array.from([-3, 2]));
    expect(withElement(Tensor.from('uint64', [1, 2], [2]), 0, 9).data).toEqual(BigUint64Array.from([9n, 2n]));
  });

  it('grows a dim by repeating its last entry and shrinks it by keeping the first ones', () => {
    const t = Tensor.from('int32', [1, 2, 3, 4, 5, 6], [2, 3]);
    expect(Array.from(resizeDim(t, 1, 5).data as Int32Array)).toEqual([1, 2, 3, 3, 3, 4, 5, 6, 6, 6]);
    expect(Array.from(resizeDim(t, 1, 1).data as Int32Array)).toEqual([1, 4]);
    expect(resizeDim(t, 0, 0).shape).toEqual([0, 3]);
    // An outer dim moves whole rows of the inner ones.
    expect(Array.from(resizeDim(t, 0, 3).data as Int32Array)).toEqual([1, 2, 3, 4, 5, 6, 4, 5, 6]);
    expect(Array.from(resizeDim(Tensor.from('int32', [1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]), 1, 1).data as Int32Array)).toEqual([1, 2, 5, 6]);
    expect(resizeDim(Tensor.from('string', ['a', 'b'], [2]), 0, 3).data).toEqual(['a', 'b', 'b']);
  });

  it('resizes every input carrying a symbol and lists them, skipping inputs of unknown rank or not given', () => {
    const feeds = { ids: Tensor.zeros('int64', [2, 3]), extra: Tensor.zeros('float32', [9]) };
    const { feeds: out, inputs } = resizeSymbol(signature, feeds, 'sequence', 5);
    expect(inputs).toEqual(['ids']);
    expect(out.ids!.shape).toEqual([2, 5]);
    expect(out.extra).toBe(feeds.extra);
    expect(symbolsOf(signature)).toEqual(['batch', 'sequence']);
  });

  it('lists only named dims as symbols, not fixed sizes or empty names', () => {
    const mixed: ModelSignature = { inputs: [{ name: 'pos', dtype: 'int64', shape: [1, '', 'position', 4] }], outputs: [] };
    expect(symbolsOf(mixed)).toEqual(['position']);
  });
});
