import { describe, expect, it } from 'vitest';
import { thrown } from '../internal/thrown.fixture';
import { parseInferRequestText } from './parse-infer-request';

const req = (inputs: unknown[]): string => JSON.stringify({ inputs });
const errorOf = (inputs: unknown[]) => thrown(() => parseInferRequestText(req(inputs)));

describe('parseInferRequest data errors', () => {
  it('refuses data that is not an array, naming the input', () => {
    const error = errorOf([{ name: 'x', datatype: 'FP32', shape: [1], data: 5 }]);
    expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', 'request: input "x": "data" must be an array, got 5', { name: 'x' }]);
  });

  it('says "more" when nested data holds one element too many, and the count when flat data holds more', () => {
    const nested = errorOf([{ name: 'x', datatype: 'FP32', shape: [2, 2], data: [[1, 2], [3, 4, 5]] }]);
    expect([nested.message, nested.details]).toEqual(['request: input "x": its shape needs 4 elements, "data" has more', { name: 'x', expected: 4 }]);
    const flat = errorOf([{ name: 'x', datatype: 'FP32', shape: [2], data: [1, 2, 3, 4] }]);
    expect(flat.message).toBe('request: input "x": its shape needs 2 elements, "data" has 4');
    const short = errorOf([{ name: 'x', datatype: 'FP32', shape: [3], data: [1, 2] }]);
    expect([short.message, short.details]).toEqual(['request: input "x": its shape [3] needs 3 elements, "data" has 2', { name: 'x', expected: 3, given: 2 }]);
  });

  it('reads nested data exactly filling the shape, the last element included', () => {
    const { feeds } = parseInferRequestText(req([{ name: 'x', datatype: 'INT32', shape: [2, 2], data: [[1, 2], [3, 4]] }]));
    expect([...(feeds.x!.data as Int32Array)]).toEqual([1, 2, 3, 4]);
    const mixed = parseInferRequestText(req([{ name: 'x', datatype: 'INT32', shape: [2, 2], data: [1, 2, [3, 4]] }]));
    expect([...(mixed.feeds.x!.data as Int32Array)]).toEqual([1, 2, 3, 4]);
  });

  it('refuses data nesting deeper than the rank, with the rank in the details', () => {
    const error = errorOf([{ name: 'x', datatype: 'FP32', shape: [2], data: [[1], [2]] }]);
    expect([error.message, error.details]).toEqual(['request: input "x": "data" nests deeper (2) than its shape\'s rank (1)', { name: 'x', rank: 1 }]);
    const { feeds } = parseInferRequestText(req([{ name: 'y', datatype: 'FP32', shape: [1, 1, 2], data: [[[1, 2]]] }]));
    expect([...(feeds.y!.data as Float32Array)]).toEqual([1, 2]);
  });

  it('names the element, its value and the dtype of a bad value, with the details', () => {
    const error = errorOf([{ name: 'ids', datatype: 'INT32', shape: [2], data: [1, 1.5] }]);
    expect(error.message).toContain('input "ids": element 1 (1.5)');
    expect(error.message).toContain('not an integer');
    expect(error.details).toEqual({ name: 'ids', index: 1, dtype: 'int32' });
    expect(errorOf([{ name: 'ids', datatype: 'INT32', shape: [1], data: ['7'] }]).message).toContain('not an integer');
  });

  it('refuses an integer one past either end of the dtype range, and takes the ends', () => {
    for (const [datatype, min, max] of [['INT8', -128, 127], ['UINT8', 0, 255], ['INT16', -32768, 32767], ['UINT16', 0, 65535], ['INT32', -2147483648, 2147483647], ['UINT32', 0, 4294967295]] as const) {
      const ok = parseInferRequestText(req([{ name: 'x', datatype, shape: [2], data: [min, max] }]));
      expect([...(ok.feeds.x!.data as Iterable<number>)]).toEqual([min, max]);
      expect(errorOf([{ name: 'x', datatype, shape: [1], data: [min - 1] }]).message).toContain('out of range');
      expect(errorOf([{ name: 'x', datatype, shape: [1], data: [max + 1] }]).message).toContain('out of range');
    }
  });

  it('takes int64 strings just beyond the safe integers and refuses them past the int64 range or inside the safe range', () => {
    const big = '9007199254740993';
    const { feeds } = parseInferRequestText(req([{ name: 'x', datatype: 'INT64', shape: [2], data: [big, `-${big}`] }]));
    expect([...(feeds.x!.data as BigInt64Array)]).toEqual([9007199254740993n, -9007199254740993n]);
    expect(errorOf([{ name: 'x', datatype: 'INT64', shape: [1], data: ['9007199254740991'] }]).message).toContain('a number sent as a string');
    expect(errorOf([{ name: 'x', datatype: 'INT64', shape: [1], data: ['-9007199254740991'] }]).message).toContain('a number sent as a string');
    expect(errorOf([{ name: 'x', datatype: 'INT64', shape: [1], data: ['9223372036854775808'] }]).message).toContain('out of range');
    expect(errorOf([{ name: 'x', datatype: 'INT64', shape: [1], data: ['12a'] }]).message).toContain('not a number');
  });

  it('reads bools from true and 1 only', () => {
    const { feeds } = parseInferRequestText(req([{ name: 'b', datatype: 'BOOL', shape: [4], data: [true, 1, false, 0] }]));
    expect([...(feeds.b!.data as Uint8Array)]).toEqual([1, 1, 0, 0]);
  });

  it('reads the non-finite float names', () => {
    const { feeds } = parseInferRequestText(req([{ name: 'f', datatype: 'FP32', shape: [3], data: ['NaN', 'Infinity', '-Infinity'] }]));
    expect([...(feeds.f!.data as Float32Array)]).toEqual([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(errorOf([{ name: 'f', datatype: 'FP32', shape: [1], data: ['toString'] }]).details).toEqual({ name: 'f', index: 0, dtype: 'float32' });
  });
});

describe('parseInferRequest tensor header errors', () => {
  it('names the field at fault with its details', () => {
    const noType = errorOf([{ name: 'x', shape: [1], data: [1] }]);
    expect(noType.message).toContain('needs a "datatype" string');
    const noShape = errorOf([{ name: 'x', datatype: 'FP32', shape: 3, data: [1] }]);
    expect(noShape.message).toContain('needs a "shape" array, got 3');
    const badDim = errorOf([{ name: 'x', datatype: 'FP32', shape: [1.5], data: [1] }]);
    expect(badDim.message).toContain('shape');
    expect(errorOf([{ name: 'x', datatype: 'FP32', shape: [-1], data: [1] }]).code).toBe('INVALID_INPUT');
    expect(errorOf([{ name: 'x', datatype: 'FP32', shape: ['1'], data: [1] }]).code).toBe('INVALID_INPUT');
    const twice = errorOf([{ name: 'x', datatype: 'FP32', shape: [1], data: [1] }, { name: 'x', datatype: 'FP32', shape: [1], data: [1] }]);
    expect([twice.message.includes('is given twice'), twice.details]).toEqual([true, { name: 'x' }]);
    const notObject = errorOf([7]);
    expect(notObject.message).toBe('request: inputs[0] must be an object, got 7');
    const unnamed = errorOf([{ name: '', datatype: 'FP32', shape: [1], data: [1] }]);
    expect(unnamed.message).toContain('needs a non-empty "name"');
  });
});
