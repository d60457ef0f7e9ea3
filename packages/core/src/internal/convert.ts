import {
  type DType,
  type DataFor,
  allocData,
  bfloat16BitsToNumber,
  dtypeInfo,
  float16BitsToNumber,
  numberToBfloat16Bits,
  numberToFloat16Bits,
} from '../dtype';
import { ErrorCode } from '../error-codes';
import { InferoxError } from '../inferox-error';
import { cutText, quoteValue } from '../quote-value';

/** A plain JavaScript value a tensor element may be given as. */
export type ScalarLike = number | bigint | boolean | string;

function bad(dtype: DType, index: number, value: unknown, why: string): InferoxError {
  const shown = quoteValue(value);
  const detail = typeof value === 'bigint' ? cutText(value.toString()) : typeof value === 'string' ? cutText(value) : typeof value === 'object' && value !== null ? shown : value;
  return new InferoxError(ErrorCode.INVALID_INPUT, `element ${index} (${shown}) cannot be stored as ${dtype}: ${why}`, {
    details: { index, value: detail, dtype },
  });
}

/** The longest decimal string read as a 64-bit integer: a sign and 20 digits, plus room for leading zeros and spaces. */
const MAX_INTEGER_STRING = 64;

function toBigInt(dtype: DType, index: number, value: ScalarLike): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw bad(dtype, index, value, 'not an integer');
    if (!Number.isSafeInteger(value)) throw bad(dtype, index, value, 'beyond 2^53 a number is not exact; pass a bigint');
    return BigInt(value);
  }
  if (typeof value === 'string') {
    // Cheap checks first: BigInt() of a 50-million-digit string takes seconds before any range check could run.
    if (value.length > MAX_INTEGER_STRING) throw bad(dtype, index, value, `a decimal string of ${value.length} chars is beyond any 64-bit integer`);
    const text = value.trim();
    if (/^-?\d+$/.test(text)) return BigInt(text);
  }
  throw bad(dtype, index, value, 'not an integer');
}

const NON_FINITE: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/** A float element from a plain value; JSON's spellings of non-finite floats (`"NaN"`, `"-Infinity"`) are accepted. */
function toFloat(dtype: DType, index: number, value: ScalarLike): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'boolean') return Number(value);
  if (typeof value === 'string' && Object.hasOwn(NON_FINITE, value)) return NON_FINITE[value]!;
  throw bad(dtype, index, value, 'not a number');
}

/** The number element `index` of a float data array holds (float16/bfloat16 decoded). */
export function readFloat(dtype: DType, data: ArrayLike<number>, index: number): number {
  const raw = data[index]!;
  if (dtype === 'float16') return float16BitsToNumber(raw);
  if (dtype === 'bfloat16') return bfloat16BitsToNumber(raw);
  return raw;
}

/**
 * Converts plain values to the data array of `dtype`, exactly: integers must be integral and in range, 64-bit
 * integers beyond 2^53 must come as bigint (or decimal strings), bool takes booleans or 0/1. Numbers into floats round
 * as IEEE does (float16/bfloat16 to nearest even); a bigint must be exact in the float type; `"NaN"`, `"Infinity"`
 * and `"-Infinity"` are accepted for floats (the JSON form of non-finite values).
 *
 * @throws InferoxError `INVALID_INPUT` naming the index and value that would lose information.
 */
export function fromPlain<D extends DType>(dtype: D, values: readonly ScalarLike[]): DataFor<D> {
  const info = dtypeInfo(dtype);
  const out = allocData(dtype, values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (dtype === 'string') {
      if (typeof v !== 'string') throw bad(dtype, i, v, 'not a string');
      (out as string[])[i] = v;
    } else if (dtype === 'bool') {
      if (v === true || v === 1 || v === 1n) (out as Uint8Array)[i] = 1;
      else if (v === false || v === 0 || v === 0n) (out as Uint8Array)[i] = 0;
      else throw bad(dtype, i, v, 'bool takes true/false or 1/0');
    } else if (dtype === 'int64' || dtype === 'uint64') {
      const b = toBigInt(dtype, i, v);
      if (b < (info.min as bigint) || b > (info.max as bigint)) throw bad(dtype, i, v, `out of range [${info.min}, ${info.max}]`);
      (out as BigInt64Array | BigUint64Array)[i] = b;
    } else if (info.isInt) {
      if (typeof v === 'bigint') {
        if (v < BigInt(info.min as number) || v > BigInt(info.max as number)) throw bad(dtype, i, v, `out of range [${info.min}, ${info.max}]`);
        (out as Int32Array)[i] = Number(v);
        continue;
      }
      const n = typeof v === 'boolean' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw bad(dtype, i, v, 'not an integer');
      if (n < (info.min as number) || n > (info.max as number)) throw bad(dtype, i, v, `out of range [${info.min}, ${info.max}]`);
      (out as Int32Array)[i] = n;
    } else {
      const n = toFloat(dtype, i, v);
      if (dtype === 'float16') (out as Uint16Array)[i] = numberToFloat16Bits(n);
      else if (dtype === 'bfloat16') (out as Uint16Array)[i] = numberToBfloat16Bits(n);
      else (out as Float32Array)[i] = n;
      if (typeof v === 'bigint') {
        const stored = readFloat(dtype, out as Float32Array, i);
        if (!Number.isFinite(stored) || BigInt(stored) !== v) throw bad(dtype, i, v, `the nearest ${dtype} is ${stored}`);
      }
    }
  }
  return out;
}
