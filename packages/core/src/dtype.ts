import { ErrorCode } from './error-codes';
import { InferoxError } from './inferox-error';
import { cutText, quoteValue } from './quote-value';

/** Every element type a {@link Tensor} can hold. */
export const DTYPES = [
  'bool',
  'uint8',
  'int8',
  'uint16',
  'int16',
  'uint32',
  'int32',
  'int64',
  'uint64',
  'float16',
  'bfloat16',
  'float32',
  'float64',
  'string',
] as const;

/** A tensor element type. */
export type DType = (typeof DTYPES)[number];

/**
 * The array that holds a tensor's elements, per dtype. float16 and bfloat16 hold raw IEEE bits (use
 * {@link float16BitsToNumber} / {@link bfloat16BitsToNumber} to read them); bool holds 0/1 bytes.
 */
export interface DTypeArrayMap {
  bool: Uint8Array;
  uint8: Uint8Array;
  int8: Int8Array;
  uint16: Uint16Array;
  int16: Int16Array;
  uint32: Uint32Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint64: BigUint64Array;
  float16: Uint16Array;
  bfloat16: Uint16Array;
  float32: Float32Array;
  float64: Float64Array;
  string: string[];
}

/** The data array type for dtype `D`. */
export type DataFor<D extends DType> = DTypeArrayMap[D];

/** Any numeric typed array a tensor can hold. */
export type NumericArray = Exclude<DTypeArrayMap[DType], string[]>;

/** Static facts about a dtype. */
export interface DTypeInfo {
  readonly dtype: DType;
  /** Bytes per element; 0 for `string` (variable length). */
  readonly byteSize: number;
  readonly isFloat: boolean;
  readonly isInt: boolean;
  readonly isSigned: boolean;
  /** The Open Inference Protocol v2 datatype name (`FP32`, `INT64`, `BYTES`, ...). */
  readonly v2: string;
  /** Smallest and largest value an integer dtype holds (bigint for 64-bit). */
  readonly min?: number | bigint;
  readonly max?: number | bigint;
}

type ArrayCtor = { new (length: number): NumericArray; readonly BYTES_PER_ELEMENT: number };

const INFO: Readonly<Record<DType, DTypeInfo & { ctor?: ArrayCtor }>> = {
  bool: { dtype: 'bool', byteSize: 1, isFloat: false, isInt: false, isSigned: false, v2: 'BOOL', ctor: Uint8Array },
  uint8: { dtype: 'uint8', byteSize: 1, isFloat: false, isInt: true, isSigned: false, v2: 'UINT8', min: 0, max: 255, ctor: Uint8Array },
  int8: { dtype: 'int8', byteSize: 1, isFloat: false, isInt: true, isSigned: true, v2: 'INT8', min: -128, max: 127, ctor: Int8Array },
  uint16: { dtype: 'uint16', byteSize: 2, isFloat: false, isInt: true, isSigned: false, v2: 'UINT16', min: 0, max: 65535, ctor: Uint16Array },
  int16: { dtype: 'int16', byteSize: 2, isFloat: false, isInt: true, isSigned: true, v2: 'INT16', min: -32768, max: 32767, ctor: Int16Array },
  uint32: { dtype: 'uint32', byteSize: 4, isFloat: false, isInt: true, isSigned: false, v2: 'UINT32', min: 0, max: 4294967295, ctor: Uint32Array },
  int32: { dtype: 'int32', byteSize: 4, isFloat: false, isInt: true, isSigned: true, v2: 'INT32', min: -2147483648, max: 2147483647, ctor: Int32Array },
  int64: { dtype: 'int64', byteSize: 8, isFloat: false, isInt: true, isSigned: true, v2: 'INT64', min: -(2n ** 63n), max: 2n ** 63n - 1n, ctor: BigInt64Array as unknown as ArrayCtor },
  uint64: { dtype: 'uint64', byteSize: 8, isFloat: false, isInt: true, isSigned: false, v2: 'UINT64', min: 0n, max: 2n ** 64n - 1n, ctor: BigUint64Array as unknown as ArrayCtor },
  float16: { dtype: 'float16', byteSize: 2, isFloat: true, isInt: false, isSigned: true, v2: 'FP16', ctor: Uint16Array },
  bfloat16: { dtype: 'bfloat16', byteSize: 2, isFloat: true, isInt: false, isSigned: true, v2: 'BF16', ctor: Uint16Array },
  float32: { dtype: 'float32', byteSize: 4, isFloat: true, isInt: false, isSigned: true, v2: 'FP32', ctor: Float32Array },
  float64: { dtype: 'float64', byteSize: 8, isFloat: true, isInt: false, isSigned: true, v2: 'FP64', ctor: Float64Array },
  string: { dtype: 'string', byteSize: 0, isFloat: false, isInt: false, isSigned: false, v2: 'BYTES' },
};

