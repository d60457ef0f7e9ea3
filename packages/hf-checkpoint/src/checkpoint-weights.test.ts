import { type DType, float16BitsToNumber, numberToBfloat16Bits, numberToFloat16Bits, parseSafetensors, serializeSafetensors } from '@inferox/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckpointWeights, type LocatedEntry } from './checkpoint-weights';

const VALUES = [1.5, -2, 0.25, 0, -0.125, 3];

function bytesOf(values: readonly number[], dtype: DType): Uint8Array {
  if (dtype === 'float16') return new Uint8Array(Uint16Array.from(values, numberToFloat16Bits).buffer);
  if (dtype === 'bfloat16') return new Uint8Array(Uint16Array.from(values, numberToBfloat16Bits).buffer);
  if (dtype === 'float64') return new Uint8Array(Float64Array.from(values).buffer);
  if (dtype === 'int32') return new Uint8Array(Int32Array.from(values).buffer);
  return new Uint8Array(Float32Array.from(values).buffer);
}

function weights(tensors: Record<string, { dtype: DType; shape: number[]; values: readonly number[] }>, prefix = ''): CheckpointWeights {
  const file = serializeSafetensors(Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, { dtype: t.dtype, shape: t.shape, bytes: bytesOf(t.values, t.dtype) }])));
  const entries = new Map<string, LocatedEntry>([...parseSafetensors(file, 'w.safetensors').tensors].map(([name, entry]) => [name, { entry, file: '/ckpt/w.safetensors' }]));
  return new CheckpointWeights(entries, '/ckpt/w.safetensors', prefix);
}

describe('CheckpointWeights', () => {
  it.each<DType>(['float32', 'float16', 'bfloat16', 'float64'])('gives the same float32 and float16 values when the weights are stored as %s', (dtype) => {
    const w = weights({ t: { dtype, shape: [2, 3], values: VALUES } });
    expect(Array.from(w.float32('t', [2, 3]))).toEqual(VALUES);
    expect(Array.from(w.float16('t', [2, 3]))).toEqual(VALUES.map(numberToFloat16Bits));
  });

  it('returns a fresh array each time so a caller may keep or change it', () => {
    const w = weights({ t: { dtype: 'float32', shape: [2], values: [1, 2] } });
    const a = w.float32('t', [2]);
    a[0] = 9;
    expect(Array.from(w.float32('t', [2]))).toEqual([1, 2]);
  });

  it('looks names up under the prefix and names the tensor when missing, misshapen or not floating point', () => {
    const w = weights({ 'bert.a': { dtype: 'float32', shape: [2], values: [1, 2] }, 'bert.n': { dtype: 'int32', shape: [1], values: [1] } }, 'bert.');
    expect(w.prefix).toBe('bert.');
    expect(w.names).toEqual(['bert.a', 'bert.n']);
    expect(w.has('a')).toBe(true);
    expect(w.has('bert.a')).toBe(false);
    expect(() => w.float32('b', [2])).toThrow('/ckpt/w.safetensors: missing weight tensor "b" (looked up as "bert.b")');
    expect(() => w.float32('a', [3])).toThrow('weight tensor "a" has shape [2], the config needs [3]');
    expect(() => w.float32('a', [2, 1])).toThrow('has shape [2], the config needs [2, 1]');
    expect(() => w.float32('n', [1])).toThrow('tensor "bert.n" is I32; checkpoint weights must be floating point (F32, F16, BF16, F64)');
    expect(() => w.float16('n', [1])).toThrow('is I32');
    expect(() => weights({}).float32('x', [1])).toThrow(/missing weight tensor "x"$/);
  });

  it('converts any float32 value to float16 bits and back within half precision', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true, min: -60000, max: 60000 }), { minLength: 1, maxLength: 16 }), (values) => {
        const w = weights({ t: { dtype: 'float32', shape: [values.length], values } });
        const half = w.float16('t', [values.length]);
        expect(half.length).toBe(values.length);
        half.forEach((bits, i) => expect(Math.abs(float16BitsToNumber(bits) - values[i]!)).toBeLessThanOrEqual(Math.max(Math.abs(values[i]!) * 2 ** -11, 2 ** -25)));
      }),
      { numRuns: 50 },
    );
  });
});
