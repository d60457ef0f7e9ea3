import { describe, expect, it } from 'vitest';
import { Tensor } from '../tensor';
import { bodyBytes, encodeInferRequest } from './encode-infer-body';
import { decodeInferRequest, parseInferRequest, parseInferRequestText } from './parse-infer-request';
import { thrown } from '../internal/thrown.fixture';


const req = (inputs: unknown[], extra: Record<string, unknown> = {}): string => JSON.stringify({ inputs, ...extra });

describe('parseInferRequest', () => {
  it('builds int64 feeds row-major when given a v2 body', () => {
    const { feeds, outputs, elements } = parseInferRequestText(
      req([{ name: 'input_ids', datatype: 'INT64', shape: [2, 2], data: [1, 2, 3, 4] }], { outputs: [{ name: 'pooler_output' }] }),
    );
    expect(feeds.input_ids!.dtype).toBe('int64');
    expect(feeds.input_ids!.shape).toEqual([2, 2]);
    expect([...(feeds.input_ids!.data as BigInt64Array)]).toEqual([1n, 2n, 3n, 4n]);
    expect(outputs).toEqual([{ name: 'pooler_output', binary: false }]);
    expect(elements).toBe(4);
  });

  it('flattens nested data row-major when data nests like the shape', () => {
    const { feeds } = parseInferRequestText(req([{ name: 'x', datatype: 'FP32', shape: [2, 3], data: [[1, 2, 3], [4, 5, 6]] }]));
    expect([...(feeds.x!.data as Float32Array)]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads every datatype core supports when given their JSON forms', () => {
    const inputs = [
      { name: 'b', datatype: 'BOOL', shape: [2], data: [true, 0] },
      { name: 'u8', datatype: 'UINT8', shape: [1], data: [255] },
      { name: 'i8', datatype: 'INT8', shape: [1], data: [-128] },
      { name: 'u16', datatype: 'UINT16', shape: [1], data: [65535] },
      { name: 'i16', datatype: 'INT16', shape: [1], data: [-32768] },
      { name: 'u32', datatype: 'UINT32', shape: [1], data: [4294967295] },
      { name: 'i32', datatype: 'INT32', shape: [1], data: [-2147483648] },
      { name: 'i64', datatype: 'INT64', shape: [2], data: [-5, '-9223372036854775808'] },
      { name: 'u64', datatype: 'UINT64', shape: [1], data: ['18446744073709551615'] },
      { name: 'f16', datatype: 'FP16', shape: [1], data: [1.5] },
      { name: 'bf16', datatype: 'BF16', shape: [1], data: [-2] },
      { name: 'f32', datatype: 'FP32', shape: [3], data: [0.5, 'NaN', '-Infinity'] },
      { name: 'f64', datatype: 'FP64', shape: [1], data: [1e300] },
      { name: 's', datatype: 'BYTES', shape: [1], data: ['héllo'] },
    ];
    const { feeds } = parseInferRequestText(req(inputs));
    expect(Object.keys(feeds)).toEqual(inputs.map((i) => i.name));
    expect(feeds.b!.toArray()).toEqual([true, false]);
    expect(feeds.i64!.toArray()).toEqual([-5n, -(2n ** 63n)]);
    expect(feeds.u64!.toArray()).toEqual([2n ** 64n - 1n]);
    expect(feeds.f16!.toArray()).toEqual([1.5]);
    expect(feeds.bf16!.toArray()).toEqual([-2]);
    expect(feeds.f32!.toArray()).toEqual([0.5, Number.NaN, Number.NEGATIVE_INFINITY]);
    expect(feeds.s!.toArray()).toEqual(['héllo']);
  });

  it('refuses a declared shape of [1000000000] at once, naming maxElements, when data is empty', () => {
    const e = thrown(() => parseInferRequestText(req([{ name: 'x', datatype: 'FP32', shape: [1000000000], data: [] }])));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain('maxElements');
    expect(e.message).toContain('"x"');
    expect(e.details).toMatchObject({ limit: 'maxElements', max: 1048576 });
  });

  it('counts elements over all inputs when each alone is under maxElements', () => {
    const inputs = [
      { name: 'a', datatype: 'UINT8', shape: [3], data: [1, 2, 3] },
      { name: 'b', datatype: 'UINT8', shape: [3], data: [1, 2, 3] },
    ];
    const e = thrown(() => parseInferRequestText(req(inputs), { limits: { maxElements: 5 } }));
    expect(e.message).toContain('"b"');
    expect(e.details).toMatchObject({ limit: 'maxElements', max: 5 });
  });

  it('accepts a zero dim after a huge one when the tensor is empty', () => {
    const { feeds } = parseInferRequestText(req([{ name: 'x', datatype: 'FP32', shape: [1000000000, 0], data: [] }]));
    expect(feeds.x!.size).toBe(0);
  });

  it('names maxInputs, maxOutputs, maxNameLength and maxDepth when a request passes them', () => {
    const one = { name: 'x', datatype: 'UINT8', shape: [1], data: [1] };
    const many = Array.from({ length: 3 }, (_, i) => ({ ...one, name: `x${i}` }));
    expect(thrown(() => parseInferRequestText(req(many), { limits: { maxInputs: 2 } })).details.limit).toBe('maxInputs');
    const outs = [{ name: 'a' }, { name: 'b' }, { name: 'c' }];
    expect(thrown(() => parseInferRequestText(req([one], { outputs: outs }), { limits: { maxOutputs: 2 } })).details.limit).toBe('maxOutputs');
    const long = thrown(() => parseInferRequestText(req([{ ...one, name: 'n'.repeat(50_000_000) }])));
    expect(long.details.limit).toBe('maxNameLength');
    expect(long.message.length).toBeLessThan(400);
    expect(thrown(() => parseInferRequestText(req([{ ...one, shape: new Array(17).fill(1) }]))).details.limit).toBe('maxDepth');
    const s = { name: 's', datatype: 'BYTES', shape: [1], data: ['abcdef'] };
    expect(thrown(() => parseInferRequestText(req([s]), { limits: { maxStringLength: 5 } })).details.limit).toBe('maxStringLength');
    expect(thrown(() => parseInferRequestText(req([one]), { limits: { maxRequestBytes: 10 } })).details.limit).toBe('maxRequestBytes');
  });

  it('gives a typed error, not a RangeError, when data nests a hundred thousand deep', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const e = thrown(() => parseInferRequestText(`{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":${deep}}]}`));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain('nests deeper');
  });

  it('refuses an input named __proto__ instead of dropping it', () => {
    const e = thrown(() => parseInferRequestText('{"inputs":[{"name":"__proto__","datatype":"UINT8","shape":[1],"data":[1]}]}'));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain('__proto__');
  });

  it('refuses "100" as an INT64 or FP32 number and says to write a number', () => {
    const e = thrown(() => parseInferRequestText(req([{ name: 'ids', datatype: 'INT64', shape: [1], data: ['100'] }])));
    expect(e.message).toContain('write it as a JSON number');
    const f = thrown(() => parseInferRequestText(req([{ name: 'f', datatype: 'FP32', shape: [1], data: ['100'] }])));
    expect(f.message).toContain('not a number');
  });

  it('refuses a 50-million-digit int64 string before parsing it, quoting it cut', () => {
    const e = thrown(() => parseInferRequestText(req([{ name: 'ids', datatype: 'INT64', shape: [1], data: ['9'.repeat(50_000_000)] }])));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message.length).toBeLessThan(400);
  });

  it('names the tensor and both counts when the data length does not match the shape', () => {
    const e = thrown(() => parseInferRequestText(req([{ name: 'x', datatype: 'FP32', shape: [2, 3], data: [1, 2] }])));
    expect(e.message).toContain('"x"');
    expect(e.message).toContain('6');
    expect(e.message).toContain('2');
    expect(thrown(() => parseInferRequestText(req([{ name: 'x', datatype: 'FP32', shape: [1], data: [1, 2] }]))).message).toContain('needs 1 elements');
  });

  it('says what is wrong, as INVALID_INPUT, when the body is not a request', () => {
    const refused = (parse: () => unknown, ...facts: string[]) => {
      const e = thrown(parse);
      expect(e.code, e.message).toBe('INVALID_INPUT');
      for (const fact of facts) expect(e.message).toContain(fact);
      return e;
    };
    refused(() => parseInferRequestText('{"inputs": [', { source: 'in.json' }), 'in.json is not valid JSON');
    refused(() => parseInferRequest([]), '"inputs" array');
    refused(() => parseInferRequestText('{"inputs":[]}'), 'empty');
    const unknown = refused(() => parseInferRequestText(req([{ name: 'x', datatype: 'FLOAT', shape: [1], data: [1] }])), 'input "x"', '"FLOAT"', 'FP32');
    expect(unknown.details).toEqual({ name: 'x' });
    refused(() => parseInferRequestText(req([{ name: 'x', datatype: 'FP32', shape: [-1], data: [] }])), 'input "x"', 'shape[0]', '-1');
    refused(() => parseInferRequestText(req([{ name: 'x', datatype: 'FP32', shape: [1] }])), 'input "x"', 'needs "data"');
    const twice = { name: 'x', datatype: 'FP32', shape: [1], data: [1] };
    refused(() => parseInferRequestText(req([twice, twice])), 'input "x" is given twice');
    refused(() => parseInferRequestText(req([twice], { id: 5 })), '"id"');
    refused(() => parseInferRequestText(req([twice], { parameters: [] })), '"parameters"');
  });

  it('marks outputs binary from their parameters or the request default', () => {
    const one = { name: 'x', datatype: 'UINT8', shape: [1], data: [1] };
    const parsed = parseInferRequestText(req([one], { parameters: { binary_data_output: true }, outputs: [{ name: 'a' }, { name: 'b', parameters: { binary_data: false } }] }));
    expect(parsed.binaryDataOutput).toBe(true);
    expect(parsed.outputs).toEqual([
      { name: 'a', binary: true },
      { name: 'b', binary: false },
    ]);
  });
});

