import { describe, expect, it } from 'vitest';
import { fromPlain, readFloat } from './convert';
import { thrown } from './thrown.fixture';

describe('fromPlain', () => {
  it('allocates the exact array type when values fit', () => {
    expect(fromPlain('uint16', [0, 65535])).toEqual(new Uint16Array([0, 65535]));
    expect(fromPlain('int64', [' -7 ', 3])).toEqual(new BigInt64Array([-7n, 3n]));
    expect(fromPlain('float32', [0.5, 2n])).toEqual(new Float32Array([0.5, 2]));
    expect(fromPlain('string', ['a'])).toEqual(['a']);
  });

  it('throws INVALID_INPUT with index, value and dtype in details when a value would change', () => {
    expect(() => fromPlain('int32', [1, 2, 3.25])).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: 'element 2 (3.25) cannot be stored as int32: not an integer', details: { index: 2, value: 3.25, dtype: 'int32' } }),
    );
    expect(() => fromPlain('uint64', [2n ** 64n])).toThrow(expect.objectContaining({ details: { index: 0, value: '18446744073709551616', dtype: 'uint64' } }));
    expect(() => fromPlain('int64', [Number.MAX_SAFE_INTEGER + 2])).toThrow(/beyond 2\^53/);
    expect(() => fromPlain('float64', [undefined as unknown as number])).toThrow(/element 0 \(undefined\).*not a number/);
    expect(() => fromPlain('bfloat16', [2n ** 200n])).toThrow(/nearest bfloat16/);
  });
});

describe('fromPlain refusals', () => {
  const refusal = thrown;

  it('gives a bigint as its digits, a string as is, an object quoted and a number as is in the details', () => {
    expect(refusal(() => fromPlain('int8', [1n, 200n])).details).toEqual({ index: 1, value: '200', dtype: 'int8' });
    expect(refusal(() => fromPlain('int8', ['x'])).details).toEqual({ index: 0, value: 'x', dtype: 'int8' });
    expect(refusal(() => fromPlain('int64', [{} as unknown as number])).details).toEqual({ index: 0, value: 'an object (Object)', dtype: 'int64' });
    expect(refusal(() => fromPlain('bool', [null as unknown as number])).details).toEqual({ index: 0, value: null, dtype: 'bool' });
    expect(refusal(() => fromPlain('bool', [2])).details).toEqual({ index: 0, value: 2, dtype: 'bool' });
    expect(refusal(() => fromPlain('int64', [`${'1'.repeat(100)}`])).details).toEqual({ index: 0, value: `${'1'.repeat(80)}… (100 chars)`, dtype: 'int64' });
  });

  it('says why a value is not a 64-bit integer: a fraction, beyond 2^53, too long a string, not decimal digits', () => {
    expect(refusal(() => fromPlain('int64', [1.5])).message).toBe('element 0 (1.5) cannot be stored as int64: not an integer');
    expect(refusal(() => fromPlain('uint64', [0, 2 ** 53])).message).toBe(`element 1 (${2 ** 53}) cannot be stored as uint64: beyond 2^53 a number is not exact; pass a bigint`);
    const long = '1'.repeat(65);
    expect(refusal(() => fromPlain('int64', [long])).message).toBe(`element 0 ("${long}") cannot be stored as int64: a decimal string of 65 chars is beyond any 64-bit integer`);
    for (const text of ['12abc', 'abc12', '1e3', '']) {
      expect(refusal(() => fromPlain('int64', [text])).message).toBe(`element 0 (${JSON.stringify(text)}) cannot be stored as int64: not an integer`);
    }
    expect(refusal(() => fromPlain('int64', [Symbol('s') as unknown as number])).message).toBe('element 0 (a symbol) cannot be stored as int64: not an integer');
  });

  it('reads a decimal string of exactly 64 chars, leading zeros and spaces included, and booleans as 0 and 1', () => {
    expect(fromPlain('int64', [`${'0'.repeat(62)}42`, ' -5 ', true, false])).toEqual(new BigInt64Array([42n, -5n, 1n, 0n]));
  });

  it('says why a value is refused as string, bool or a range-checked integer', () => {
    expect(refusal(() => fromPlain('string', ['a', 1])).message).toBe('element 1 (1) cannot be stored as string: not a string');
    expect(refusal(() => fromPlain('bool', [true, 'yes'])).message).toBe('element 1 ("yes") cannot be stored as bool: bool takes true/false or 1/0');
    expect(refusal(() => fromPlain('int64', [2n ** 63n])).message).toBe(`element 0 (${2n ** 63n}n) cannot be stored as int64: out of range [${-(2n ** 63n)}, ${2n ** 63n - 1n}]`);
    expect(refusal(() => fromPlain('uint8', [256])).message).toBe('element 0 (256) cannot be stored as uint8: out of range [0, 255]');
    expect(refusal(() => fromPlain('uint8', ['1'])).message).toBe('element 0 ("1") cannot be stored as uint8: not an integer');
  });

  it('checks a bigint against a 32-bit range at both ends, the ends included', () => {
    expect(fromPlain('int32', [2147483647n, -2147483648n, true])).toEqual(new Int32Array([2147483647, -2147483648, 1]));
    expect(refusal(() => fromPlain('int32', [2147483648n])).message).toBe('element 0 (2147483648n) cannot be stored as int32: out of range [-2147483648, 2147483647]');
    expect(refusal(() => fromPlain('int32', [-2147483649n])).details).toEqual({ index: 0, value: '-2147483649', dtype: 'int32' });
    expect(refusal(() => fromPlain('uint8', [-1n])).message).toBe('element 0 (-1n) cannot be stored as uint8: out of range [0, 255]');
  });

  it('refuses a bigint a float cannot hold exactly, naming the nearest value', () => {
    expect(refusal(() => fromPlain('float32', [2n ** 24n + 1n])).message).toBe(`element 0 (${2n ** 24n + 1n}n) cannot be stored as float32: the nearest float32 is ${2 ** 24}`);
    expect(refusal(() => fromPlain('float16', [2n ** 20n])).message).toBe(`element 0 (${2n ** 20n}n) cannot be stored as float16: the nearest float16 is Infinity`);
    expect(fromPlain('float64', [2n ** 60n, 'NaN', '-Infinity'])).toEqual(new Float64Array([2 ** 60, Number.NaN, Number.NEGATIVE_INFINITY]));
    expect(refusal(() => fromPlain('float64', ['nan'])).message).toBe('element 0 ("nan") cannot be stored as float64: not a number');
    expect(refusal(() => fromPlain('float64', ['constructor'])).message).toBe('element 0 ("constructor") cannot be stored as float64: not a number');
  });
});

describe('readFloat', () => {
  it('decodes half-precision bits and passes other floats through', () => {
    expect(readFloat('float16', new Uint16Array([0x3c00]), 0)).toBe(1);
    expect(readFloat('bfloat16', new Uint16Array([0x4000]), 0)).toBe(2);
    expect(readFloat('float32', new Float32Array([0.5]), 0)).toBe(0.5);
  });
});
