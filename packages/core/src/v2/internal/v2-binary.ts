import { type DType, type DataFor, allocData, dtypeInfo } from '../../dtype';
import { ErrorCode } from '../../error-codes';
import { InferoxError } from '../../inferox-error';
import type { Tensor } from '../../tensor';
import { type V2Limits, overLimit } from '../v2-limits';
import { quote } from './v2-quote';

type Ctor = new (buffer: ArrayBuffer, offset: number, length: number) => DataFor<DType>;
const CTORS: Partial<Record<DType, Ctor>> = {
  bool: Uint8Array as unknown as Ctor,
  uint8: Uint8Array as unknown as Ctor,
  int8: Int8Array as unknown as Ctor,
  uint16: Uint16Array as unknown as Ctor,
  int16: Int16Array as unknown as Ctor,
  uint32: Uint32Array as unknown as Ctor,
  int32: Int32Array as unknown as Ctor,
  int64: BigInt64Array as unknown as Ctor,
  uint64: BigUint64Array as unknown as Ctor,
  float16: Uint16Array as unknown as Ctor,
  bfloat16: Uint16Array as unknown as Ctor,
  float32: Float32Array as unknown as Ctor,
  float64: Float64Array as unknown as Ctor,
};

function invalid(name: string, message: string): InferoxError {
  return new InferoxError(ErrorCode.INVALID_INPUT, `input ${quote(name)}: ${message}`, { details: { name: name.slice(0, 256) } });
}

/** The exact binary size of `size` elements of a fixed-width dtype (`undefined` for BYTES, whose size varies). */
export function fixedBinarySize(dtype: DType, size: number): number | undefined {
  return dtype === 'string' ? undefined : size * dtypeInfo(dtype).byteSize;
}

/**
 * Reads one tensor's binary data (little-endian, the v2 binary extension's layout: raw elements; BYTES as a 4-byte
 * length before each element). The bytes are copied, so the result does not keep the request body alive.
 *
 * @throws InferoxError `INVALID_INPUT` for a size that does not fit the shape, a bool other than 0/1, a BYTES element
 *   over `maxStringLength`, cut short or not UTF-8.
 */
export function decodeBinaryData<D extends DType>(dtype: D, size: number, bytes: Uint8Array, name: string, limits: V2Limits): DataFor<D> {
  if (dtype === 'string') return decodeStrings(size, bytes, name, limits) as DataFor<D>;
  const expected = size * dtypeInfo(dtype).byteSize;
  if (bytes.length !== expected) throw invalid(name, `binary_data_size is ${bytes.length} bytes; ${size} ${dtype} elements take ${expected}`);
  // Uint8Array's own slice: a Node Buffer's slice() is a view into its pool, not a copy.
  const copy = Uint8Array.prototype.slice.call(bytes);
  const data = new CTORS[dtype]!(copy.buffer, 0, size) as DataFor<D>;
  if (dtype === 'bool') {
    const index = (data as Uint8Array).findIndex((b) => b > 1);
    if (index >= 0) throw invalid(name, `element ${index} (${(data as Uint8Array)[index]}) cannot be stored as bool: BOOL bytes are 0 or 1`);
  }
  return data;
}

function decodeStrings(size: number, bytes: Uint8Array, name: string, limits: V2Limits): string[] {
  const out = allocData('string', size);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let at = 0;
  for (let i = 0; i < size; i++) {
    if (at + 4 > bytes.length) throw invalid(name, `binary BYTES data ends at element ${i} of ${size}`);
    const length = view.getUint32(at, true);
    at += 4;
    if (length > limits.maxStringLength) throw overLimit('maxStringLength', limits.maxStringLength, `input ${quote(name)}: element ${i} length`, length);
    if (at + length > bytes.length) throw invalid(name, `binary BYTES element ${i} says ${length} bytes, ${bytes.length - at} are left`);
    try {
      out[i] = decoder.decode(bytes.subarray(at, at + length));
    } catch (error) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `input ${quote(name)}: binary BYTES element ${i} is not UTF-8`, { cause: error, details: { name, index: i } });
    }
    at += length;
  }
  if (at !== bytes.length) throw invalid(name, `binary BYTES data has ${bytes.length - at} bytes after its ${size} elements`);
  return out;
}

/**
 * A tensor's data in the binary extension's layout: a view over the tensor's own array for fixed-width dtypes (no
 * copy), a fresh array for BYTES.
 */
export function encodeBinaryData(tensor: Tensor): Uint8Array {
  const data = tensor.data;
  if (!Array.isArray(data)) {
    const typed = data as Uint8Array;
    return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
  }
  const encoder = new TextEncoder();
  const parts = (data as string[]).map((s) => encoder.encode(s));
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const part of parts) {
    view.setUint32(at, part.length, true);
    out.set(part, at + 4);
    at += 4 + part.length;
  }
  return out;
}

/** The binary size of a tensor's data without building it. */
export function binarySize(tensor: Tensor): number {
  const data = tensor.data;
  if (!Array.isArray(data)) return (data as Uint8Array).byteLength;
  let n = 0;
  for (const s of data as string[]) n += 4 + utf8Length(s);
  return n;
}

/** UTF-8 length of `s` in bytes (lone surrogates count as the 3 bytes of U+FFFD, as TextEncoder writes them). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
