import { Tensor, isInferoxError } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { type WireTensor, decodeTensors, encodeTensors } from './tensor-wire';

describe('encodeTensors', () => {
  it('lists each whole, unshared ArrayBuffer for transfer when transfer is asked', () => {
    const a = Tensor.from('float32', [1, 2], [2]);
    const s = Tensor.from('string', ['x'], [1]);
    const { tensors, transfer } = encodeTensors({ a, s }, true);
    expect(transfer).toEqual([a.data.buffer]);
    expect(tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['a', 'float32', [2]],
      ['s', 'string', [1]],
    ]);
  });

  it('transfers nothing when transfer is not asked', () => {
    expect(encodeTensors({ a: Tensor.from('int32', [1], [1]) }, false).transfer).toEqual([]);
  });

  it('copies instead of moving when two tensors share a buffer or the buffer is shared memory', () => {
    const data = new Float32Array([1, 2]);
    const a = Tensor.from('float32', data, [2]);
    const b = Tensor.from('float32', data, [1, 2]);
    const shared = Tensor.from('int32', new Int32Array(new SharedArrayBuffer(8)), [2]);
    expect(encodeTensors({ a, b, shared }, true).transfer).toEqual([]);
  });
});

describe('decodeTensors', () => {
  it('rebuilds core tensors around the received arrays when the wire tensors are well formed', () => {
    const data = new BigInt64Array([1n, -2n]);
    const out = decodeTensors([{ name: 'ids', dtype: 'int64', shape: [1, 2], data }]);
    expect(out.ids).toBeInstanceOf(Tensor);
    expect(out.ids!.data).toBe(data);
  });

  it.each<[string, WireTensor, string]>([
    ['the dtype is unknown', { name: 'a', dtype: 'complex64' as never, shape: [1], data: new Float32Array(1) }, 'unknown dtype "complex64"'],
    ['the length disagrees with the shape', { name: 'b', dtype: 'float32', shape: [3], data: new Float32Array(1) }, 'tensor "b" did not survive'],
  ])('throws INTERNAL when %s', (_what, wire, fact) => {
    let error: unknown;
    try {
      decodeTensors([wire]);
    } catch (e) {
      error = e;
    }
    expect(isInferoxError(error, 'INTERNAL')).toBe(true);
    expect((error as Error).message).toContain(fact);
  });
});
