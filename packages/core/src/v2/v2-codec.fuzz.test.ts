import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DTYPES, type DType, dtypeToV2 } from '../dtype';
import { isInferoxError } from '../inferox-error';
import { Tensor } from '../tensor';
import { decodeInferResponse } from './decode-infer-response';
import { bodyBytes, encodeInferRequest, encodeInferResponse } from './encode-infer-body';
import { decodeInferRequest, parseInferRequest, parseInferRequestText } from './parse-infer-request';

// Fuzzing the v2 codec: whatever arrives, the parser returns a request or throws an InferoxError (never a
// TypeError, RangeError or a hang), and what the encoder writes the parser reads back unchanged.

/** Runs `fn`; anything thrown must be a typed error. */
function typedOnly(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!isInferoxError(error)) throw error;
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message.length).toBeLessThan(2000);
  }
}

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', '', 'NaN', '-Infinity', '100', '1e309', '9'.repeat(30), ' 7', '0x10', '-0'),
  fc.string({ minLength: 300, maxLength: 2000 }),
);
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1e9, 2 ** 31, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 2 ** 64, Number.MAX_VALUE, 1.5, -1),
);
const scalar = fc.oneof(hostileNumber, hostileString, fc.boolean(), fc.constant(null), fc.constant({}));
const nested: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('value'), { maxLength: 6 })),
})).value;
const datatype = fc.oneof(fc.constantFrom(...DTYPES.map(dtypeToV2)), hostileString);
const dim = fc.oneof(fc.integer({ min: 0, max: 8 }), hostileNumber, fc.constantFrom(1e9, 2 ** 53 - 1, 2 ** 40), hostileString);
const input = fc.record(
  {
    name: fc.oneof(hostileString, hostileNumber),
    datatype,
    shape: fc.oneof(fc.array(dim, { maxLength: 5 }), fc.array(fc.constant(1), { minLength: 17, maxLength: 40 }), scalar),
    data: fc.oneof(nested, fc.array(scalar, { maxLength: 64 })),
    parameters: fc.oneof(fc.constant(undefined), fc.record({ binary_data_size: fc.oneof(hostileNumber, fc.integer({ min: 0, max: 64 })) })),
  },
  { requiredKeys: [] },
);
const request = fc.record(
  {
    id: fc.oneof(hostileString, hostileNumber),
    inputs: fc.oneof(fc.array(input, { maxLength: 4 }), scalar),
    outputs: fc.oneof(fc.array(fc.record({ name: hostileString, parameters: fc.record({ binary_data: fc.oneof(fc.boolean(), scalar) }) }, { requiredKeys: ['name'] }), { maxLength: 3 }), scalar),
    parameters: fc.oneof(fc.record({ binary_data_output: fc.oneof(fc.boolean(), scalar) }), scalar),
  },
  { requiredKeys: ['inputs'] },
);