describe('decodeInferRequest', () => {
  it('reads binary data after the JSON part when given its length', () => {
    const inputs = {
      ids: Tensor.from('int64', [1n, -2n, 2n ** 62n], [1, 3]),
      h: Tensor.from('float16', [0.5, -1], [2]),
      s: Tensor.from('string', ['a', '', 'ünï'], [3]),
      b: Tensor.from('bool', [true, false], [2]),
    };
    const body = encodeInferRequest({ inputs, binary: true, outputs: [{ name: 'y', binary: true }] });
    expect(body.headerLength).toBeGreaterThan(0);
    const parsed = decodeInferRequest(bodyBytes(body), { headerLength: body.headerLength! });
    for (const [name, t] of Object.entries(inputs)) {
      expect(parsed.feeds[name]!.toArray()).toEqual(t.toArray());
      expect(parsed.feeds[name]!.shape).toEqual(t.shape);
    }
    expect(parsed.outputs).toEqual([{ name: 'y', binary: true }]);
  });

  it('reads binary data from a Node Buffer that is a view into a larger pool', () => {
    // Buffer#slice returns a view, not a copy: the body must still be read at its own offset.
    const inputs = { x: Tensor.from('float32', [1.5, -2, 3.25], [3]), ids: Tensor.from('int64', [7n, 9n], [2]) };
    const body = encodeInferRequest({ inputs, binary: true });
    const bytes = bodyBytes(body);
    const pooled = Buffer.concat([Buffer.from('padding!'), Buffer.from(bytes)]).subarray(8);
    expect(pooled.byteOffset).toBeGreaterThan(0);
    const parsed = decodeInferRequest(pooled, { headerLength: body.headerLength! });
    expect(parsed.feeds.x!.toArray()).toEqual([1.5, -2, 3.25]);
    expect(parsed.feeds.ids!.toArray()).toEqual([7n, 9n]);
  });

  it('names the problem when binary_data_size is malformed, doubled with data or implies over-long strings', () => {
    const one = (parameters: unknown, extra: Record<string, unknown> = {}) => ({ inputs: [{ name: 'x', datatype: 'BYTES', shape: [1], parameters, ...extra }] });
    expect(thrown(() => parseInferRequest(one({ binary_data_size: -1 }))).message).toContain('non-negative integer');
    expect(thrown(() => parseInferRequest(one({ binary_data_size: 1 }, { data: ['a'] }))).message).toContain('both "data" and');
    expect(thrown(() => parseInferRequest(one({ binary_data_size: 100 }), { limits: { maxStringLength: 10 } })).details.limit).toBe('maxStringLength');
    expect(thrown(() => parseInferRequest(one([]))).message).toContain('"parameters" must be an object');
    const bin = { binary_data_size: 8 };
    const e = thrown(() => decodeInferRequest(new TextEncoder().encode(JSON.stringify(one(bin))).slice(0), { headerLength: 0 }));
    expect(e.code).toBe('INVALID_INPUT');
  });

  it('names int64 values that are not integers, out of range or of the wrong type', () => {
    const run = (data: unknown[], datatype = 'INT64') => thrown(() => parseInferRequest({ inputs: [{ name: 'i', datatype, shape: [data.length], data }] })).message;
    expect(run([1.5])).toContain('not an integer');
    expect(run([2 ** 60])).toContain('send a decimal string');
    expect(run([true])).toContain('not a number');
    expect(run(['-1'], 'UINT64')).toContain('write it as a JSON number');
    expect(run(['-99999999999999999999'], 'UINT64')).toContain('out of range');
    expect(run([300], 'UINT8')).toContain('out of range');
    expect(run([null], 'BOOL')).toContain('BOOL takes');
    expect(run([5], 'BYTES')).toContain('BYTES takes strings');
    expect(run(['x'], 'FP16')).toContain('not a number');
  });

  it('reads a JSON body when no header length is given', () => {
    const body = encodeInferRequest({ inputs: { x: Tensor.from('float32', [1, 2], [2]) } });
    expect(decodeInferRequest(bodyBytes(body)).feeds.x!.toArray()).toEqual([1, 2]);
  });

  it('refuses binary sizes that do not add up, cut BYTES and bad bools', () => {
    const enc = new TextEncoder();
    const make = (json: unknown, tail: number[]): [Uint8Array, number] => {
      const head = enc.encode(JSON.stringify(json));
      const out = new Uint8Array(head.length + tail.length);
      out.set(head);
      out.set(tail, head.length);
      return [out, head.length];
    };
    const t = (datatype: string, shape: number[], size: number) => ({ inputs: [{ name: 'x', datatype, shape, parameters: { binary_data_size: size } }] });
    const run = ([bytes, headerLength]: [Uint8Array, number]) => thrown(() => decodeInferRequest(bytes, { headerLength }));
    expect(run(make(t('FP32', [1], 4), [0, 0])).message).toContain('add up to 4 bytes');
    expect(run(make(t('FP32', [1], 3), [0, 0, 0])).message).toContain('take 4');
    expect(run(make(t('BOOL', [1], 1), [7])).message).toContain('0 or 1');
    expect(run(make(t('BYTES', [2], 5), [1, 0, 0, 0, 65])).message).toContain('ends at element 1');
    expect(run(make(t('BYTES', [1], 5), [9, 0, 0, 0, 65])).message).toContain('says 9 bytes');
    expect(run(make(t('BYTES', [1], 5), [1, 0, 0, 0, 0xff])).message).toContain('not UTF-8');
    expect(run(make(t('BYTES', [1], 6), [1, 0, 0, 0, 65, 66])).message).toContain('after its 1 elements');
    expect(thrown(() => decodeInferRequest(new Uint8Array(3), { headerLength: 9 })).message).toContain('Inference-Header-Content-Length');
    expect(thrown(() => decodeInferRequest(new Uint8Array([0xff]))).message).toContain('not UTF-8');
  });
});
