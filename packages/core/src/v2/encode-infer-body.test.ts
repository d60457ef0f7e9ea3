import { describe, expect, it } from 'vitest';
import { Tensor } from '../tensor';
import { bodyBytes, encodeInferRequest, encodeInferResponse } from './encode-infer-body';
import { decodeInferRequest } from './parse-infer-request';
import { DEFAULT_V2_LIMITS, resolveV2Limits } from './v2-limits';
import { thrown } from '../internal/thrown.fixture';


const text = (body: { chunks(): Generator<string | Uint8Array> }): string => new TextDecoder().decode(bodyBytes(body as never));

describe('encodeInferResponse', () => {
  it('writes the v2 JSON response Tensor.toJSON would when no output is binary', () => {
    const y = Tensor.from('int64', [1n, 2n ** 60n], [2]);
    const f = Tensor.from('float32', [Number.NaN, 0.25], [1, 2]);
    const body = encodeInferResponse({ modelName: 'm', modelVersion: '2', id: 'r1', parameters: { backend: 'onnx' }, outputs: { y, f } });
    expect(body.contentType).toBe('application/json');
    expect(body.headerLength).toBeUndefined();
    const json = text(body);
    expect(JSON.parse(json)).toEqual({ model_name: 'm', model_version: '2', id: 'r1', parameters: { backend: 'onnx' }, outputs: [y.toJSON('y'), f.toJSON('f')] });
    expect(new TextEncoder().encode(json).length).toBeLessThanOrEqual(body.maxBytes);
  });

  it('yields many chunks, not one string, for a large output', () => {
    const big = Tensor.zeros('float32', [100_000]);
    const chunks = [...encodeInferResponse({ modelName: 'm', outputs: { big } }).chunks()];
    expect(chunks.length).toBeGreaterThan(10);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(100_000);
  });

  it('refuses before writing, naming maxOutputBytes, when the output could pass it', () => {
    const big = Tensor.zeros('float64', [1000]);
    const e = thrown(() => encodeInferResponse({ modelName: 'm', outputs: { big } }, { limits: { maxOutputBytes: 10_000 } }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain('maxOutputBytes');
    expect(e.details).toMatchObject({ limit: 'maxOutputBytes', max: 10_000 });
  });

  it('puts the named outputs after the JSON part as binary data and gives its length', () => {
    const a = Tensor.from('float32', [1, 2, 3], [3]);
    const s = Tensor.from('string', ['x', 'yz'], [2]);
    const body = encodeInferResponse({ modelName: 'm', outputs: [['a', a], ['s', s]], binaryOutputs: ['a'] });
    expect(body.contentType).toBe('application/octet-stream');
    const bytes = bodyBytes(body);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(0, body.headerLength)));
    expect(header.outputs[0]).toEqual({ name: 'a', datatype: 'FP32', shape: [3], parameters: { binary_data_size: 12 } });
    expect(header.outputs[1].data).toEqual(['x', 'yz']);
    expect([...new Float32Array(bytes.slice(body.headerLength).buffer)]).toEqual([1, 2, 3]);
    expect(bytes.length).toBe(body.maxBytes);
  });

  it('refuses an output that is not a tensor and parameters that are not JSON', () => {
    expect(thrown(() => encodeInferResponse({ modelName: 'm', outputs: { y: {} as Tensor } })).message).toContain('"y"');
    expect(thrown(() => encodeInferResponse({ modelName: 'm', outputs: {}, parameters: { n: 1n } })).message).toContain('parameters');
  });
});

describe('encodeInferRequest', () => {
  it('round-trips through decodeInferRequest as JSON when binary is off', () => {
    const x = Tensor.from('uint64', [2n ** 64n - 1n], [1]);
    const body = encodeInferRequest({ id: 'q', inputs: { x }, outputs: ['y'], parameters: { p: 1 } });
    const parsed = decodeInferRequest(bodyBytes(body));
    expect(parsed.id).toBe('q');
    expect(parsed.parameters).toEqual({ p: 1 });
    expect(parsed.feeds.x!.toArray()).toEqual([2n ** 64n - 1n]);
  });
});

describe('resolveV2Limits', () => {
  it('fills defaults and refuses unknown or non-positive limits', () => {
    expect(resolveV2Limits({ maxElements: 5 })).toEqual({ ...DEFAULT_V2_LIMITS, maxElements: 5 });
    expect(thrown(() => resolveV2Limits({ maxElemnts: 5 } as never)).message).toContain('maxElemnts');
    expect(thrown(() => resolveV2Limits({ maxElements: 0 })).message).toContain('positive integer');
    expect(thrown(() => resolveV2Limits(null as never)).code).toBe('INVALID_INPUT');
  });
});
