import { describe, expect, it } from 'vitest';
import { InferoxError } from '../../inferox-error';
import { thrown } from '../../internal/thrown.fixture';
import { type V2Limits, resolveV2Limits } from '../v2-limits';
import { checkName, planTensors, readTensors } from './v2-read-tensors';

const limits = resolveV2Limits();
const planError = (inputs: unknown[], given: V2Limits = limits) => thrown(() => planTensors(inputs, 'request', given));
/** `[code, message, details]` of what planTensors throws for `inputs`. */
const planFacts = (inputs: unknown[], given: V2Limits = limits) => {
  const error = planError(inputs, given);
  return [error.code, error.message, error.details];
};
const overLimit = (message: string, limit: string, max: number, value: number) => [
  'INVALID_INPUT',
  `${message}: ${value} is over the limit of ${max} (${limit}; raise it in the v2 limits)`,
  { limit, max, value },
];

describe('checkName', () => {
  it('takes a name of exactly maxNameLength and refuses a longer one, naming the limit', () => {
    const small = resolveV2Limits({ maxNameLength: 3 });
    expect(checkName('abc', 'inputs[0]', 'request', small)).toBe('abc');
    const error = thrown(() => checkName('abcd', 'inputs[0]', 'request', small));
    expect([error.code, error.message, error.details]).toEqual(overLimit('request: inputs[0] name "abcd" length', 'maxNameLength', 3, 4));
  });

  it('refuses "__proto__" as a name, with the name in the details', () => {
    const error = thrown(() => checkName('__proto__', 'outputs[1]', 'request', limits));
    expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', 'request: outputs[1] cannot be named "__proto__"', { name: '__proto__' }]);
  });
});

describe('planTensors', () => {
  it('names the input in the details of every header error', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'x', shape: [1], data: [1] }, 'request: input "x" needs a "datatype" string, got undefined'],
      [{ name: 'x', datatype: 'FP32', shape: 3, data: [1] }, 'request: input "x" needs a "shape" array, got 3'],
      [{ name: 'x', datatype: 'FP32', shape: [1], data: [1], parameters: 7 }, 'request: input "x": "parameters" must be an object, got 7'],
      [{ name: 'x', datatype: 'FP32', shape: [1] }, 'request: input "x" needs "data" (or parameters.binary_data_size with binary data)'],
      [{ name: 'x', datatype: 'FP32', shape: [1], data: [1], parameters: { binary_data_size: 4 } }, 'request: input "x" has both "data" and parameters.binary_data_size'],
    ];
    for (const [input, message] of cases) expect(planFacts([input])).toEqual(['INVALID_INPUT', message, { name: 'x' }]);
  });

  it('refuses a shape entry that is not a non-negative safe integer, naming it', () => {
    for (const [d, shown] of [[1.5, '1.5'], ['2', '"2"'], [-1, '-1'], [2 ** 53, '9007199254740992'], [null, 'null']] as const) {
      expect(planFacts([{ name: 'x', datatype: 'FP32', shape: [1, d], data: [1] }])).toEqual([
        'INVALID_INPUT',
        `request: input "x": shape[1] must be a non-negative integer, got ${shown}`,
        { name: 'x' },
      ]);
    }
  });

  it('refuses a binary_data_size that is not a non-negative safe integer, naming it', () => {
    for (const [size, shown] of [[-1, '-1'], [1.5, '1.5'], ['4', '"4"'], [2 ** 53, '9007199254740992']] as const) {
      expect(planFacts([{ name: 'x', datatype: 'FP32', shape: [1], parameters: { binary_data_size: size } }])).toEqual([
        'INVALID_INPUT',
        `request: input "x": parameters.binary_data_size must be a non-negative integer, got ${shown}`,
        { name: 'x' },
      ]);
    }
  });

  it('quotes an unknown datatype cut to 32 characters, in the message and the cause', () => {
    const error = planError([{ name: 'x', datatype: 'Q'.repeat(100), shape: [1], data: [1] }]);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(new RegExp(`^request: input "x": unknown v2 datatype "${'Q'.repeat(32)}"; expected one of BOOL, `));
    expect(error.details).toEqual({ name: 'x' });
    expect((error.cause as InferoxError).details).toEqual({ datatype: 'Q'.repeat(32) });
  });

  it('takes a shape of rank maxDepth and refuses a deeper one, naming the limit', () => {
    const small = resolveV2Limits({ maxDepth: 2 });
    expect(planTensors([{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [[1]] }], 'request', small).map((p) => p.shape)).toEqual([[1, 1]]);
    expect(planFacts([{ name: 'x', datatype: 'FP32', shape: [1, 1, 1], data: [[[1]]] }], small)).toEqual(
      overLimit('request: input "x" shape rank', 'maxDepth', 2, 3),
    );
  });

  it('takes exactly maxElements over all inputs and refuses one more, showing the shape and the running total', () => {
    const small = resolveV2Limits({ maxElements: 4 });
    const ok = planTensors([{ name: 'a', datatype: 'FP32', shape: [2], data: [1, 2] }, { name: 'b', datatype: 'FP32', shape: [2], data: [3, 4] }], 'request', small);
    expect(ok.map((p) => p.size)).toEqual([2, 2]);
    expect(planTensors([{ name: 'a', datatype: 'FP32', shape: [2, 2], data: [1, 2, 3, 4] }], 'request', small)[0]!.size).toBe(4);
    expect(planFacts([{ name: 'a', datatype: 'FP32', shape: [2], data: [1, 2] }, { name: 'b', datatype: 'FP32', shape: [3], data: [3, 4, 5] }], small)).toEqual(
      overLimit('request: input "b" shape [3] (with the inputs before it) has at least this many elements', 'maxElements', 4, 5),
    );
  });

  it('shows up to 8 dimensions of a shape over maxElements, and an ellipsis for more', () => {
    const small = resolveV2Limits({ maxElements: 4 });
    const eight = [1, 1, 1, 1, 1, 1, 1, 5];
    expect(planFacts([{ name: 'x', datatype: 'FP32', shape: eight, data: [] }], small)).toEqual(
      overLimit('request: input "x" shape [1, 1, 1, 1, 1, 1, 1, 5] (with the inputs before it) has at least this many elements', 'maxElements', 4, 5),
    );
    const nine = [1, 1, 1, 1, 1, 1, 1, 1, 5];
    expect(planFacts([{ name: 'x', datatype: 'FP32', shape: nine, data: [] }], small)).toEqual(
      overLimit('request: input "x" shape [1, 1, 1, 1, 1, 1, 1, 1, …] (with the inputs before it) has at least this many elements', 'maxElements', 4, 5),
    );
  });

  it('refuses a binary_data_size that does not fit a fixed-width dtype before any data is read', () => {
    expect(planFacts([{ name: 'x', datatype: 'FP32', shape: [2], parameters: { binary_data_size: 4 } }])).toEqual([
      'INVALID_INPUT',
      'request: input "x": binary_data_size is 4 bytes; 2 float32 elements take 8',
      { name: 'x' },
    ]);
    expect(planTensors([{ name: 'x', datatype: 'FP32', shape: [2], parameters: { binary_data_size: 8 } }], 'request', limits)).toEqual([
      { name: 'x', dtype: 'float32', shape: [2], size: 2, binarySize: 8 },
    ]);
  });

  it('bounds the binary size of BYTES elements only by maxStringLength, saying the element length it implies', () => {
    const small = resolveV2Limits({ maxStringLength: 1 });
    // 8-byte elements take more than 4 + maxStringLength bytes each: the BYTES bound does not apply to them.
    expect(planTensors([{ name: 'd', datatype: 'FP64', shape: [2], parameters: { binary_data_size: 16 } }], 'request', small)[0]!.binarySize).toBe(16);
    const three = resolveV2Limits({ maxStringLength: 3 });
    expect(planTensors([{ name: 's', datatype: 'BYTES', shape: [2], parameters: { binary_data_size: 14 } }], 'request', three)[0]!.binarySize).toBe(14);
    expect(planFacts([{ name: 's', datatype: 'BYTES', shape: [2], parameters: { binary_data_size: 19 } }], three)).toEqual(
      overLimit('request: input "s": binary_data_size 19 for 2 BYTES elements implies an element length', 'maxStringLength', 3, 10),
    );
    expect(planFacts([{ name: 's', datatype: 'BYTES', shape: [0], parameters: { binary_data_size: 5 } }], three)).toEqual(
      overLimit('request: input "s": binary_data_size 5 for 0 BYTES elements implies an element length', 'maxStringLength', 3, 5),
    );
  });
});

