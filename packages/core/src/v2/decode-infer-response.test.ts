import { describe, expect, it } from 'vitest';
import { Tensor } from '../tensor';
import { decodeInferResponse } from './decode-infer-response';
import { bodyBytes, encodeInferResponse } from './encode-infer-body';
import { thrown } from '../internal/thrown.fixture';


const enc = (json: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(json));

describe('decodeInferResponse', () => {
  it('reads back what encodeInferResponse writes, as JSON and with binary outputs', () => {
    const a = Tensor.from('float16', [0.5, -2], [2]);
    const s = Tensor.from('string', ['x', 'héllo'], [1, 2]);
    const ids = Tensor.from('int64', [2n ** 62n, -1n], [2]);
    for (const binaryOutputs of [false, true, ['s']]) {
      const body = encodeInferResponse({ modelName: 'm', modelVersion: '3', id: 'r', parameters: { backend: 'onnx' }, outputs: { a, s, ids }, binaryOutputs });
      const parsed = decodeInferResponse(bodyBytes(body), body.headerLength === undefined ? {} : { headerLength: body.headerLength });
      expect(parsed).toMatchObject({ modelName: 'm', modelVersion: '3', id: 'r', parameters: { backend: 'onnx' } });
      expect(parsed.outputs.a!.toArray()).toEqual([0.5, -2]);
      expect(parsed.outputs.s!.toArray()).toEqual(['x', 'héllo']);
      expect(parsed.outputs.s!.shape).toEqual([1, 2]);
      expect(parsed.outputs.ids!.toArray()).toEqual([2n ** 62n, -1n]);
    }
  });

  it('refuses a body that is not a response, naming what is wrong', () => {
    expect(thrown(() => decodeInferResponse(enc({ outputs: [] }))).message).toContain('"model_name"');
    expect(thrown(() => decodeInferResponse(enc({ model_name: 'm', outputs: [], id: 3 }))).message).toContain('"id" must be a string');
    expect(thrown(() => decodeInferResponse(enc({ model_name: 'm', outputs: [], parameters: 1 }))).message).toContain('"parameters"');
    expect(thrown(() => decodeInferResponse(enc({ model_name: 'm', outputs: [{ name: 'y' }, { name: 'z' }] }), { limits: { maxOutputs: 1 } })).details.limit).toBe('maxOutputs');
    expect(thrown(() => decodeInferResponse(enc({ model_name: 'm', outputs: [{ name: 'y', datatype: 'FP32', shape: [1e9], data: [] }] }))).details.limit).toBe('maxElements');
    expect(thrown(() => decodeInferResponse(enc({ model_name: 'm', outputs: [{}] }))).message).toContain('outputs[0]');
  });
});
