import { DTYPES, Tensor, allocData, isInferoxError } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { flattenTensors, unflattenTensors } from './flat-wire';

function sample(dtype: (typeof DTYPES)[number]): Tensor {
  if (dtype === 'string') return Tensor.from('string', ['a', 'bé', '', '∑'], [2, 2]);
  if (dtype === 'bool') return Tensor.from('bool', [true, false, true, true], [2, 2]);
  if (dtype === 'int64' || dtype === 'uint64') return Tensor.from(dtype, [0n, 1n, 2n ** 53n + 1n, 5n], [2, 2]);
  const data = allocData(dtype, 4) as Uint8Array;
  data.set([0, 1, 2, 3]);
  return Tensor.from(dtype, data as never, [2, 2]);
}

function internalError(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    expect(isInferoxError(error, 'INTERNAL')).toBe(true);
    return error as Error;
  }
  throw new Error('expected an INTERNAL error');
}

describe('flattenTensors', () => {
  it('lays out name, dtype, rank, dims and data per tensor, and lists whole unshared buffers when transfer is asked', () => {
    const a = Tensor.from('float32', [1, 2, 3, 4, 5, 6], [2, 3]);
    const s = Tensor.from('string', ['x'], []);
    const { flat, transfer } = flattenTensors({ a, s }, true);
    expect(flat).toEqual(['a', 'float32', 2, 2, 3, a.data, 's', 'string', 0, ['x']]);
    expect(flat[5]).toBe(a.data);
    expect(transfer).toEqual([a.data.buffer]);
  });

  it('transfers nothing when transfer is not asked, or when buffers are shared, partial or shared memory', () => {
    expect(flattenTensors({ a: Tensor.from('int32', [1], [1]) }, false).transfer).toEqual([]);
    const data = new Float32Array([1, 2, 3]);
    const twice = { a: Tensor.from('float32', data, [3]), b: Tensor.from('float32', data, [1, 3]) };
    const view = { v: Tensor.from('float32', new Float32Array(data.buffer, 4, 2), [2]) };
    const shared = { s: Tensor.from('int32', new Int32Array(new SharedArrayBuffer(8)), [2]) };
    for (const tensors of [twice, view, shared]) expect(flattenTensors(tensors, true).transfer).toEqual([]);
  });

  it('throws DISPOSED when a tensor was disposed', () => {
    const x = Tensor.from('float32', [1], [1]);
    x.dispose();
    expect(() => flattenTensors({ x }, false)).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
  });
});

describe('unflattenTensors', () => {
  it('rebuilds every dtype around the same arrays when given what flattenTensors made', () => {
    const tensors = Object.fromEntries(DTYPES.map((d) => [`t_${d}`, sample(d)]));
    const out = unflattenTensors(flattenTensors(tensors, false).flat);
    expect(Object.keys(out)).toEqual(Object.keys(tensors));
    for (const [name, t] of Object.entries(tensors)) {
      expect([out[name]!.dtype, out[name]!.shape]).toEqual([t.dtype, [2, 2]]);
      expect(out[name]!.data).toBe(t.data);
    }
    expect(unflattenTensors([])).toEqual({});
  });

  it.each<[string, unknown[], string]>([
    ['the dtype is unknown', ['a', 'complex64', 1, 1, new Float32Array(1)], 'tensor "a" crossed a worker boundary with unknown dtype "complex64"'],
    ['the length disagrees with the shape', ['b', 'float32', 1, 3, new Float32Array(1)], 'tensor "b" did not survive a worker boundary'],
    ['the data is missing', ['c', 'float32', 1, 3], 'tensor "c" crossed a worker boundary malformed at position 0'],
    ['the rank is not a number', ['d', 'float32', '1', 1, new Float32Array(1)], 'tensor "d" crossed a worker boundary malformed'],
    ['the rank is negative', ['e', 'float32', -1, new Float32Array(1)], 'tensor "e" crossed a worker boundary malformed'],
    ['the name is not a string', [7, 'float32', 0, new Float32Array(1)], 'tensor 7 crossed a worker boundary malformed'],
    ['a second tensor is cut short', ['f', 'float32', 0, new Float32Array(1), 'g'], 'tensor "g" crossed a worker boundary malformed at position 4'],
  ])('throws INTERNAL naming the tensor when %s', (_what, flat, fact) => {
    expect(internalError(() => unflattenTensors(flat)).message).toContain(fact);
  });
});

describe('unflattenTensors errors', () => {
  it('keeps the cause of a tensor that could not be built, and gives none when the layout itself is wrong', () => {
    const short = internalError(() => unflattenTensors(['b', 'float32', 1, 3, new Float32Array(1)]));
    expect(isInferoxError(short.cause, 'INVALID_INPUT')).toBe(true);
    const cut = internalError(() => unflattenTensors(['c', 'float32', 1, 3]));
    expect(Object.hasOwn(cut, 'cause')).toBe(false);
  });

  it('refuses a rank that is not a number even where it would read as one', () => {
    expect(internalError(() => unflattenTensors(['d', 'float32', true, 1, new Float32Array(1)])).message).toBe('tensor "d" crossed a worker boundary malformed at position 0');
  });
});
