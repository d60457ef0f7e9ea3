import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tensor } from '@inferox/core';
import { expectInferoxError } from '@inferox/core/testing';
import { createTfjsBackend } from '../create-tfjs-backend';
import type { TfjsBackend } from '../tfjs-backend';
import { dtypeFromTfjs, fromTfTensor, toTfTensor } from './tensor-convert';

describe('tensor-convert', () => {
  let backend: TfjsBackend;
  beforeAll(async () => {
    backend = createTfjsBackend({ runtime: 'cpu' });
    await backend.init();
  });
  afterAll(() => backend.dispose());

  it('round-trips float32, int32, bool and string tensors when converted to tfjs and back', async () => {
    const cases = [
      Tensor.from('float32', [1.5, -2, 0.25, 8], [2, 2]),
      Tensor.from('int32', [1, -2, 3], [3]),
      Tensor.from('bool', [true, false, true], [1, 3]),
      Tensor.from('string', ['a', 'héllo'], [2]),
    ];
    for (const tensor of cases) {
      const converted = toTfTensor(tf, { name: 'x', dtype: tensor.dtype, shape: null }, tensor);
      const back = await fromTfTensor('y', converted);
      converted.dispose();
      expect(back.dtype).toBe(tensor.dtype);
      expect(back.shape).toEqual(tensor.shape);
      expect(back.toArray()).toEqual(tensor.toArray());
    }
  });

  it('narrows int64 to int32 when every value fits, and refuses naming the element when one does not', async () => {
    const ok = toTfTensor(tf, { name: 'ids', dtype: 'int64', shape: null }, Tensor.from('int64', [-(2n ** 31n), 2n ** 31n - 1n], [2]));
    expect(ok.dtype).toBe('int32');
    expect(Array.from(ok.dataSync())).toEqual([-(2 ** 31), 2 ** 31 - 1]);
    ok.dispose();
    expect(() => toTfTensor(tf, { name: 'ids', dtype: 'int64', shape: null }, Tensor.from('int64', [0n, 2n ** 31n], [2]))).toThrow(/input "ids" element 1 is 2147483648/);
  });

  it('refuses dtypes tfjs has no equivalent for', async () => {
    expect(() => toTfTensor(tf, { name: 'h', dtype: 'float64', shape: null }, Tensor.zeros('float64', [1]))).toThrow(/no conversion for float64/);
    const complex = tf.complex([1], [2]);
    await expectInferoxError(fromTfTensor('c', complex), 'BACKEND_ERROR', 'output "c"', 'complex64');
    complex.dispose();
    expect(dtypeFromTfjs('complex64')).toBeUndefined();
    expect(dtypeFromTfjs(undefined)).toBeUndefined();
  });
});
