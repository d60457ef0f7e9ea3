import { parseSafetensors, serializeSafetensors } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { toFloat16, toFloat32 } from './to-float';

const entryOf = (dtype: 'int32' | 'uint8' | 'float16', bytes: Uint8Array, shape: number[]) =>
  parseSafetensors(serializeSafetensors({ t: { dtype, shape, bytes } }), 't.safetensors').tensors.get('t')!;

describe('toFloat32 and toFloat16', () => {
  it('read nothing from integer tensors', () => {
    const ints = entryOf('int32', new Uint8Array(Int32Array.from([1, 2]).buffer), [2]);
    expect(toFloat32(ints)).toBeUndefined();
    expect(toFloat16(ints)).toBeUndefined();
    expect(toFloat32(entryOf('uint8', new Uint8Array([1]), [1]))).toBeUndefined();
  });

  it('copy float16 bits as they are, NaN payloads included', () => {
    const bits = Uint16Array.from([0x3e00, 0xc000, 0x7c01]);
    const entry = entryOf('float16', new Uint8Array(bits.buffer), [3]);
    expect(toFloat16(entry)).toEqual(bits);
    expect(toFloat32(entry)).toEqual(Float32Array.from([1.5, -2, Number.NaN]));
  });
});
