import { describe, expect, it } from 'vitest';
import { QUOTE_MAX_CHARS, cutText, quoteValue } from './quote-value';

describe('cutText', () => {
  it('returns the text unchanged when it fits', () => {
    expect(cutText('input_ids')).toBe('input_ids');
    expect(cutText('x'.repeat(QUOTE_MAX_CHARS))).toBe('x'.repeat(QUOTE_MAX_CHARS));
  });

  it('keeps the first characters and the length when the text is longer than the limit', () => {
    expect(cutText('abcdefgh', 3)).toBe('abc… (8 chars)');
    expect(cutText('x'.repeat(50_000_000)).length).toBeLessThan(QUOTE_MAX_CHARS + 30);
  });
});

describe('quoteValue', () => {
  it('quotes strings as JSON and cuts long ones, saying how long they were', () => {
    expect(quoteValue('a"b')).toBe('"a\\"b"');
    const long = quoteValue('n'.repeat(50_000_000));
    expect(long).toContain('(50000000 chars)');
    expect(long.length).toBeLessThan(QUOTE_MAX_CHARS + 30);
  });

  it('quotes a string of exactly the limit whole, and cuts one character more', () => {
    expect(quoteValue('abc', 3)).toBe('"abc"');
    expect(quoteValue('abcd', 3)).toBe('"abc"… (4 chars)');
  });

  it('writes scalars as JavaScript prints them when given numbers, bigints, booleans or nothing', () => {
    expect([quoteValue(1.5), quoteValue(12n), quoteValue(true), quoteValue(undefined), quoteValue(null)]).toEqual(['1.5', '12n', 'true', 'undefined', 'null']);
    expect(quoteValue(10n ** 200n)).toContain('chars)');
  });

  it('describes arrays, typed arrays, objects, symbols and functions by kind without walking them', () => {
    let deep: unknown[] = [1];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(quoteValue(deep)).toBe('an array of 1');
    expect(quoteValue(new Float32Array(3))).toBe('a Float32Array');
    expect(quoteValue({ a: 1 })).toBe('an object (Object)');
    expect(quoteValue(Object.create(null))).toBe('an object (Object)');
    expect(quoteValue(new (class Feeds {})())).toBe('an object (Feeds)');
    expect(quoteValue(Symbol('s'))).toBe('a symbol');
    expect(quoteValue(() => 1)).toBe('a function');
  });

  it('survives an object whose constructor getter throws', () => {
    const hostile = new Proxy({}, { get: () => { throw new Error('no'); } });
    expect(quoteValue(hostile)).toBe('an object (Object)');
  });

  it('says Object when the constructor name is empty or not a string', () => {
    expect(quoteValue(new (class {})())).toBe('an object (Object)');
    // Parsed JSON may carry a "constructor" key of any shape; an array name must not be printed as if it were one.
    expect(quoteValue(JSON.parse('{"constructor":{"name":["Feeds"]}}'))).toBe('an object (Object)');
  });
});
