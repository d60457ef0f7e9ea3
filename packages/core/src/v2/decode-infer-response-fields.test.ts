import { describe, expect, it } from 'vitest';
import { thrown } from '../internal/thrown.fixture';
import { decodeInferResponse } from './decode-infer-response';

const enc = (json: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(json));
const y = { name: 'y', datatype: 'INT32', shape: [1], data: [3] };

describe('decodeInferResponse fields', () => {
  it("names the source in messages, 'response' by default", () => {
    const body = enc({ outputs: [] });
    const message = 'a v2 inference response is an object with a "model_name" string and an "outputs" array';
    expect(thrown(() => decodeInferResponse(body)).message).toBe(`response: ${message}`);
    expect(thrown(() => decodeInferResponse(body, { source: 'http://h/infer' })).message).toBe(`http://h/infer: ${message}`);
  });

  it('takes maxOutputs outputs and refuses one more, naming the limit', () => {
    expect(Object.keys(decodeInferResponse(enc({ model_name: 'm', outputs: [y] }), { limits: { maxOutputs: 1 } }).outputs)).toEqual(['y']);
    const error = thrown(() => decodeInferResponse(enc({ model_name: 'm', outputs: [y, { ...y, name: 'z' }] }), { limits: { maxOutputs: 1 } }));
    expect([error.code, error.message, error.details]).toEqual([
      'INVALID_INPUT',
      'response: number of outputs: 2 is over the limit of 1 (maxOutputs; raise it in the v2 limits)',
      { limit: 'maxOutputs', max: 1, value: 2 },
    ]);
  });

  it('has no modelVersion or id key when the response has none, and empty parameters', () => {
    const parsed = decodeInferResponse(enc({ model_name: 'm', outputs: [y] }));
    expect(['modelVersion' in parsed, 'id' in parsed, parsed.modelName, parsed.parameters]).toEqual([false, false, 'm', {}]);
    expect(parsed.outputs.y!.toArray()).toEqual([3]);
  });

  it('refuses a model_version that is not a string, quoting it', () => {
    const error = thrown(() => decodeInferResponse(enc({ model_name: 'm', model_version: 2, outputs: [] })));
    expect([error.code, error.message]).toEqual(['INVALID_INPUT', 'response: "model_version" must be a string, got 2']);
  });
});
