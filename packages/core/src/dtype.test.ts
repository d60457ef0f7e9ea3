import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DTYPES,
  type DType,
  allocData,
  bfloat16BitsToNumber,
  byteSizeOf,
  dataTypeName,
  dtypeFromV2,
  dtypeInfo,
  dtypeToV2,
  float16BitsToNumber,
  isDType,
  isDataFor,
  isFloat,
  isInt,
  isSigned,
  numberToBfloat16Bits,
  numberToFloat16Bits,
} from './dtype';
import { thrown } from './internal/thrown.fixture';

const TABLE: Record<DType, { bytes: number; float: boolean; int: boolean; signed: boolean; v2: string; array: string }> = {
  bool: { bytes: 1, float: false, int: false, signed: false, v2: 'BOOL', array: 'Uint8Array' },
  uint8: { bytes: 1, float: false, int: true, signed: false, v2: 'UINT8', array: 'Uint8Array' },
  int8: { bytes: 1, float: false, int: true, signed: true, v2: 'INT8', array: 'Int8Array' },
  uint16: { bytes: 2, float: false, int: true, signed: false, v2: 'UINT16', array: 'Uint16Array' },
  int16: { bytes: 2, float: false, int: true, signed: true, v2: 'INT16', array: 'Int16Array' },
  uint32: { bytes: 4, float: false, int: true, signed: false, v2: 'UINT32', array: 'Uint32Array' },
  int32: { bytes: 4, float: false, int: true, signed: true, v2: 'INT32', array: 'Int32Array' },
  int64: { bytes: 8, float: false, int: true, signed: true, v2: 'INT64', array: 'BigInt64Array' },
  uint64: { bytes: 8, float: false, int: true, signed: false, v2: 'UINT64', array: 'BigUint64Array' },
  float16: { bytes: 2, float: true, int: false, signed: true, v2: 'FP16', array: 'Uint16Array' },
  bfloat16: { bytes: 2, float: true, int: false, signed: true, v2: 'BF16', array: 'Uint16Array' },
  float32: { bytes: 4, float: true, int: false, signed: true, v2: 'FP32', array: 'Float32Array' },
  float64: { bytes: 8, float: true, int: false, signed: true, v2: 'FP64', array: 'Float64Array' },
  string: { bytes: 0, float: false, int: false, signed: false, v2: 'BYTES', array: 'string[]' },
};

