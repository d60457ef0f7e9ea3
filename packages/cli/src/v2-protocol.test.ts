import { Tensor, isInferoxError } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { buildInferResponse, parseInferRequest } from './v2-protocol';

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (isInferoxError(e)) return e;
    throw e;
  }
  throw new Error('expected a throw');
}

describe('parseInferRequest', () => {
  it('builds int64 feeds row-major when given a v2 body', () => {
    const { feeds, outputs } = parseInferRequest(
      JSON.stringify({ inputs: [{ name: 'input_ids', datatype: 'INT64', shape: [2, 2], data: [1, 2, 3, 4] }], outputs: [{ name: 'pooler_output' }] }),
    );
    expect(feeds.input_ids!.dtype).toBe('int64');
    expect(feeds.input_ids!.shape).toEqual([2, 2]);
    expect([...(feeds.input_ids!.data as BigInt64Array)]).toEqual([1n, 2n, 3n, 4n]);
    expect(outputs).toEqual(['pooler_output']);
  });

  it('says the body is not JSON when it cannot be parsed', () => {
    const e = errorOf(() => parseInferRequest('{"inputs": [', 'in.json'));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain('in.json is not valid JSON');
  });

  it('names the tensor and the datatype when the datatype is unknown', () => {
    const e = errorOf(() => parseInferRequest(JSON.stringify({ inputs: [{ name: 'x', datatype: 'FLOAT', shape: [1], data: [1] }] })));
    expect(e.message).toContain('"x"');
    expect(e.message).toContain('"FLOAT"');
  });

  it('names the tensor and both counts when the shape does not match the data length', () => {
    const e = errorOf(() => parseInferRequest(JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 3], data: [1, 2] }] })));
    expect(e.message).toContain('"x"');
    expect(e.message).toContain('needs 6 elements, data has 2');
  });

  it('refuses a body without inputs, an empty input list, a nameless input and a repeated name', () => {
    expect(errorOf(() => parseInferRequest('{}')).message).toContain('"inputs" array');
    expect(errorOf(() => parseInferRequest('{"inputs":[]}')).message).toContain('empty "inputs"');
    expect(errorOf(() => parseInferRequest('{"inputs":[{"datatype":"FP32","shape":[1],"data":[1]}]}')).message).toContain('inputs[0] needs a non-empty "name"');
    const twice = { name: 'x', datatype: 'FP32', shape: [1], data: [1] };
    expect(errorOf(() => parseInferRequest(JSON.stringify({ inputs: [twice, twice] }))).message).toContain('"x" is given twice');
    expect(errorOf(() => parseInferRequest('{"inputs":[{"name":"x","shape":[1],"data":[1]}]}')).message).toContain('"datatype"');
  });

  it('refuses a fractional value for an integer datatype naming the index', () => {
    const e = errorOf(() => parseInferRequest(JSON.stringify({ inputs: [{ name: 'ids', datatype: 'INT32', shape: [2], data: [1, 2.5] }] })));
    expect(e.message).toContain('element 1 (2.5)');
  });
});

describe('buildInferResponse', () => {
  it('writes each output in v2 form with the parameters when given outputs', () => {
    const body = buildInferResponse('bert', { y: Tensor.from('float32', [1.5, 2], [1, 2]) }, { backend: 'onnx', device: 'cpu' }, { id: 'r1' });
    expect(body).toEqual({
      model_name: 'bert',
      id: 'r1',
      outputs: [{ name: 'y', datatype: 'FP32', shape: [1, 2], data: [1.5, 2] }],
      parameters: { backend: 'onnx', device: 'cpu' },
    });
  });
});
