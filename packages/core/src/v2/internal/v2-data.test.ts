import { describe, expect, it } from 'vitest';
import type { DType } from '../../dtype';
import { thrown } from '../../internal/thrown.fixture';
import { resolveV2Limits } from '../v2-limits';
import { convertJsonData, flattenData, maxJsonChars } from './v2-data';

const limits = resolveV2Limits();

describe('flattenData', () => {
  it('returns flat data itself, not a copy, and nested data as a new row-major array', () => {
    const flat = [1, 2, 3];
    expect(flattenData(flat, 3, 1, 'x', limits)).toBe(flat);
    const empty: unknown[] = [];
    expect(flattenData(empty, 0, 1, 'x', limits)).toBe(empty);
    const nested = [[1, 2], [3, 4]];
    const out = flattenData(nested, 4, 2, 'x', limits);
    expect(out).not.toBe(nested);
    expect(out).toEqual([1, 2, 3, 4]);
  });

  it('refuses data nesting past maxDepth by the limit, when the rank reaches maxDepth', () => {
    const small = resolveV2Limits({ maxDepth: 2 });
    expect(flattenData([[1]], 1, 2, 'x', small)).toEqual([1]);
    const error = thrown(() => flattenData([[[1]]], 1, 2, 'x', small));
    expect([error.code, error.message, error.details]).toEqual([
      'INVALID_INPUT',
      'input "x": "data" nesting depth: 3 is over the limit of 2 (maxDepth; raise it in the v2 limits)',
      { limit: 'maxDepth', max: 2, value: 3 },
    ]);
  });
});

describe('convertJsonData', () => {
  it('cuts the name in the details of a bad element to 256 characters', () => {
    const name = 'n'.repeat(300);
    const error = thrown(() => convertJsonData('int32', [1.5], name, limits));
    expect([error.code, error.message, error.details]).toEqual([
      'INVALID_INPUT',
      `input "${'n'.repeat(64)}"…(300 chars): element 0 (1.5) cannot be stored as int32: not an integer`,
      { name: 'n'.repeat(256), index: 0, dtype: 'int32' },
    ]);
  });

  it('takes BYTES elements of exactly maxStringLength and refuses a longer one, naming the limit', () => {
    const small = resolveV2Limits({ maxStringLength: 3 });
    expect(convertJsonData('string', ['abc', ''], 'x', small)).toEqual(['abc', '']);
    const error = thrown(() => convertJsonData('string', ['ab', 'abcd'], 'x', small));
    expect([error.code, error.message, error.details]).toEqual([
      'INVALID_INPUT',
      'input "x": element 1 length: 4 is over the limit of 3 (maxStringLength; raise it in the v2 limits)',
      { limit: 'maxStringLength', max: 3, value: 4 },
    ]);
  });

  it('refuses a 64-bit integer element that is neither a number nor a string as not a number', () => {
    for (const [value, shown] of [[true, 'true'], [null, 'null'], [{}, 'an object']] as const) {
      const error = thrown(() => convertJsonData('int64', [value], 'x', limits));
      expect([error.code, error.message, error.details]).toEqual([
        'INVALID_INPUT',
        `input "x": element 0 (${shown}) cannot be stored as int64: not a number`,
        { name: 'x', index: 0, dtype: 'int64' },
      ]);
    }
  });

  it('takes the non-finite float names only as strings, not an array holding one', () => {
    expect([...convertJsonData('float32', ['-Infinity'], 'f', limits)]).toEqual([Number.NEGATIVE_INFINITY]);
    const error = thrown(() => convertJsonData('float32', [['NaN']], 'f', limits));
    expect([error.code, error.message, error.details]).toEqual([
      'INVALID_INPUT',
      'input "f": element 0 (an array of 1) cannot be stored as float32: not a number',
      { name: 'f', index: 0, dtype: 'float32' },
    ]);
  });
});

describe('maxJsonChars', () => {
  it('is the length of the longest JSON text of an element of the dtype, with its separator', () => {
    const longest: [DType, string][] = [
      ['bool', 'false'],
      ['uint8', '255'],
      ['int8', '-128'],
      ['uint16', '65535'],
      ['int16', '-32768'],
      ['uint32', '4294967295'],
      ['int32', '-2147483648'],
      ['int64', '"-9223372036854775808"'],
      ['uint64', '"18446744073709551615"'],
      ['float64', String(-2.2250738585072014e-308)],
    ];
    expect(longest.map(([dtype]) => maxJsonChars(dtype))).toEqual(longest.map(([, text]) => `${text},`.length));
  });
});