/** A valid tensor of a random dtype and small shape. */
const tensor: fc.Arbitrary<Tensor> = fc
  .tuple(fc.constantFrom(...DTYPES), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }))
  .chain(([dtype, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const value: Record<DType, fc.Arbitrary<unknown>> = {
      bool: fc.boolean(),
      uint8: fc.integer({ min: 0, max: 255 }),
      int8: fc.integer({ min: -128, max: 127 }),
      uint16: fc.integer({ min: 0, max: 65535 }),
      int16: fc.integer({ min: -32768, max: 32767 }),
      uint32: fc.integer({ min: 0, max: 4294967295 }),
      int32: fc.integer({ min: -2147483648, max: 2147483647 }),
      int64: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      uint64: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      float16: fc.oneof(fc.integer({ min: -2048, max: 2048 }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 0.5)),
      bfloat16: fc.oneof(fc.integer({ min: -256, max: 256 }), fc.constantFrom(Number.NEGATIVE_INFINITY, 0.25)),
      float32: fc.float({ noDefaultInfinity: false }),
      float64: fc.double(),
      string: fc.string({ maxLength: 12, unit: 'grapheme' }),
    };
    return fc.array(value[dtype], { minLength: size, maxLength: size }).map((data) => Tensor.from(dtype, data as never, shape));
  });

const same = (a: Tensor, b: Tensor): void => {
  expect(b.dtype).toBe(a.dtype);
  expect(b.shape).toEqual(a.shape);
  expect(b.toArray().map((v) => (typeof v === 'number' && Object.is(v, -0) ? 0 : v))).toEqual(a.toArray().map((v) => (typeof v === 'number' && Object.is(v, -0) ? 0 : v)));
};

describe('v2 codec (fuzz)', () => {
  it('answers a request or INVALID_INPUT for any JSON-like request object', () => {
    fc.assert(
      fc.property(request, (body) => typedOnly(() => parseInferRequest(body))),
      { numRuns: 1500 },
    );
  });

  it('answers a request or INVALID_INPUT for any text, mutated valid bodies included', () => {
    const valid = JSON.stringify({ inputs: [{ name: 'x', datatype: 'INT64', shape: [2], data: [1, 2] }] });
    const mutated = fc.tuple(fc.nat(valid.length), fc.nat(valid.length), fc.string({ maxLength: 8 })).map(([a, b, s]) => valid.slice(0, Math.min(a, b)) + s + valid.slice(Math.max(a, b)));
    fc.assert(
      fc.property(fc.oneof(fc.string(), mutated, fc.json()), (text) => typedOnly(() => parseInferRequestText(text))),
      { numRuns: 1500 },
    );
  });

  it('answers a request or INVALID_INPUT for any binary body and header length', () => {
    const json = fc.oneof(request.map((r) => JSON.stringify(r)), fc.constant('{"inputs":[{"name":"s","datatype":"BYTES","shape":[2],"parameters":{"binary_data_size":9}}]}'));
    fc.assert(
      fc.property(json, fc.uint8Array({ maxLength: 64 }), fc.oneof(fc.constant(undefined), fc.integer({ min: -2, max: 400 })), (head, tail, cut) => {
        const headBytes = new TextEncoder().encode(head);
        const bytes = new Uint8Array(headBytes.length + tail.length);
        bytes.set(headBytes);
        bytes.set(tail, headBytes.length);
        typedOnly(() => decodeInferRequest(bytes, { headerLength: cut === undefined ? headBytes.length : cut }));
      }),
      { numRuns: 1500 },
    );
  });

  it('answers a response or INVALID_INPUT for any response body', () => {
    const response = fc.record({ model_name: fc.oneof(hostileString, hostileNumber), id: scalar, outputs: fc.oneof(fc.array(input, { maxLength: 4 }), scalar), parameters: scalar }, { requiredKeys: [] });
    fc.assert(
      fc.property(response, fc.uint8Array({ maxLength: 32 }), fc.boolean(), (body, tail, binary) => {
        const head = new TextEncoder().encode(JSON.stringify(body));
        const bytes = binary ? new Uint8Array([...head, ...tail]) : head;
        typedOnly(() => decodeInferResponse(bytes, binary ? { headerLength: head.length } : {}));
      }),
      { numRuns: 1000 },
    );
  });

  it('reads back every tensor it encodes, as JSON and as binary data', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }).filter((n) => n !== '__proto__'), tensor), { maxLength: 4, selector: ([n]) => n, minLength: 1 }), fc.boolean(), (inputs, binary) => {
        const body = encodeInferRequest({ inputs, binary });
        const parsed = decodeInferRequest(bodyBytes(body), body.headerLength === undefined ? {} : { headerLength: body.headerLength });
        expect(Object.keys(parsed.feeds).sort()).toEqual(inputs.map(([n]) => n).sort());
        for (const [name, t] of inputs) same(t, parsed.feeds[name]!);
      }),
      { numRuns: 400 },
    );
  });

  it('never writes more than its bound when encoding a response', () => {
    fc.assert(
      fc.property(fc.array(tensor, { maxLength: 3 }), (tensors) => {
        const body = encodeInferResponse({ modelName: 'm', outputs: tensors.map((t, i) => [`o${i}`, t] as const) });
        const bytes = bodyBytes(body);
        expect(bytes.length).toBeLessThanOrEqual(body.maxBytes);
        const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { outputs: unknown[] };
        expect(parsed.outputs).toHaveLength(tensors.length);
      }),
      { numRuns: 400 },
    );
  });
});

describe('Tensor construction (fuzz)', () => {
  it('builds a tensor or throws INVALID_INPUT for any dtype, data and shape', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...DTYPES), hostileString), fc.array(scalar, { maxLength: 32 }), fc.oneof(fc.array(dim, { maxLength: 4 }), scalar), (dtype, data, shape) => {
        typedOnly(() => Tensor.from(dtype as DType, data as never, shape as number[]));
      }),
      { numRuns: 2000 },
    );
  });

  it('rebuilds from any v2 JSON tensor or throws INVALID_INPUT', () => {
    fc.assert(
      fc.property(fc.oneof(input, scalar), (json) => typedOnly(() => Tensor.fromJSON(json as never))),
      { numRuns: 1500 },
    );
  });
});