/** @returns whether `value` names a {@link DType}. */
export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && Object.hasOwn(INFO, value);
}

/**
 * Facts about `dtype`.
 *
 * @throws InferoxError `INVALID_INPUT` when `dtype` is not a DType.
 */
export function dtypeInfo(dtype: DType): DTypeInfo {
  checkDType(dtype);
  const { ctor: _ctor, ...info } = INFO[dtype];
  return info;
}

/**
 * Refuses what is not a {@link DType}, without copying its facts (the check on every tensor made).
 *
 * @throws InferoxError `INVALID_INPUT` when `dtype` is not a DType.
 */
export function checkDType(dtype: DType): void {
  if (!isDType(dtype)) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `unknown dtype ${quoteValue(dtype)}; expected one of ${DTYPES.join(', ')}`, {
      details: { dtype: typeof dtype === 'string' ? cutText(dtype) : quoteValue(dtype) },
    });
  }
}

/** The table row of `dtype`, checked but not copied (for the one-fact readers below). */
function factsOf(dtype: DType): (typeof INFO)[DType] {
  checkDType(dtype);
  return INFO[dtype];
}

/** Bytes per element of `dtype` (0 for `string`). */
export const byteSizeOf = (dtype: DType): number => factsOf(dtype).byteSize;
/** Whether `dtype` is a floating-point type (float16, bfloat16, float32, float64). */
export const isFloat = (dtype: DType): boolean => factsOf(dtype).isFloat;
/** Whether `dtype` is an integer type (bool excluded). */
export const isInt = (dtype: DType): boolean => factsOf(dtype).isInt;
/** Whether `dtype` holds negative values. */
export const isSigned = (dtype: DType): boolean => factsOf(dtype).isSigned;

/**
 * The most elements a `string` tensor holds (2^24 = 16,777,216): an array of more takes seconds and gigabytes to
 * build in V8, so a shape asking for more is refused before anything is allocated.
 */
export const MAX_STRING_ELEMENTS = 2 ** 24;

/**
 * Allocates a zero-filled data array of `length` elements for `dtype` (empty strings for `string`).
 *
 * @throws InferoxError `INVALID_INPUT` for an unknown dtype, a length that is not a non-negative integer, more than
 * {@link MAX_STRING_ELEMENTS} strings, or a typed array the runtime cannot allocate (2^40 floats).
 */
export function allocData<D extends DType>(dtype: D, length: number): DataFor<D> {
  checkDType(dtype);
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `cannot allocate ${String(length)} elements of ${dtype}: need a non-negative integer`, {
      details: { dtype, length },
    });
  }
  if (dtype === 'string') {
    if (length > MAX_STRING_ELEMENTS) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `cannot allocate ${length} string elements: a string tensor holds at most ${MAX_STRING_ELEMENTS}`, {
        details: { dtype, length, limit: MAX_STRING_ELEMENTS },
      });
    }
    return new Array<string>(length).fill('') as DataFor<D>;
  }
  try {
    return new INFO[dtype].ctor!(length) as DataFor<D>;
  } catch (error) {
    // V8 throws a RangeError for a length past its typed-array limit or memory it cannot reserve.
    throw new InferoxError(ErrorCode.INVALID_INPUT, `cannot allocate ${length} elements of ${dtype} (${length * INFO[dtype].byteSize} bytes): ${(error as Error).message}`, {
      cause: error,
      details: { dtype, length },
    });
  }
}

