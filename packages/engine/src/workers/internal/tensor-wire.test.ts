import { Tensor, isInferoxError } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { type WireTensor, decodeTensors, encodeTensors, movableBuffers } from './tensor-wire';

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

describe('movableBuffers', () => {
  it('moves only a view that spans its whole buffer, not one that starts at 0 and ends short of it', () => {
    const buffer = new ArrayBuffer(12);
    expect(movableBuffers([new Float32Array(buffer, 0, 1)])).toEqual([]);
    const whole = new Float32Array(3);
    expect(movableBuffers([whole, ['a']])).toEqual([whole.buffer]);
  });
});

describe('decodeTensors errors', () => {
  it('says which tensor had an unknown dtype before trying to build it, and keeps the cause of a failed build', () => {
    let unknown: unknown;
    try {
      decodeTensors([{ name: 'a', dtype: 'complex64' as never, shape: [1], data: new Float32Array(1) }]);
    } catch (e) {
      unknown = e;
    }
    expect((unknown as Error).message).toBe('tensor "a" crossed a worker boundary with unknown dtype "complex64"');
    let short: unknown;
    try {
      decodeTensors([{ name: 'b', dtype: 'float32', shape: [3], data: new Float32Array(1) }]);
    } catch (e) {
      short = e;
    }
    expect(isInferoxError((short as Error).cause, 'INVALID_INPUT')).toBe(true);
  });
});
