import { describe, expect, it } from 'vitest';
import { thrown } from '../internal/thrown.fixture';
import { Tensor } from '../tensor';
import { bodyBytes, encodeInferRequest, encodeInferResponse } from './encode-infer-body';

const text = (body: Parameters<typeof bodyBytes>[0]): string => new TextDecoder().decode(bodyBytes(body));
const y = Tensor.from('float32', [1, 2], [2]);
const yJson = '{"name":"y","datatype":"FP32","shape":[2],"data":[1,2]}';

describe('encodeInferResponse text', () => {
  it('writes only model_name and outputs when nothing else is given, and every field in order when it is', () => {
    expect(text(encodeInferResponse({ modelName: 'm', outputs: { y } }))).toBe(`{"model_name":"m","outputs":[${yJson}]}`);
    expect(text(encodeInferResponse({ modelName: 'm', modelVersion: '2', id: 'r', parameters: { p: 1 }, outputs: { y } }))).toBe(
      `{"model_name":"m","model_version":"2","id":"r","parameters":{"p":1},"outputs":[${yJson}]}`,
    );
  });

  it('writes strings with their escapes, 64-bit integers as numbers only inside the safe range, and bools as true/false', () => {
    const s = Tensor.from('string', ['a"b\n'], [1]);
    const ids = Tensor.from('int64', [-(2n ** 53n) + 1n, 2n ** 53n - 1n, -(2n ** 53n), 2n ** 53n], [4]);
    const b = Tensor.from('bool', [true, false], [2]);
    expect(text(encodeInferResponse({ modelName: 'm', outputs: [['s', s], ['ids', ids], ['b', b]] }))).toBe(
      '{"model_name":"m","outputs":[' +
        '{"name":"s","datatype":"BYTES","shape":[1],"data":["a\\"b\\n"]},' +
        '{"name":"ids","datatype":"INT64","shape":[4],"data":[-9007199254740991,9007199254740991,"-9007199254740992","9007199254740992"]},' +
        '{"name":"b","datatype":"BOOL","shape":[2],"data":[true,false]}]}',
    );
  });

  it('writes data in chunks of 8192 elements joined by commas, with no empty chunk after a full one', () => {
    for (const n of [8192, 8193, 16384]) {
      const big = Tensor.from('int32', Int32Array.from({ length: n }, (_, i) => i), [n]);
      const chunks = [...encodeInferResponse({ modelName: 'm', outputs: { big } }).chunks()] as string[];
      expect(chunks.length).toBe(4 + Math.ceil(n / 8192));
      expect(JSON.parse(chunks.join('')).outputs[0].data).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('sends every output as binary with binaryOutputs: true', () => {
    const s = Tensor.from('string', ['hi'], [1]);
    const body = encodeInferResponse({ modelName: 'm', outputs: { y, s }, binaryOutputs: true });
    const bytes = bodyBytes(body);
    expect(new TextDecoder().decode(bytes.subarray(0, body.headerLength))).toBe(
      '{"model_name":"m","outputs":[{"name":"y","datatype":"FP32","shape":[2],"parameters":{"binary_data_size":8}},' +
        '{"name":"s","datatype":"BYTES","shape":[1],"parameters":{"binary_data_size":6}}]}',
    );
    expect([...bytes.subarray(body.headerLength)]).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 2, 0, 0, 0, 0x68, 0x69]);
  });
});

describe('encodeInferResponse size bound', () => {
  // open '{"model_name":"m","outputs":[' (29) + close ']}' (2) + per tensor: its head + 64, + 1 for the comma.
  // y's head '{"name":"y","datatype":"FP32","shape":[2]' is 41 characters; a float32 element takes at most 25.
  it('bounds a JSON body by its fixed parts and each element at most', () => {
    expect(encodeInferResponse({ modelName: 'm', outputs: { y } }).maxBytes).toBe(29 + 2 + 41 + 64 + 2 * 25 + 1);
  });

  it('bounds BYTES data by each quoted string in UTF-8 plus its comma', () => {
    // head '{"name":"s","datatype":"BYTES","shape":[2]' (42); "a" is 3 + 1, "é\"" is 6 bytes + 1.
    const s = Tensor.from('string', ['a', 'é"'], [2]);
    expect(encodeInferResponse({ modelName: 'm', outputs: { s } }).maxBytes).toBe(29 + 2 + 42 + 64 + 4 + 7 + 1);
  });

  it('counts a binary output by its head and its data bytes, and takes a limit equal to that', () => {
    const bound = 29 + 2 + 41 + 64 + 1 + 8;
    expect(encodeInferResponse({ modelName: 'm', outputs: { y }, binaryOutputs: true }, { limits: { maxOutputBytes: bound } }).contentType).toBe('application/octet-stream');
    const error = thrown(() => encodeInferResponse({ modelName: 'm', outputs: { y }, binaryOutputs: true }, { limits: { maxOutputBytes: bound - 1 } }));
    expect([error.code, error.message, error.details]).toEqual([
      'INVALID_INPUT',
      `response size (at most, before it is written): ${bound} is over the limit of ${bound - 1} (maxOutputBytes; raise it in the v2 limits)`,
      { limit: 'maxOutputBytes', max: bound - 1, value: bound },
    ]);
  });
});

describe('encodeInferResponse refusals', () => {
  it('names an output that is not a tensor, its details name cut to 256 characters', () => {
    const error = thrown(() => encodeInferResponse({ modelName: 'm', outputs: { y: {} as Tensor } }));
    expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', 'tensor "y" is not a Tensor', { name: 'y' }]);
    const long = thrown(() => encodeInferResponse({ modelName: 'm', outputs: [['n'.repeat(300), 5 as never]] }));
    expect(long.details).toEqual({ name: 'n'.repeat(256) });
  });

  it('names model_name, model_version or id when it cannot be written as JSON', () => {
    const reason = 'cannot be written as JSON: Do not know how to serialize a BigInt';
    expect(thrown(() => encodeInferResponse({ modelName: 1n as never, outputs: { y } })).message).toBe(`model_name ${reason}`);
    expect(thrown(() => encodeInferResponse({ modelName: 'm', modelVersion: 1n as never, outputs: { y } })).message).toBe(`model_version ${reason}`);
    expect(thrown(() => encodeInferResponse({ modelName: 'm', id: 1n as never, outputs: { y } })).message).toBe(`id ${reason}`);
  });

  it('says which field cannot be written as JSON, cutting the reason to 200 characters and keeping it as the cause', () => {
    const reason = new Error('e'.repeat(300));
    const parameters = {
      toJSON() {
        throw reason;
      },
    };
    const error = thrown(() => encodeInferResponse({ modelName: 'm', outputs: {}, parameters }));
    expect([error.code, error.message, error.cause]).toEqual(['INVALID_INPUT', `parameters cannot be written as JSON: ${'e'.repeat(200)}`, reason]);
  });
});

describe('encodeInferRequest text', () => {
  it('names each request field that cannot be written as JSON, and the request over maxOutputBytes', () => {
    const reason = 'cannot be written as JSON: Do not know how to serialize a BigInt';
    expect(thrown(() => encodeInferRequest({ id: 1n as never, inputs: { y } })).message).toBe(`id ${reason}`);
    expect(thrown(() => encodeInferRequest({ parameters: { n: 1n }, inputs: { y } })).message).toBe(`parameters ${reason}`);
    expect(thrown(() => encodeInferRequest({ inputs: { y }, outputs: [{ name: 1n as never }] })).message).toBe(`outputs ${reason}`);
    // open '{"inputs":[' (11) + close ']}' (2) + y's head (41) + 64 + 2 * 25 + 1 = 169
    const over = thrown(() => encodeInferRequest({ inputs: { y } }, { limits: { maxOutputBytes: 10 } }));
    expect(over.message).toBe('request size (at most, before it is written): 169 is over the limit of 10 (maxOutputBytes; raise it in the v2 limits)');
  });

  it('writes only the inputs when nothing else is given', () => {
    expect(text(encodeInferRequest({ inputs: { y } }))).toBe(`{"inputs":[${yJson}]}`);
  });

  it('writes id and parameters before the inputs, and outputs after them with binary_data only when set', () => {
    const body = encodeInferRequest({ id: 'q', parameters: { p: 1 }, inputs: { y }, outputs: ['a', { name: 'b' }, { name: 'c', binary: false }, { name: 'd', binary: true }] });
    expect(text(body)).toBe(
      `{"id":"q","parameters":{"p":1},"inputs":[${yJson}],"outputs":[{"name":"a"},{"name":"b"},` +
        '{"name":"c","parameters":{"binary_data":false}},{"name":"d","parameters":{"binary_data":true}}]}',
    );
  });
});
