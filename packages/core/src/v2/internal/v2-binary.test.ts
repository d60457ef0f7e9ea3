import { describe, expect, it } from 'vitest';
import { thrown } from '../../internal/thrown.fixture';
import { resolveV2Limits } from '../v2-limits';
import { decodeBinaryData, fixedBinarySize, utf8Length } from './v2-binary';

const limits = resolveV2Limits();
/** BYTES elements in the binary layout: a little-endian 4-byte length before each element's bytes. */
const strings = (...parts: (number[] | string)[]): Uint8Array => {
  const out: number[] = [];
  for (const p of parts) {
    const bytes = typeof p === 'string' ? [...new TextEncoder().encode(p)] : p;
    out.push(bytes.length & 0xff, (bytes.length >> 8) & 0xff, 0, 0, ...bytes);
  }
  return new Uint8Array(out);
};

describe('fixedBinarySize', () => {
  it('is size times the element size for fixed-width dtypes and undefined for BYTES', () => {
    expect([fixedBinarySize('float32', 3), fixedBinarySize('int64', 2), fixedBinarySize('bool', 5), fixedBinarySize('string', 3)]).toEqual([12, 16, 5, undefined]);
  });
});

describe('decodeBinaryData', () => {
  it('refuses bytes that do not fit the shape, naming the input (its details name cut to 256)', () => {
    const error = thrown(() => decodeBinaryData('float32', 2, new Uint8Array(4), 'x', limits));
    expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', 'input "x": binary_data_size is 4 bytes; 2 float32 elements take 8', { name: 'x' }]);
    const long = thrown(() => decodeBinaryData('int8', 1, new Uint8Array(2), 'n'.repeat(300), limits));
    expect(long.details).toEqual({ name: 'n'.repeat(256) });
    expect(long.message).toBe(`input "${'n'.repeat(64)}"…(300 chars): binary_data_size is 2 bytes; 1 int8 elements take 1`);
  });

  it('reads BYTES elements of exactly maxStringLength and refuses a longer one, naming the limit', () => {
    const small = resolveV2Limits({ maxStringLength: 3 });
    expect(decodeBinaryData('string', 2, strings('abc', 'é'), 'x', small)).toEqual(['abc', 'é']);
    const error = thrown(() => decodeBinaryData('string', 2, strings('ab', 'abcd'), 'x', small));
    expect([error.message, error.details]).toEqual([
      'input "x": element 1 length: 4 is over the limit of 3 (maxStringLength; raise it in the v2 limits)',
      { limit: 'maxStringLength', max: 3, value: 4 },
    ]);
  });

  it('refuses BYTES data cut short, with bytes left over, or not UTF-8, saying where', () => {
    const cases: [number, Uint8Array, string, Record<string, unknown>][] = [
      [2, strings('ab'), 'input "x": binary BYTES data ends at element 1 of 2', { name: 'x' }],
      [1, strings('abcde').subarray(0, 6), 'input "x": binary BYTES element 0 says 5 bytes, 2 are left', { name: 'x' }],
      [1, new Uint8Array([...strings('a'), 7, 8]), 'input "x": binary BYTES data has 2 bytes after its 1 elements', { name: 'x' }],
      [2, strings('a', [0xff]), 'input "x": binary BYTES element 1 is not UTF-8', { name: 'x', index: 1 }],
    ];
    for (const [size, bytes, message, details] of cases) {
      const error = thrown(() => decodeBinaryData('string', size, bytes, 'x', limits));
      expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', message, details]);
    }
    expect(thrown(() => decodeBinaryData('string', 1, strings([0xc3]), 'x', limits)).cause).toBeInstanceOf(TypeError);
  });
});

describe('utf8Length', () => {
  it('counts the bytes TextEncoder writes, at every length boundary and for paired and lone surrogates', () => {
    const samples = [
      '',
      'a\u007f',
      '\u0080',
      '\u07ff',
      '\u0800',
      '\uffff',
      '\ud83d\ude00',
      '\ud800\udc00',
      '\udbff\udfff',
      '\udbff\ue000',
      '\udc00\ud800',
      '\udc00\udc00',
      'a\ud800',
      '\ud800a',
      '\ud800\u00e9',
      '\ud7ff\udc00',
      '\udc00',
      'x\ud83d\ude00y\u00e9',
    ];
    for (const s of samples) expect([s, utf8Length(s)]).toEqual([s, new TextEncoder().encode(s).length]);
    expect([utf8Length('\ud83d\ude00'), utf8Length('\ud83d'), utf8Length('\ud83d\ud83d\ude00')]).toEqual([4, 3, 7]);
  });
});