describe('DType', () => {
  it('lists the fourteen dtypes of the issue when DTYPES is read', () => {
    expect([...DTYPES].sort()).toEqual(Object.keys(TABLE).sort());
  });

  it.each(DTYPES)('reports byte size, kind, v2 name and array type when asked about %s', (dtype) => {
    const want = TABLE[dtype];
    expect(byteSizeOf(dtype)).toBe(want.bytes);
    expect(isFloat(dtype)).toBe(want.float);
    expect(isInt(dtype)).toBe(want.int);
    expect(isSigned(dtype)).toBe(want.signed);
    expect(dtypeToV2(dtype)).toBe(want.v2);
    expect(dtypeFromV2(want.v2)).toBe(dtype);
    expect(dataTypeName(dtype)).toBe(want.array);
    const data = allocData(dtype, 3);
    expect(isDataFor(dtype, data)).toBe(true);
    expect(data.length).toBe(3);
    expect(dtype === 'string' ? data : Array.from(data as ArrayLike<unknown>, Number)).toEqual(dtype === 'string' ? ['', '', ''] : [0, 0, 0]);
    expect(dtypeInfo(dtype)).not.toHaveProperty('ctor');
  });

  it('gives integer ranges, 64-bit as bigint, when dtypeInfo is asked about integer types', () => {
    expect(dtypeInfo('uint8')).toMatchObject({ min: 0, max: 255 });
    expect(dtypeInfo('int32')).toMatchObject({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    expect(dtypeInfo('int64')).toMatchObject({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    expect(dtypeInfo('uint64')).toMatchObject({ min: 0n, max: 2n ** 64n - 1n });
    expect(dtypeInfo('float32').min).toBeUndefined();
  });

  it('throws INVALID_INPUT naming the dtype when it is unknown, including Object.prototype names', () => {
    for (const name of ['float8', 'toString', 'constructor', '__proto__']) {
      expect(isDType(name)).toBe(false);
      const error = thrown(() => dtypeInfo(name as DType));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain(JSON.stringify(name));
      expect(error.message).toContain('float32');
      expect(dataTypeName(name as DType)).toBe('unknown');
      expect(isDataFor(name as DType, new Uint8Array(1))).toBe(false);
      expect(thrown(() => allocData(name as DType, 1)).code).toBe('INVALID_INPUT');
    }
    expect(isDType(7)).toBe(false);
  });

  it('throws INVALID_INPUT naming the datatype when a v2 name is unknown or inherited', () => {
    for (const name of ['FP8', 'toString', 'hasOwnProperty']) {
      const error = thrown(() => dtypeFromV2(name));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain(JSON.stringify(name));
      expect(error.message).toContain('FP32');
    }
  });

  it('throws INVALID_INPUT naming the length when allocData gets a negative or fractional length', () => {
    for (const length of [-1, 1.5, Number.NaN]) {
      const error = thrown(() => allocData('float32', length));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain(String(length));
    }
  });

  it('accepts only the exact array type when isDataFor checks data', () => {
    expect(isDataFor('int64', new BigInt64Array(1))).toBe(true);
    expect(isDataFor('int64', new BigUint64Array(1))).toBe(false);
    expect(isDataFor('float32', new Float64Array(1))).toBe(false);
    expect(isDataFor('float16', new Uint16Array(1))).toBe(true);
    expect(isDataFor('uint8', [1, 2])).toBe(false);
    expect(isDataFor('string', ['a', 'b'])).toBe(true);
    expect(isDataFor('string', ['a', 1])).toBe(false);
    class Sub extends Uint8Array {}
    expect(isDataFor('uint8', new Sub(1))).toBe(false);
  });
});

describe('float16 bits', () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff],
    [65519, 0x7bff],
    [65520, 0x7c00],
    [1e6, 0x7c00],
    [-1e6, 0xfc00],
    [Number.POSITIVE_INFINITY, 0x7c00],
    [Number.NEGATIVE_INFINITY, 0xfc00],
    [2 ** -14, 0x0400],
    [2 ** -24, 0x0001],
    [2 ** -25, 0x0000],
    [3 * 2 ** -26, 0x0001],
    [1023 * 2 ** -24, 0x03ff],
    [1023.5 * 2 ** -24, 0x0400],
    [1 / 3, 0x3555],
    [2049, 0x6800],
    [2051, 0x6802],
    // Just above the tie between 1 and 1 + 2^-10: going through float32 first would round to the tie and then to even.
    [1 + 2 ** -11 + 2 ** -40, 0x3c01],
    // Just below a power of two, where Math.log2 rounds up to the power itself.
    [1 - 2 ** -53, 0x3c00],
    [2048 * (1 - 2 ** -53), 0x6800],
    [1 - 2 ** -12, 0x3c00],
    [1 - 2 ** -11, 0x3bff],
  ])('encodes %d as bits %i when rounding to nearest even', (value, bits) => {
    expect(numberToFloat16Bits(value).toString(16)).toBe(bits.toString(16));
  });

  it('encodes NaN as a quiet NaN that decodes to NaN when given NaN', () => {
    expect(numberToFloat16Bits(Number.NaN)).toBe(0x7e00);
    expect(float16BitsToNumber(0x7e00)).toBeNaN();
    expect(float16BitsToNumber(0x7c01)).toBeNaN();
  });

  it('decodes subnormals, normals, signed zero and infinities when given their bits', () => {
    expect(float16BitsToNumber(0x0001)).toBe(2 ** -24);
    expect(float16BitsToNumber(0x3c00)).toBe(1);
    expect(Object.is(float16BitsToNumber(0x8000), -0)).toBe(true);
    expect(float16BitsToNumber(0x7bff)).toBe(65504);
    expect(float16BitsToNumber(0xfc00)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('round-trips every non-NaN bit pattern when decoded then encoded', () => {
    for (let bits = 0; bits <= 0xffff; bits++) {
      const value = float16BitsToNumber(bits);
      if (Number.isNaN(value)) continue;
      if (numberToFloat16Bits(value) !== bits) expect(numberToFloat16Bits(value)).toBe(bits);
    }
  });

  it('picks a nearest half when encoding any finite double in range (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -65504, max: 65504, noNaN: true }), (x) => {
        const bits = numberToFloat16Bits(x);
        const got = float16BitsToNumber(bits);
        const error = Math.abs(got - x);
        for (const neighbour of [bits - 1, bits + 1]) {
          const other = float16BitsToNumber(neighbour & 0xffff);
          if (Number.isFinite(other) && Math.sign(other) * Math.sign(got) >= 0) expect(error).toBeLessThanOrEqual(Math.abs(other - x));
        }
      }),
    );
  });

  it('round-trips representable values when encoded then decoded (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), (bits) => {
        const value = float16BitsToNumber(bits);
        fc.pre(!Number.isNaN(value));
        expect(Object.is(float16BitsToNumber(numberToFloat16Bits(value)), value)).toBe(true);
      }),
    );
  });
});

describe('bfloat16 bits', () => {
  const MAX = (2 - 2 ** -7) * 2 ** 127;

  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3f80],
    [-2, 0xc000],
    [MAX, 0x7f7f],
    [3.4e38, 0x7f80],
    [Number.NEGATIVE_INFINITY, 0xff80],
    [2 ** -126, 0x0080],
    [2 ** -133, 0x0001],
    [2 ** -134, 0x0000],
    [1 + 2 ** -8, 0x3f80],
    [1 + 3 * 2 ** -8, 0x3f82],
    [1 + 2 ** -8 + 2 ** -40, 0x3f81],
    [2 ** 100 * (1 - 2 ** -53), 0x7180],
  ])('encodes %d as bits %i when rounding to nearest even', (value, bits) => {
    expect(numberToBfloat16Bits(value).toString(16)).toBe(bits.toString(16));
  });

  it('keeps NaN a NaN when encoding and decoding NaN', () => {
    expect(numberToBfloat16Bits(Number.NaN)).toBe(0x7fc0);
    expect(bfloat16BitsToNumber(0x7fc0)).toBeNaN();
  });

  it('round-trips every non-NaN bit pattern when decoded then encoded', () => {
    for (let bits = 0; bits <= 0xffff; bits++) {
      const value = bfloat16BitsToNumber(bits);
      if (Number.isNaN(value)) continue;
      if (numberToBfloat16Bits(value) !== bits) expect(numberToBfloat16Bits(value)).toBe(bits);
    }
  });

  it('agrees with float32 truncation plus rounding when encoding float32 values (property)', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true }), (x) => {
        const f = new Float32Array([x]);
        const u = new Uint32Array(f.buffer)[0]!;
        const want = ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
        expect(numberToBfloat16Bits(f[0]!)).toBe(want);
      }),
    );
  });

  it('round-trips representable values when encoded then decoded (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), (bits) => {
        const value = bfloat16BitsToNumber(bits);
        fc.pre(!Number.isNaN(value));
        expect(Object.is(bfloat16BitsToNumber(numberToBfloat16Bits(value)), value)).toBe(true);
      }),
    );
  });
});
