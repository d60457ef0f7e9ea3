import { ErrorCode, Tensor, type TensorMap } from '@inferox/core';
import { thrownBy } from '@inferox/core/testing';
import { describe, expect, it } from 'vitest';
import { composeBatch } from './compose-batch';

const values = (t: Tensor | undefined): unknown[] => Array.from(t!.data as ArrayLike<unknown>);

describe('composeBatch', () => {
  it('concatenates every input on dim 0 in member order, with each member’s rows, without padding', () => {
    const members: TensorMap[] = [
      { ids: Tensor.from('int32', [1, 2, 3, 4], [2, 2]), scale: Tensor.from('float32', [0.5, 1.5], [2]) },
      { ids: Tensor.from('int32', [5, 6], [1, 2]), scale: Tensor.from('float32', [2.5], [1]) },
    ];
    const batch = composeBatch(members, undefined);
    expect(batch.rows).toEqual([2, 1]);
    expect(batch.lengths).toEqual([undefined, undefined]);
    expect(batch.paddedLength).toBeUndefined();
    expect(batch.cutOutputs).toBeUndefined();
    expect(batch.feeds['ids']!.shape).toEqual([3, 2]);
    expect(values(batch.feeds['ids'])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(values(batch.feeds['scale'])).toEqual([0.5, 1.5, 2.5]);
  });

  it('pads the padding inputs of rank ≥ 2 to the longest with the padding value, and takes lengths from the first of them', () => {
    const padding = { inputs: ['flag', 'ids', 'mask'], value: 7, outputs: ['hidden'] };
    const members: TensorMap[] = [
      { flag: Tensor.from('int64', [1n], [1]), ids: Tensor.from('int64', [1n, 2n], [1, 2]), mask: Tensor.from('int64', [1n, 1n], [1, 2]), x: Tensor.from('int64', [9n], [1]) },
      { flag: Tensor.from('int64', [0n], [1]), ids: Tensor.from('int64', [3n, 4n, 5n], [1, 3]), mask: Tensor.from('int64', [1n, 1n, 1n], [1, 3]), x: Tensor.from('int64', [8n], [1]) },
    ];
    const batch = composeBatch(members, padding);
    expect(batch.lengths).toEqual([2, 3]);
    expect(batch.paddedLength).toBe(3);
    expect(batch.cutOutputs).toEqual(['hidden']);
    expect(batch.feeds['ids']!.shape).toEqual([2, 3]);
    expect(values(batch.feeds['ids'])).toEqual([1n, 2n, 7n, 3n, 4n, 5n]);
    expect(values(batch.feeds['mask'])).toEqual([1n, 1n, 7n, 1n, 1n, 1n]);
    expect(values(batch.feeds['flag'])).toEqual([1n, 0n]);
    expect(values(batch.feeds['x'])).toEqual([9n, 8n]);
  });

  it('takes the padded length from the first padding input in the padding list that the feeds have, in any feeds order', () => {
    const padding = { inputs: ['absent', 'b', 'a'], value: 0, outputs: undefined };
    const a = [Tensor.from('int32', [1, 2, 3, 4], [1, 4]), Tensor.from('int32', [5, 6, 7, 8, 9], [1, 5])];
    const b = [Tensor.from('int32', [1], [1, 1]), Tensor.from('int32', [2, 3], [1, 2])];
    for (const members of [
      [{ a: a[0]!, b: b[0]! }, { a: a[1]!, b: b[1]! }],
      [{ b: b[0]!, a: a[0]! }, { b: b[1]!, a: a[1]! }],
    ]) {
      const batch = composeBatch(members, padding);
      expect(batch.lengths).toEqual([1, 2]);
      expect(batch.paddedLength).toBe(2);
      expect(values(batch.feeds['a'])).toEqual([1, 2, 3, 4, 0, 5, 6, 7, 8, 9]);
      expect(values(batch.feeds['b'])).toEqual([1, 0, 2, 3]);
    }
  });

  it('leaves inputs of equal lengths as they are, pads strings with "" and keeps lengths undefined without a padding input', () => {
    const padding = { inputs: ['text', 'none'], value: 3, outputs: undefined };
    const same = composeBatch(
      [{ text: Tensor.from('string', ['a', 'b'], [1, 2]) }, { text: Tensor.from('string', ['c', 'd'], [1, 2]) }],
      padding,
    );
    expect(same.feeds['text']!.data).toEqual(['a', 'b', 'c', 'd']);
    const padded = composeBatch([{ text: Tensor.from('string', ['a'], [1, 1]) }, { text: Tensor.from('string', ['c', 'd'], [1, 2]) }], padding);
    expect(padded.feeds['text']!.data).toEqual(['a', '', 'c', 'd']);
    const vectors = composeBatch([{ v: Tensor.from('int32', [1], [1]) }, { v: Tensor.from('int32', [2], [1]) }], { inputs: ['v'], value: 0, outputs: undefined });
    expect(vectors.lengths).toEqual([undefined, undefined]);
    expect(vectors.paddedLength).toBeUndefined();
  });

  it('answers a padding value that an input’s dtype cannot hold with INVALID_INPUT naming the input, dtype and value', () => {
    const members: TensorMap[] = [{ ids: Tensor.from('uint8', [1], [1, 1]) }, { ids: Tensor.from('uint8', [1, 2], [1, 2]) }];
    const error = thrownBy(() => composeBatch(members, { inputs: ['ids'], value: -1, outputs: undefined }));
    expect(error).toMatchObject({
      code: ErrorCode.INVALID_INPUT,
      message: 'padding value -1 cannot pad input "ids" (uint8)',
      details: { input: 'ids', dtype: 'uint8', value: -1 },
    });
    expect((error as Error).cause).toBeInstanceOf(Error);
    // Members of one length need no padding, so the value is never converted.
    const equal = composeBatch([{ ids: Tensor.from('uint8', [1], [1, 1]) }, { ids: Tensor.from('uint8', [2], [1, 1]) }], { inputs: ['ids'], value: -1, outputs: undefined });
    expect(values(equal.feeds['ids'])).toEqual([1, 2]);
  });
});