describe('readTensors', () => {
  it('refuses binary data whose length is not the sum of the binary_data_size, with both in the details', () => {
    const planned = planTensors([{ name: 'x', datatype: 'FP32', shape: [1], parameters: { binary_data_size: 4 } }], 'request', limits);
    const error = thrown(() => readTensors(planned, new Uint8Array(6), 'request', limits));
    expect([error.code, error.message, error.details]).toEqual([
      'INVALID_INPUT',
      "request: the tensors' binary_data_size add up to 4 bytes, the binary data after the JSON has 6",
      { expected: 4, given: 6 },
    ]);
  });

  it('names the whole shape when nested data holds fewer elements than it', () => {
    const planned = planTensors([{ name: 'x', datatype: 'FP32', shape: [2, 2], data: [[1, 2]] }], 'request', limits);
    const error = thrown(() => readTensors(planned, new Uint8Array(0), 'request', limits));
    expect([error.code, error.message, error.details]).toEqual([
      'INVALID_INPUT',
      'request: input "x": its shape [2, 2] needs 4 elements, "data" has 2',
      { name: 'x', expected: 4, given: 2 },
    ]);
  });

  it("passes on an error thrown by the caller's own data as it is: not an InferoxError, or one already naming the source", () => {
    const withGetter = (error: Error): unknown[] => {
      const data = [1, 2];
      Object.defineProperty(data, 1, {
        get() {
          throw error;
        },
      });
      return data;
    };
    for (const error of [new RangeError('the caller failed'), new InferoxError('CANCELLED', 'request: the caller stopped')]) {
      const planned = planTensors([{ name: 'x', datatype: 'FP32', shape: [2], data: withGetter(error) }], 'request', limits);
      let caught: unknown;
      try {
        readTensors(planned, new Uint8Array(0), 'request', limits);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBe(error);
    }
  });
});
