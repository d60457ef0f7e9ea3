import { Tensor, isInferoxError } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { loadOrt } from './load-ort';
import { fromOrtTensor, isOrtDType, toOrtTensor } from './ort-tensor';

describe('ort-tensor', () => {
  it('shares the array with onnxruntime when converting a core tensor', async () => {
    const ort = await loadOrt();
    const ids = Tensor.from('int64', [1n, 2n], [1, 2]);
    const converted = toOrtTensor(ort, 'ids', ids);
    expect(converted.type).toBe('int64');
    expect(converted.dims).toEqual([1, 2]);
    expect(converted.data).toBe(ids.data);
    expect(fromOrtTensor('ids', converted).data).toBe(ids.data);
  });

  it('views a Buffer as a plain Uint8Array without copying when onnxruntime hands one back', async () => {
    const ort = await loadOrt();
    const buffer = Buffer.from([1, 0, 1]);
    const tensor = fromOrtTensor('mask', new ort.Tensor('bool', buffer, [3]));
    expect(tensor.dtype).toBe('bool');
    expect(tensor.data.constructor).toBe(Uint8Array);
    expect((tensor.data as Uint8Array).buffer).toBe(buffer.buffer);
    expect(tensor.toArray()).toEqual([true, false, true]);
  });

  it('throws BACKEND_ERROR naming the output when onnxruntime returns a type Inferox cannot hold', async () => {
    const ort = await loadOrt();
    const error = (() => {
      try {
        return fromOrtTensor('packed', new ort.Tensor('int4', new Uint8Array([0x21]), [2]));
      } catch (e) {
        return e;
      }
    })();
    expect(isInferoxError(error, 'BACKEND_ERROR')).toBe(true);
    expect((error as Error).message).toContain('output "packed" has onnxruntime type int4');
  });

  it('throws INVALID_INPUT naming the input when a tensor is bfloat16 or a string holds NUL', async () => {
    const ort = await loadOrt();
    expect(isOrtDType('bfloat16')).toBe(false);
    expect(isOrtDType('float16')).toBe(true);
    expect(() => toOrtTensor(ort, 'w', Tensor.zeros('bfloat16', [2]))).toThrow('input "w" is bfloat16, which onnxruntime-node cannot hold');
    expect(() => toOrtTensor(ort, 'text', Tensor.from('string', ['ok', 'a\u0000b'], [2]))).toThrow('input "text" element 1 contains a NUL character');
  });
});
