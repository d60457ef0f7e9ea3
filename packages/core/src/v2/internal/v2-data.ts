import { type DType, type DataFor, allocData, dtypeInfo, numberToBfloat16Bits, numberToFloat16Bits } from '../../dtype';
import { ErrorCode } from '../../error-codes';
import { InferoxError } from '../../inferox-error';
import { type V2Limits, overLimit } from '../v2-limits';
import { quote } from './v2-quote';

const NON_FINITE: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };
const BIG_DECIMAL = /^-?[0-9]{1,20}$/;
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function bad(name: string, index: number, value: unknown, dtype: DType, why: string): InferoxError {
  return new InferoxError(ErrorCode.INVALID_INPUT, `input ${quote(name)}: element ${index} (${quote(value, 40)}) cannot be stored as ${dtype}: ${why}`, {
    details: { name: name.slice(0, 256), index, dtype },
  });
}

/**
 * Flattens `data` (flat, or nested up to the shape's rank) into row-major order, refusing it as soon as it holds
 * more than `expected` elements or nests deeper than the rank or `maxDepth`. Iterative: no stack overflow.
 */
export function flattenData(data: unknown, expected: number, rank: number, name: string, limits: V2Limits): unknown[] {
  if (!Array.isArray(data)) throw new InferoxError(ErrorCode.INVALID_INPUT, `input ${quote(name)}: "data" must be an array, got ${quote(data)}`, { details: { name } });
  if (data.length > expected) return countError(name, expected, data.length);
  let flat = true;
  for (let i = 0; i < data.length; i++) {
    if (Array.isArray(data[i])) {
      flat = false;
      break;
    }
  }
  if (flat) return data;
  const maxDepth = Math.min(Math.max(rank, 1), limits.maxDepth);
  const out: unknown[] = [];
  const stack: { array: readonly unknown[]; at: number }[] = [{ array: data, at: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.at >= top.array.length) {
      stack.pop();
      continue;
    }
    const value = top.array[top.at++];
    if (Array.isArray(value)) {
      if (stack.length >= maxDepth) {
        if (stack.length >= limits.maxDepth) throw overLimit('maxDepth', limits.maxDepth, `input ${quote(name)}: "data" nesting depth`, stack.length + 1);
        throw new InferoxError(ErrorCode.INVALID_INPUT, `input ${quote(name)}: "data" nests deeper (${stack.length + 1}) than its shape's rank (${rank})`, {
          details: { name, rank },
        });
      }
      stack.push({ array: value, at: 0 });
    } else {
      if (out.length >= expected) return countError(name, expected, out.length + 1);
      out.push(value);
    }
  }
  return out;
}

function countError(name: string, expected: number, given: number): never {
  throw new InferoxError(ErrorCode.INVALID_INPUT, `input ${quote(name)}: its shape needs ${expected} elements, "data" has ${given === expected + 1 ? 'more' : given}`, {
    details: { name, expected },
  });
}

/**
 * Converts JSON values to the data array of `dtype`, strictly: numbers for numeric types (a 64-bit integer beyond
 * 2^53 as a decimal string of at most 20 digits, checked before it is parsed), `"NaN"`/`"Infinity"`/`"-Infinity"`
 * for floats, `true`/`false` (or 1/0) for BOOL, strings no longer than `maxStringLength` for BYTES.
 *
 * @throws InferoxError `INVALID_INPUT` naming the input, the index and the (cut) value.
 */
export function convertJsonData<D extends DType>(dtype: D, values: readonly unknown[], name: string, limits: V2Limits): DataFor<D> {
  const info = dtypeInfo(dtype);
  const out = allocData(dtype, values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (dtype === 'string') {
      if (typeof v !== 'string') throw bad(name, i, v, dtype, 'BYTES takes strings');
      if (v.length > limits.maxStringLength) throw overLimit('maxStringLength', limits.maxStringLength, `input ${quote(name)}: element ${i} length`, v.length);
      (out as string[])[i] = v;
    } else if (dtype === 'bool') {
      if (v === true || v === 1) (out as Uint8Array)[i] = 1;
      else if (v === false || v === 0) (out as Uint8Array)[i] = 0;
      else throw bad(name, i, v, dtype, 'BOOL takes true/false or 1/0');
    } else if (dtype === 'int64' || dtype === 'uint64') {
      let b: bigint;
      if (typeof v === 'number') {
        if (!Number.isSafeInteger(v)) throw bad(name, i, v, dtype, Number.isInteger(v) ? 'beyond 2^53 a JSON number is not exact; send a decimal string' : 'not an integer');
        b = BigInt(v);
      } else if (typeof v === 'string') {
        if (v.length > 21 || !BIG_DECIMAL.test(v)) throw bad(name, i, v, dtype, 'not a number (a string is accepted only for a decimal integer beyond 2^53)');
        b = BigInt(v);
        if (b >= MIN_SAFE && b <= MAX_SAFE) throw bad(name, i, v, dtype, 'a number sent as a string; write it as a JSON number');
      } else {
        throw bad(name, i, v, dtype, 'not a number');
      }
      if (b < (info.min as bigint) || b > (info.max as bigint)) throw bad(name, i, v, dtype, `out of range [${info.min}, ${info.max}]`);
      (out as BigInt64Array)[i] = b;
    } else if (info.isInt) {
      if (typeof v !== 'number' || !Number.isInteger(v)) throw bad(name, i, v, dtype, 'not an integer');
      if (v < (info.min as number) || v > (info.max as number)) throw bad(name, i, v, dtype, `out of range [${info.min}, ${info.max}]`);
      (out as Int32Array)[i] = v;
    } else {
      let n: number;
      if (typeof v === 'number') n = v;
      else if (typeof v === 'string' && Object.hasOwn(NON_FINITE, v)) n = NON_FINITE[v]!;
      else throw bad(name, i, v, dtype, 'not a number');
      if (dtype === 'float16') (out as Uint16Array)[i] = numberToFloat16Bits(n);
      else if (dtype === 'bfloat16') (out as Uint16Array)[i] = numberToBfloat16Bits(n);
      else (out as Float64Array)[i] = n;
    }
  }
  return out;
}

/** The longest JSON text one element of `dtype` can take, separator included. */
export function maxJsonChars(dtype: DType): number {
  switch (dtype) {
    case 'bool':
      return 6;
    case 'uint8':
      return 4;
    case 'int8':
      return 5;
    case 'uint16':
      return 6;
    case 'int16':
      return 7;
    case 'uint32':
      return 11;
    case 'int32':
      return 12;
    case 'int64':
    case 'uint64':
      return 23;
    default:
      return 25;
  }
}
