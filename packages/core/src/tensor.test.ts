import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { DTYPES, type DType, bfloat16BitsToNumber, float16BitsToNumber, isFloat } from './dtype';
import { InferoxError } from './inferox-error';
import { type ScalarLike, Tensor, type V2Tensor } from './tensor';
import type * as TensorModule from './tensor';
import { thrown } from './internal/thrown.fixture';

function expectInvalid(fn: () => unknown, ...facts: string[]): InferoxError {
  const error = thrown(fn);
  expect(error.code).toBe('INVALID_INPUT');
  for (const fact of facts) expect(error.message).toContain(fact);
  return error;
}

describe('Tensor', () => {
  describe('construction', () => {
    it('takes a typed array without copying when it matches the dtype', () => {
      const data = new Float32Array([1, 2, 3, 4, 5, 6]);
      const t = Tensor.from('float32', data, [2, 3]);
      expect(t.data).toBe(data);
      expect(t.size).toBe(6);
      expect(t.rank).toBe(2);
      expect(t.describe()).toBe('float32[2, 3]');
      expect(Object.isFrozen(t.shape)).toBe(true);
    });

    it('converts plain numbers exactly when the dtype is int64', () => {
      const t = Tensor.from('int64', [101, 2023, -102, 2n ** 62n, '9007199254740993'], [5]);
      expect(t.data).toBeInstanceOf(BigInt64Array);
      expect(Array.from(t.data)).toEqual([101n, 2023n, -102n, 2n ** 62n, 9007199254740993n]);
    });

    it('refuses 2^53+1 given as a number when the dtype is int64', () => {
      const error = expectInvalid(() => Tensor.from('int64', [1, 2 ** 53 + 1], [2]), 'element 1', '9007199254740992', 'int64', 'bigint');
      expect(error.details).toMatchObject({ index: 1, value: 2 ** 53 });
    });

    it.each([
      ['int32', 1.5, '1.5'],
      ['int8', Number.NaN, 'NaN'],
      ['uint8', 300, '300'],
      ['uint8', -1, '-1'],
      ['int16', 40000, '40000'],
      ['uint32', 2n ** 32n, '4294967296n'],
      ['uint64', -1n, '-1n'],
      ['int64', 2n ** 63n, '9223372036854775808n'],
      ['int64', 0.5, '0.5'],
      ['int64', 'abc', '"abc"'],
      ['bool', 2, '2'],
      ['int32', 'x', '"x"'],
      ['float32', 'x', '"x"'],
      ['string', 1, '1'],
      ['float64', 2n ** 53n + 1n, '9007199254740993n'],
      ['float16', 2049n, '2049n'],
    ] as const)('refuses as %s the value %s with INVALID_INPUT naming index and value', (dtype, value, shown) => {
      const error = expectInvalid(() => Tensor.from(dtype as DType, [dtype === 'string' ? '' : 0, value as ScalarLike], [2]), 'element 1', shown, dtype);
      expect(error.details).toMatchObject({ index: 1, dtype });
    });

    it('accepts booleans, 0/1 and bigints as bool and integers when they are exact', () => {
      expect(Array.from(Tensor.from('bool', [true, false, 1, 0, 1n, 0n], [6]).data)).toEqual([1, 0, 1, 0, 1, 0]);
      expect(Array.from(Tensor.from('int8', [true, -128n, 127], [3]).data)).toEqual([1, -128, 127]);
      expect(Array.from(Tensor.from('float64', [true, 3n, 0.25, 'NaN', 'Infinity', '-Infinity'], [6]).data)).toEqual([
        1,
        3,
        0.25,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
      ]);
      expect(Array.from(Tensor.from('uint64', [2n ** 64n - 1n], [1]).data)).toEqual([2n ** 64n - 1n]);
      expect(Array.from(Tensor.from('int64', [true, false], [2]).data)).toEqual([1n, 0n]);
    });

    it('encodes float16 and bfloat16 from numbers when given plain values', () => {
      expect(Array.from(Tensor.from('float16', [1, -2, 65504], [3]).data)).toEqual([0x3c00, 0xc000, 0x7bff]);
      expect(Array.from(Tensor.from('bfloat16', [1, -2], [2]).data)).toEqual([0x3f80, 0xc000]);
      expect(Tensor.from('float16', [0.1], [1]).toArray()).toEqual([float16BitsToNumber(0x2e66)]);
    });

    it('builds a scalar when the shape is empty', () => {
      const t = Tensor.from('float32', [7], []);
      expect(t.size).toBe(1);
      expect(t.rank).toBe(0);
      expect(t.describe()).toBe('float32[]');
    });

    it('builds empty tensors when a dim is 0', () => {
      const t = Tensor.from('float32', [], [0, 4]);
      expect(t.size).toBe(0);
      expect(t.shape).toEqual([0, 4]);
      expect(Tensor.zeros('string', [3, 0]).data).toEqual([]);
      expect(t.toJSON('e')).toEqual({ name: 'e', datatype: 'FP32', shape: [0, 4], data: [] });
    });

    it('refuses bad shapes naming the entry when a dim is negative, fractional or not a number', () => {
      expectInvalid(() => Tensor.zeros('float32', [2, -1]), 'shape[1]', '-1');
      expectInvalid(() => Tensor.zeros('float32', [1.5]), 'shape[0]', '1.5');
      expectInvalid(() => Tensor.zeros('float32', ['2' as unknown as number]), 'shape[0]', '2');
      expectInvalid(() => Tensor.from('float32', [], 'x' as unknown as number[]), 'shape must be an array', 'x');
      expectInvalid(() => Tensor.zeros('float32', [2 ** 30, 2 ** 30]), 'more elements than can be addressed');
    });

    it('refuses a length mismatch naming shape, expected and given counts', () => {
      const error = expectInvalid(() => Tensor.from('float32', new Float32Array(5), [2, 3]), '[2, 3]', '6', '5');
      expect(error.details).toMatchObject({ expected: 6, given: 5 });
    });

    it('refuses the wrong array type naming both types when a typed array does not match the dtype', () => {
      expectInvalid(() => Tensor.from('float32', new Float64Array(2) as unknown as Float32Array, [2]), 'float32', 'Float32Array', 'Float64Array');
      expectInvalid(() => Tensor.from('int64', new Int32Array(2) as unknown as BigInt64Array, [2]), 'BigInt64Array', 'Int32Array');
      expectInvalid(() => Tensor.from('int32', null as unknown as Int32Array, [0]), 'object');
    });

    it('refuses an unknown dtype naming it', () => {
      expectInvalid(() => Tensor.zeros('float8' as DType, [1]), '"float8"');
    });
  });

  describe('reshape', () => {
    const t = Tensor.from('int32', [1, 2, 3, 4, 5, 6], [2, 3]);

    it('returns a view sharing the data when the sizes match', () => {
      const r = t.reshape([3, 2]);
      expect(r.shape).toEqual([3, 2]);
      expect(r.data).toBe(t.data);
    });

    it('infers one -1 dim when given', () => {
      expect(t.reshape([-1]).shape).toEqual([6]);
      expect(t.reshape([3, -1]).shape).toEqual([3, 2]);
      expect(Tensor.zeros('float32', [0, 3]).reshape([-1, 3]).shape).toEqual([0, 3]);
    });

    it('refuses two -1 dims, indivisible or ambiguous inference, and size changes naming the shapes', () => {
      expectInvalid(() => t.reshape([-1, -1]), '[-1, -1]', 'at most one');
      expectInvalid(() => t.reshape([4, -1]), 'int32[2, 3]', '[4, -1]', 'divide');
      expectInvalid(() => Tensor.zeros('float32', [0, 3]).reshape([0, -1]), '[0, -1]');
      expectInvalid(() => t.reshape([4, 2]), 'int32[2, 3]', '[4, 2]', 'element counts differ');
      expectInvalid(() => t.reshape([-2, 3]), '-2');
    });
  });

  describe('cast', () => {
    it('converts exactly when every value fits', () => {
      const c = Tensor.from('float32', [1, -2, 3], [3]).cast('int8');
      expect(c.dtype).toBe('int8');
      expect(Array.from(c.data)).toEqual([1, -2, 3]);
      expect(Array.from(Tensor.from('int64', [2n ** 40n], [1]).cast('float64').data)).toEqual([2 ** 40]);
      expect(Array.from(Tensor.from('int32', [5], [1]).cast('int64').data)).toEqual([5n]);
      expect(Array.from(Tensor.from('bool', [true, false], [2]).cast('float16').data)).toEqual([0x3c00, 0]);
      expect(Tensor.from('string', ['a'], [1]).cast('string').toArray()).toEqual(['a']);
    });

    it('rounds when casting floats to narrower floats', () => {
      expect(Tensor.from('float64', [0.1], [1]).cast('float32').toArray()).toEqual([Math.fround(0.1)]);
      expect(Tensor.from('float32', [1 / 3], [1]).cast('bfloat16').toArray()).toEqual([bfloat16BitsToNumber(0x3eab)]);
    });

    it('refuses values the target cannot hold, naming the element', () => {
      expectInvalid(() => Tensor.from('float32', [1, 1.5], [2]).cast('int32'), 'element 1', '1.5');
      expectInvalid(() => Tensor.from('int32', [0, 300], [2]).cast('uint8'), 'element 1', '300');
      expectInvalid(() => Tensor.from('float64', [Number.NaN], [1]).cast('int64'), 'element 0', 'NaN');
      expectInvalid(() => Tensor.from('int32', [2049], [1]).cast('float16'), 'element 0', '2049', '2048');
      expectInvalid(() => Tensor.from('int64', [2n ** 53n + 1n], [1]).cast('float64'), 'element 0', '9007199254740993');
      expectInvalid(() => Tensor.from('uint64', [2n ** 64n - 1n], [1]).cast('float16'), 'element 0', 'Infinity');
    });

    it('refuses casts between strings and numbers naming both dtypes', () => {
      expectInvalid(() => Tensor.from('string', ['1'], [1]).cast('int32'), 'string[1]', 'int32');
      expectInvalid(() => Tensor.from('int32', [1], [1]).cast('string'), 'int32[1]', 'string');
      expectInvalid(() => Tensor.from('int32', [1], [1]).cast('float8' as DType), '"float8"');
    });
  });

  describe('slice', () => {
    const t = Tensor.from('int32', [0, 1, 2, 3, 4, 5, 6, 7], [4, 2]);

    it('returns rows [start, end) as a view when given indices', () => {
      const s = t.slice(1, 3);
      expect(s.shape).toEqual([2, 2]);
      expect(Array.from(s.data)).toEqual([2, 3, 4, 5]);
      expect(s.data.buffer).toBe(t.data.buffer);
    });

    it('counts negative indices from the end and clamps when out of range', () => {
      expect(Array.from(t.slice(-1).data)).toEqual([6, 7]);
      expect(t.slice(3, 1).shape).toEqual([0, 2]);
      expect(t.slice(-10, 10).shape).toEqual([4, 2]);
      expect(t.slice(2).shape).toEqual([2, 2]);
    });

    it('copies string rows when the dtype is string', () => {
      const s = Tensor.from('string', ['a', 'b', 'c'], [3]);
      expect(s.slice(1).data).toEqual(['b', 'c']);
    });

    it('slices empty tensors when dim 0 is 0', () => {
      expect(Tensor.zeros('float32', [0, 3]).slice(0, 1).shape).toEqual([0, 3]);
    });

    it('refuses scalars and fractional indices naming them', () => {
      expectInvalid(() => Tensor.from('float32', [1], []).slice(0), 'slice', 'scalar', 'float32[]');
      expectInvalid(() => t.slice(0.5, 2), '0.5');
    });
  });

  describe('concat and split', () => {
    it('concatenates on dim 0 into a fresh array when shapes agree beyond dim 0', () => {
      const a = Tensor.from('int64', [1n, 2n], [1, 2]);
      const b = Tensor.from('int64', [3n, 4n, 5n, 6n], [2, 2]);
      const c = Tensor.concat([a, b]);
      expect(c.shape).toEqual([3, 2]);
      expect(Array.from(c.data)).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
      expect(c.data.buffer).not.toBe(a.data.buffer);
      expect(Tensor.concat([Tensor.from('string', ['x'], [1]), Tensor.from('string', ['y', 'z'], [2])]).data).toEqual(['x', 'y', 'z']);
      expect(Tensor.concat([Tensor.zeros('float32', [0, 2]), Tensor.zeros('float32', [0, 2])]).shape).toEqual([0, 2]);
    });

    it('refuses empty lists, scalars and mismatches naming the index', () => {
      expectInvalid(() => Tensor.concat([]), 'at least one');
      expectInvalid(() => Tensor.concat([Tensor.from('float32', [1], [])]), 'scalar');
      expectInvalid(() => Tensor.concat<DType>([Tensor.zeros('float32', [1]), Tensor.zeros('int32', [1])]), 'tensor 1', 'int32', 'float32');
      expectInvalid(() => Tensor.concat([Tensor.zeros('float32', [1, 2]), Tensor.zeros('float32', [1, 3])]), 'tensor 1', '[1, 3]', '[1, 2]');
      expectInvalid(() => Tensor.concat([Tensor.zeros('float32', [1, 2]), Tensor.zeros('float32', [2])]), 'tensor 1', '[2]');
    });

    it('splits on dim 0 into views of the given row counts', () => {
      const t = Tensor.from('float32', [1, 2, 3, 4, 5, 6], [3, 2]);
      const [a, b, c] = t.split([1, 0, 2]);
      expect(a!.shape).toEqual([1, 2]);
      expect(b!.shape).toEqual([0, 2]);
      expect(Array.from(c!.data)).toEqual([3, 4, 5, 6]);
    });

    it('splits into views of disjoint rows: a write through one part reaches the parent, never another part', () => {
      const t = Tensor.from('float32', [1, 2, 3, 4, 5, 6], [3, 2]);
      const [a, b] = t.split([1, 2]);
      a!.data[1] = 20;
      b!.data[0] = 30;
      expect(Array.from(t.data)).toEqual([1, 20, 30, 4, 5, 6]);
      expect(Array.from(a!.data)).toEqual([1, 20]);
      expect(Array.from(b!.data)).toEqual([30, 4, 5, 6]);
      expect(a!.data.buffer).toBe(t.data.buffer);
      expect([a!.size, b!.size]).toEqual([2, 4]);
      expect(Object.isFrozen(a!.shape) && Object.isFrozen(b!.shape)).toBe(true);
      // A part is a tensor of its own: reshaping and disposing it leave its sibling and the parent alone.
      expect(b!.reshape([4]).shape).toEqual([4]);
      b!.dispose();
      expect(Array.from(a!.data)).toEqual([1, 20]);
      expect(t.disposed).toBe(false);
    });

    it('splits string tensors into copies: a write to one part reaches neither the parent nor another part', () => {
      const t = Tensor.from('string', ['a', 'b', 'c'], [3]);
      const [a, b] = t.split([2, 1]);
      a!.data[0] = 'z';
      expect(t.data).toEqual(['a', 'b', 'c']);
      expect([a!.data, b!.data]).toEqual([['z', 'b'], ['c']]);
    });

    it('splits a tensor with a zero dim beyond dim 0 into empty parts of the right shape', () => {
      const parts = Tensor.zeros('int32', [3, 0, 2]).split([2, 1]);
      expect(parts.map((p) => [p.shape, p.size, p.data.length])).toEqual([
        [[2, 0, 2], 0, 0],
        [[1, 0, 2], 0, 0],
      ]);
    });

    it('reads the data of a disposed tensor only when a part is asked for', () => {
      const t = Tensor.zeros('float32', [0, 2]);
      t.dispose();
      expect(t.split([])).toEqual([]);
      expect(thrown(() => t.split([0])).code).toBe('DISPOSED');
      expect(thrown(() => t.slice(0)).code).toBe('DISPOSED');
    });

    it('refuses split sizes that do not sum to dim 0 or are negative, naming them', () => {
      const t = Tensor.zeros('float32', [3]);
      expectInvalid(() => t.split([1, 1]), '[1, 1]', 'sum to 2', 'dim 0 is 3');
      expectInvalid(() => t.split([4, -1]), 'split sizes[1]', '-1');
      expectInvalid(() => Tensor.zeros('float32', []).split([1]), 'split', 'scalar');
    });

    it('round-trips through split when concatenated (property)', () => {
      fc.assert(
        fc.property(
          fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 5 }),
          fc.array(fc.nat({ max: 3 }), { maxLength: 2 }),
          fc.constantFrom<DType>(...DTYPES),
          (rows, inner, dtype) => {
            const parts = rows.map((r, k) =>
              Tensor.from(
                dtype,
                Array.from({ length: r * inner.reduce((a, b) => a * b, 1) }, (_, i) => sample(dtype, k * 31 + i)),
                [r, ...inner],
              ),
            );
            const whole = Tensor.concat(parts);
            expect(whole.shape).toEqual([rows.reduce((a, b) => a + b, 0), ...inner]);
            const back = whole.split(rows);
            back.forEach((p, k) => {
              expect(p.shape).toEqual(parts[k]!.shape);
              expect(p.toArray()).toEqual(parts[k]!.toArray());
            });
          },
        ),
      );
    });
  });

  describe('JSON (Open Inference Protocol v2)', () => {
    it('writes name, datatype, shape and flat data when toJSON is called', () => {
      expect(Tensor.from('int64', [1, 2n ** 60n], [1, 2]).toJSON('ids')).toEqual({
        name: 'ids',
        datatype: 'INT64',
        shape: [1, 2],
        data: [1, '1152921504606846976'],
      });
      expect(Tensor.from('bool', [true, false], [2]).toJSON()).toEqual({ name: '', datatype: 'BOOL', shape: [2], data: [true, false] });
      expect(Tensor.from('float16', [0.5], [1]).toJSON('h').data).toEqual([0.5]);
      expect(Tensor.from('float32', [Number.NaN, Number.NEGATIVE_INFINITY], [2]).toJSON('f').data).toEqual(['NaN', '-Infinity']);
      expect(JSON.stringify(Tensor.from('string', ['a'], [1]))).toBe('{"name":"","datatype":"BYTES","shape":[1],"data":["a"]}');
    });

    it('reads the v2 form back when fromJSON is given it', () => {
      const t = Tensor.fromJSON({ name: 'x', datatype: 'UINT64', shape: [2], data: [1, '18446744073709551615'] });
      expect(t.dtype).toBe('uint64');
      expect(Array.from(t.data as BigUint64Array)).toEqual([1n, 2n ** 64n - 1n]);
    });

    it('refuses malformed v2 tensors naming the tensor and what is wrong', () => {
      expectInvalid(() => Tensor.fromJSON(null as unknown as V2Tensor), 'null');
      expectInvalid(() => Tensor.fromJSON({ name: 'x', datatype: 'FP32' } as unknown as V2Tensor), 'name, datatype', 'keys name, datatype');
      expectInvalid(() => Tensor.fromJSON({} as unknown as V2Tensor), 'keys (none)');
      expectInvalid(() => Tensor.fromJSON({ name: 'x', datatype: 'FP8', shape: [1], data: [1] }), '"x"', '"FP8"');
      const error = expectInvalid(() => Tensor.fromJSON({ name: 'ids', datatype: 'INT32', shape: [2], data: [1, 1.5] }), '"ids"', 'element 1', '1.5');
      expect(error.details).toMatchObject({ name: 'ids', index: 1 });
      expect(error.cause).toBeInstanceOf(InferoxError);
      expectInvalid(() => Tensor.fromJSON({ datatype: 'INT32', shape: [3], data: [1] } as unknown as V2Tensor), '(unnamed)', '3', '1');
    });

    it('round-trips every dtype through JSON text when serialised and parsed (property)', () => {
      fc.assert(
        fc.property(
          fc.constantFrom<DType>(...DTYPES),
          fc.array(fc.nat({ max: 3 }), { maxLength: 3 }),
          fc.integer(),
          fc.string(),
          (dtype, shape, seed, name) => {
            const size = shape.reduce((a, b) => a * b, 1);
            const t = Tensor.from(dtype, Array.from({ length: size }, (_, i) => sample(dtype, seed + i)), shape);
            const json = JSON.parse(JSON.stringify(t.toJSON(name))) as V2Tensor;
            expect(json.name).toBe(name);
            const back = Tensor.fromJSON(json);
            expect(back.dtype).toBe(dtype);
            expect(back.shape).toEqual(shape);
            expect(sameValues(back.toArray(), t.toArray())).toBe(true);
            // JSON text has no -0, so floats compare by value; everything else must come back bit for bit.
            if (!isFloat(dtype)) expect(back.data).toEqual(t.data);
          },
        ),
      );
    });
  });

  describe('dispose', () => {
    it('throws DISPOSED naming the tensor when data is read after dispose, and dispose is idempotent', () => {
      const t = Tensor.from('float32', [1, 2], [2]);
      const view = t.slice(0, 1);
      t.dispose();
      t.dispose();
      expect(t.disposed).toBe(true);
      const error = thrown(() => t.data);
      expect(error.code).toBe('DISPOSED');
      expect(error.message).toContain('float32[2]');
      expect(thrown(() => t.toArray()).code).toBe('DISPOSED');
      expect(thrown(() => t.reshape([2])).code).toBe('DISPOSED');
      expect(thrown(() => Tensor.concat([t])).code).toBe('DISPOSED');
      expect(Array.from(view.data)).toEqual([1]);
    });

    it('disposes at the end of a using block when Symbol.dispose is called', () => {
      const t = Tensor.zeros('int8', [1]);
      t[Symbol.dispose]();
      expect(t.disposed).toBe(true);
    });
  });
});