/** @returns whether `data` is the exact array type that `dtype` requires. */
export function isDataFor<D extends DType>(dtype: D, data: unknown): data is DataFor<D> {
  if (dtype === 'string') return Array.isArray(data) && data.every((s) => typeof s === 'string');
  const ctor = isDType(dtype) ? INFO[dtype].ctor : undefined;
  return ctor !== undefined && data instanceof (ctor as unknown as new () => unknown) && (data as object).constructor === ctor;
}

/** The name of the array type `dtype` requires, for messages. */
export function dataTypeName(dtype: DType): string {
  if (!isDType(dtype)) return 'unknown';
  return dtype === 'string' ? 'string[]' : INFO[dtype].ctor!.name;
}

const V2_TO_DTYPE: Readonly<Record<string, DType>> = Object.fromEntries(DTYPES.map((d) => [INFO[d].v2, d]));

/**
 * The dtype of an Open Inference Protocol v2 datatype name (`FP32` → `float32`).
 *
 * @throws InferoxError `INVALID_INPUT` naming the datatype when it is unknown.
 */
export function dtypeFromV2(datatype: string): DType {
  const dtype = typeof datatype === 'string' && Object.hasOwn(V2_TO_DTYPE, datatype) ? V2_TO_DTYPE[datatype] : undefined;
  if (!dtype) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `unknown v2 datatype ${quoteValue(datatype)}; expected one of ${Object.keys(V2_TO_DTYPE).join(', ')}`, {
      details: { datatype },
    });
  }
  return dtype;
}

/** The Open Inference Protocol v2 datatype name of `dtype`. */
export const dtypeToV2 = (dtype: DType): string => factsOf(dtype).v2;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Decodes IEEE 754 half-precision bits (the low 16 bits of `bits`) to a number. */
export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/**
 * Encodes a number as IEEE 754 half-precision bits, rounding to nearest even straight from the float64 value (no
 * double rounding through float32). Values beyond the largest half round to ±Infinity; NaN becomes a quiet NaN.
 */
export function numberToFloat16Bits(value: number): number {
  return encodeMinifloat(value, 5, 10);
}

/** Decodes bfloat16 bits (the top 16 bits of a float32) to a number. */
export function bfloat16BitsToNumber(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0]!;
}

/**
 * Encodes a number as bfloat16 bits, rounding to nearest even straight from the float64 value (no double rounding
 * through float32). NaN stays NaN.
 */
export function numberToBfloat16Bits(value: number): number {
  return encodeMinifloat(value, 8, 7);
}

/** Rounds `value` to an IEEE-style binary float with the given field widths and returns its bits. */
function encodeMinifloat(value: number, exponentBits: number, mantissaBits: number): number {
  const signBit = 1 << (exponentBits + mantissaBits);
  const infinity = ((1 << exponentBits) - 1) << mantissaBits;
  if (Number.isNaN(value)) return infinity | (1 << (mantissaBits - 1));
  const sign = value < 0 || Object.is(value, -0) ? signBit : 0;
  const a = Math.abs(value);
  if (a === Number.POSITIVE_INFINITY) return sign | infinity;
  const bias = (1 << (exponentBits - 1)) - 1;
  const minExponent = 1 - bias;
  let e = a === 0 ? minExponent : Math.max(minExponent, Math.floor(Math.log2(a)));
  // Math.log2 may be off by one next to a power of two; fix e so that 2^e <= a < 2^(e+1) (for normals).
  if (e > minExponent && 2 ** e > a) e -= 1;
  if (2 ** (e + 1) <= a) e += 1;
  // Scaling by a power of two is exact, so m carries every bit of a; round it to an integer, ties to even.
  const m = a * 2 ** (mantissaBits - e);
  let rounded = Math.floor(m);
  const rest = m - rounded;
  if (rest > 0.5 || (rest === 0.5 && rounded % 2 === 1)) rounded += 1;
  // Subnormals (a < 2^minExponent) have no implicit bit: rounded is the whole field and may carry into the exponent.
  const bits = a < 2 ** minExponent ? rounded : ((e + bias) << mantissaBits) + (rounded - (1 << mantissaBits));
  return sign | Math.min(bits, infinity);
}
