import { describe, expect, it } from 'vitest';
import { fromPlain, readFloat } from './convert';

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

describe('readFloat', () => {
  it('decodes half-precision bits and passes other floats through', () => {
    expect(readFloat('float16', new Uint16Array([0x3c00]), 0)).toBe(1);
    expect(readFloat('bfloat16', new Uint16Array([0x4000]), 0)).toBe(2);
    expect(readFloat('float32', new Float32Array([0.5]), 0)).toBe(0.5);
  });
});