/** A deterministic value of `dtype` that the dtype holds exactly, spread across its range (including extremes). */
function sample(dtype: DType, seed: number): ScalarLike {
  const k = Math.abs(seed) % 7;
  switch (dtype) {
    case 'bool':
      return seed % 2 === 0;
    case 'string':
      return ['', 'a', 'héllo', '"q"', '\u{1F600}', ' ', 'x'][k]!;
    case 'int64':
      return [0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, BigInt(seed), 42n][k]!;
    case 'uint64':
      return [0n, 1n, 2n ** 64n - 1n, 2n ** 53n + 1n, BigInt(Math.abs(seed)), 7n, 2n ** 32n][k]!;
    case 'float16':
      return float16BitsToNumber([0, 0x3c00, 0x7bff, 0x0001, 0xfc00, Math.abs(seed) & 0x7bff, 0x8000][k]!);
    case 'bfloat16':
      return bfloat16BitsToNumber([0, 0x3f80, 0x7f7f, 0x0001, 0xff80, Math.abs(seed) & 0x7f7f, 0x8000][k]!);
    case 'float32':
      return [0, -0, Math.fround(0.1), 3.4028234663852886e38, Number.NaN, Number.POSITIVE_INFINITY, Math.fround(seed)][k]!;
    case 'float64':
      return [0, -0, 0.1, Number.MAX_VALUE, Number.NaN, Number.NEGATIVE_INFINITY, seed / 3][k]!;
    default: {
      const bits = { uint8: 8, int8: 8, uint16: 16, int16: 16, uint32: 32, int32: 32 }[dtype];
      const signed = dtype.startsWith('int');
      const lo = signed ? -(2 ** (bits - 1)) : 0;
      const hi = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
      return [lo, hi, 0, 1, Math.min(hi, Math.max(lo, seed)), hi - 1, lo + 1][k]!;
    }
  }
}

function sameValues(a: readonly ScalarLike[], b: readonly ScalarLike[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]) || (typeof v === 'number' && v === b[i]));
}

describe('Tensor across copies of the package', () => {
  it('is instanceof Tensor when made by another copy, and plain look-alikes are not', async () => {
    // A second copy of this module, as an app bundling core next to an installed core would have.
    vi.resetModules();
    const other: typeof TensorModule = await import('./tensor');
    expect(other.Tensor).not.toBe(Tensor);
    const foreign = other.Tensor.from('float32', [1, 2], [2]);
    expect(foreign instanceof Tensor).toBe(true);
    expect(Tensor.from('int32', [1], [1]) instanceof other.Tensor).toBe(true);
    expect({ dtype: 'float32', shape: [1], data: new Float32Array(1) } instanceof Tensor).toBe(false);
    expect((null as unknown) instanceof Tensor).toBe(false);
  });
});
