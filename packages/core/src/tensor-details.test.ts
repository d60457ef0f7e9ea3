import { describe, expect, it } from 'vitest';
import { thrown } from './internal/thrown.fixture';
import { Tensor, type V2Tensor } from './tensor';

describe('Tensor error messages and details', () => {
  it('names the dtype and what was given instead of an array, also for null and an object without a prototype', () => {
    const wrong = thrown(() => Tensor.from('float32', new Int8Array(1) as never, [1]));
    expect(wrong.message).toBe('a float32 tensor needs a Float32Array or a plain array, got Int8Array');
    expect(wrong.details).toEqual({ dtype: 'float32', given: 'Int8Array' });
    expect(thrown(() => Tensor.from('int64', Object.create(null) as never, [1])).details).toEqual({ dtype: 'int64', given: 'object' });
    expect(thrown(() => Tensor.from('int64', null as never, [1])).message).toBe('a int64 tensor needs a BigInt64Array or a plain array, got object');
    expect(thrown(() => Tensor.from('bool', 7 as never, [1])).details).toEqual({ dtype: 'bool', given: 'Number' });
  });

  it('is not instanceof Tensor for a function carrying the brand, nor for primitives', () => {
    const branded = Object.assign(() => undefined, { [Symbol.for('@inferox/core/Tensor')]: true });
    expect(branded instanceof Tensor).toBe(false);
    expect((5 as unknown) instanceof Tensor).toBe(false);
  });

  it('gives the shape, expected and given counts of a length mismatch', () => {
    const error = thrown(() => Tensor.from('float32', [1, 2, 3], [2, 2]));
    expect(error.message).toBe('shape [2, 2] needs 4 elements, data has 3');
    expect(error.details).toEqual({ shape: [2, 2], expected: 4, given: 3 });
  });

  it('gives the index of the tensor that breaks a concat', () => {
    const a = Tensor.zeros('float32', [1, 2]);
    const dtype = thrown(() => Tensor.concat([a, a, Tensor.zeros('float64', [1, 2]) as never]));
    expect(dtype.message).toBe('concat: tensor 2 is float64, tensor 0 is float32');
    expect(dtype.details).toEqual({ index: 2 });
    const shape = thrown(() => Tensor.concat([a, Tensor.zeros('float32', [1, 3])]));
    expect(shape.message).toBe('concat: tensor 1 has shape [1, 3], which differs from tensor 0 [1, 2] beyond dim 0');
    expect(shape.details).toEqual({ index: 1 });
    expect(thrown(() => Tensor.concat([a, Tensor.zeros('float32', [2])])).details).toEqual({ index: 1 });
  });

  it('concatenates bigint and string tensors element for element', () => {
    const ints = Tensor.concat([Tensor.from('int64', [1n, 2n ** 62n], [2]), Tensor.from('int64', [-3n], [1])]);
    expect(Array.from(ints.data as BigInt64Array)).toEqual([1n, 2n ** 62n, -3n]);
    const strings = Tensor.concat([Tensor.from('string', ['a'], [1, 1]), Tensor.from('string', ['b', 'c'], [2, 1])]);
    expect(strings.shape).toEqual([3, 1]);
    expect(strings.data).toEqual(['a', 'b', 'c']);
  });

  it('gives the dtypes of a string/number cast and the element of an inexact one', () => {
    const strings = thrown(() => Tensor.from('string', ['1'], [1]).cast('int32'));
    expect(strings.message).toBe('cast string[1] to int32: strings only cast to strings');
    expect(strings.details).toEqual({ from: 'string', to: 'int32' });
    expect(thrown(() => Tensor.zeros('int32', [1]).cast('string')).details).toEqual({ from: 'int32', to: 'string' });
    const inexact = thrown(() => Tensor.from('int32', [1, 2049], [2]).cast('float16'));
    expect(inexact.message).toBe('cast int32[2] to float16: element 1 (2049) would become 2048');
    expect(inexact.details).toEqual({ index: 1, value: '2049', from: 'int32', to: 'float16' });
    expect(Tensor.from('int32', [1, 2048], [2]).cast('float16').toArray()).toEqual([1, 2048]);
    expect(Tensor.from('uint8', [255], [1]).cast('float32').toArray()).toEqual([255]);
    expect(Tensor.from('bool', [true, false], [2]).cast('bfloat16').toArray()).toEqual([1, 0]);
  });

  it('gives start and end of a slice with a fractional index', () => {
    const error = thrown(() => Tensor.zeros('float32', [3]).slice(0.5, 2));
    expect(error.message).toBe('slice float32[3]: start and end must be integers, got 0.5 and 2');
    expect(error.details).toEqual({ start: 0.5, end: 2 });
  });

  it('writes 64-bit integers within the safe range as numbers, its ends included, and beyond it as strings', () => {
    const edge = Tensor.from('int64', [BigInt(Number.MIN_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER), BigInt(Number.MIN_SAFE_INTEGER) - 1n, BigInt(Number.MAX_SAFE_INTEGER) + 1n], [4]);
    expect(edge.toJSON().data).toEqual([Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, '-9007199254740992', '9007199254740992']);
  });

  it('lists at most 10 keys of a malformed v2 tensor and counts the rest', () => {
    const keys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i])) as unknown as V2Tensor;
    const ten = 'k0, k1, k2, k3, k4, k5, k6, k7, k8, k9';
    expect(thrown(() => Tensor.fromJSON(keys(10))).message).toBe(`a v2 tensor needs name, datatype, shape (array) and data (array), got an object with keys ${ten}`);
    expect(thrown(() => Tensor.fromJSON(keys(11))).message).toBe(`a v2 tensor needs name, datatype, shape (array) and data (array), got an object with keys ${ten} and 1 more`);
    expect(thrown(() => Tensor.fromJSON({ name: 'x', datatype: 'FP32', shape: [1], data: 'abc' } as unknown as V2Tensor)).message).toBe(
      'a v2 tensor needs name, datatype, shape (array) and data (array), got an object with keys name, datatype, shape, data',
    );
  });
});
