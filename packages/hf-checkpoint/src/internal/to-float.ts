import { type SafetensorsEntry, bfloat16BitsToNumber, float16BitsToNumber, numberToFloat16Bits } from '@inferox/core';

/** The entry's values as float32 (a fresh, aligned array), or undefined for a dtype weights are not read from. */
export function toFloat32(entry: SafetensorsEntry): Float32Array | undefined {
  // slice() copies into a fresh, aligned buffer: entries may start at any byte offset.
  const copy = entry.bytes.slice();
  switch (entry.fileDtype) {
    case 'F32':
      return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
    case 'F16':
      return Float32Array.from(new Uint16Array(copy.buffer, 0, copy.byteLength / 2), float16BitsToNumber);
    case 'BF16':
      return Float32Array.from(new Uint16Array(copy.buffer, 0, copy.byteLength / 2), bfloat16BitsToNumber);
    case 'F64':
      return Float32Array.from(new Float64Array(copy.buffer, 0, copy.byteLength / 8));
    default:
      return undefined;
  }
}

/** The entry's values as float16 bits (a fresh array), or undefined for a dtype weights are not read from. */
export function toFloat16(entry: SafetensorsEntry): Uint16Array | undefined {
  if (entry.fileDtype === 'F16') {
    const copy = entry.bytes.slice();
    return new Uint16Array(copy.buffer, 0, copy.byteLength / 2);
  }
  const values = toFloat32(entry);
  return values && Uint16Array.from(values, numberToFloat16Bits);
}
